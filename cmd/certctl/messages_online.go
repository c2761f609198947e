package main

// Messages of the online commands (copy, sign, verify), kept in their own table so the
// offline table in messages.go stays as it is; init adds them to messages, and
// TestOnlineMessages checks that every constant here has both languages.

const (
	msgMissingServer     = "missing-server"
	msgBadServer         = "bad-server"
	msgServerDown        = "server-down"
	msgHintServerDown    = "hint-server-down"
	msgServerSaid        = "server-said"
	msgMissingCode       = "missing-code"
	msgBadCode           = "bad-code"
	msgCopyCode          = "copy-code"
	msgCopyCodeHint      = "copy-code-hint"
	msgCopyWaiting       = "copy-waiting"
	msgCopyConfirmation  = "copy-confirmation"
	msgCopyCheckNumber   = "copy-check-number"
	msgCopyAskMatch      = "copy-ask-match"
	msgCopyMismatch      = "copy-mismatch"
	msgHintCopyMismatch  = "hint-copy-mismatch"
	msgCopyNoAnswer      = "copy-no-answer"
	msgCopySent          = "copy-sent"
	msgCopyReceived      = "copy-received"
	msgCopyCancelled     = "copy-cancelled"
	msgCopyLocked        = "copy-locked"
	msgCopyExpired       = "copy-expired"
	msgHintCopyAgain     = "hint-copy-again"
	msgCopyWrongCodeLeft = "copy-wrong-code-left"
	msgCopyNoSuchCode    = "copy-no-such-code"
	msgHintCopyRetype    = "hint-copy-retype"
	msgCopyCodeUsed      = "copy-code-used"
	msgCopyTampered      = "copy-tampered"
	msgCopyBadPayload    = "copy-bad-payload"
	msgCopyUnknownSub    = "copy-unknown-sub"
	msgCopyWaitingPeer   = "copy-waiting-peer"
	msgCopyFolderExists  = "copy-folder-exists"

	msgCopyWaitingOutcome    = "copy-waiting-outcome"
	msgCopyStored            = "copy-stored"
	msgCopyUnconfirmed       = "copy-unconfirmed"
	msgCopyBadOutcome        = "copy-bad-outcome"
	msgCopyRefusedExists     = "copy-refused-exists"
	msgHintCopyRefusedExists = "hint-copy-refused-exists"
	msgCopyRefusedUnreadable = "copy-refused-unreadable"
	msgHintCopyAgainSend     = "hint-copy-again-send"
	msgCopyRefusedWrite      = "copy-refused-write"
	msgHintCopyRefusedWrite  = "hint-copy-refused-write"
)

var onlineMessages = map[msgID]text{
	msgMissingServer: {"%s: missing --server URL (or set CERTCTL_SERVER)",
		"%s: --server URL 이 필요합니다 (또는 CERTCTL_SERVER 를 설정하십시오)"},
	msgBadServer:  {"the server address %q is not an http(s) URL", "서버 주소 %q 가 http(s) URL 이 아닙니다"},
	msgServerDown: {"cannot reach the server %s", "서버 %s 에 연결할 수 없습니다"},
	msgHintServerDown: {"check the address and your network; nothing was written or sent",
		"주소와 네트워크를 확인하십시오. 아무것도 쓰거나 보내지 않았습니다"},
	msgServerSaid: {"the server refused: %s", "서버가 거절했습니다: %s"},
	msgMissingCode: {"copy send: missing --code CODE (the 12 digits shown on the receiving device)",
		"copy send: --code 코드 가 필요합니다 (받는 기기에 표시된 12자리)"},
	msgBadCode: {"the code must be 12 digits, in groups of 4 that may be separated by - or a space",
		"코드는 12자리 숫자입니다 (4자리마다 - 나 공백으로 나눌 수 있습니다)"},
	msgCopyCode: {"copy code: %s (valid until %s)", "복사 코드: %s (%s 까지 유효)"},
	msgCopyCodeHint: {"on the sending device run: certctl copy send SELECTOR --server %s --code %s",
		"보내는 기기에서 실행하십시오: certctl copy send 인증서 --server %s --code %s"},
	msgCopyWaiting:      {"waiting for the sending device...", "보내는 기기를 기다리는 중..."},
	msgCopyConfirmation: {"confirmation number: %s", "확인 번호: %s"},
	msgCopyCheckNumber: {"check that the sending device shows the same number",
		"보내는 기기에 같은 번호가 표시되는지 확인하십시오"},
	msgCopyAskMatch: {"Does the receiving device show %s? [y/N] ", "받는 기기에 %s 이(가) 표시됩니까? [y/N] "},
	msgCopyMismatch: {"the confirmation numbers do not match: nothing was sent",
		"확인 번호가 다릅니다: 아무것도 보내지 않았습니다"},
	msgHintCopyMismatch: {"someone may be between the two devices; start again with a new code, and if it happens again, do not copy over this network",
		"두 기기 사이에 누군가 끼어들었을 수 있습니다. 새 코드로 다시 시작하고, 또 그러면 이 네트워크로 복사하지 마십시오"},
	msgCopyNoAnswer: {"cannot ask whether the numbers match: give --confirm NUMBER (the number the receiving device shows)",
		"번호가 같은지 물어볼 수 없습니다: --confirm 번호 (받는 기기에 표시된 번호) 를 주십시오"},
	msgCopySent:      {"sent %s to the receiving device", "%s 을(를) 받는 기기로 보냈습니다"},
	msgCopyReceived:  {"received into %s", "%s 에 받았습니다"},
	msgCopyCancelled: {"the other device cancelled the copy", "상대 기기가 복사를 취소했습니다"},
	msgCopyLocked: {"the copy was stopped after 5 wrong codes",
		"잘못된 코드가 5회 입력되어 복사를 중단했습니다"},
	msgCopyExpired:       {"the copy code expired (codes last 5 minutes)", "복사 코드의 유효시간(5분)이 지났습니다"},
	msgHintCopyAgain:     {"run certctl copy receive again for a new code", "certctl copy receive 를 다시 실행해 새 코드를 받으십시오"},
	msgCopyWrongCodeLeft: {"wrong code: %d tries left before the copy is stopped", "코드가 틀렸습니다: %d번 더 틀리면 복사가 중단됩니다"},
	msgCopyNoSuchCode:    {"wrong code: no copy is waiting for it", "코드가 틀렸습니다: 이 코드로 기다리는 복사가 없습니다"},
	msgHintCopyRetype: {"check the 12 digits shown on the receiving device and send again with them",
		"받는 기기에 표시된 12자리를 확인하고 다시 보내십시오"},
	msgCopyCodeUsed: {"this code has already been used", "이미 사용된 코드입니다"},
	msgCopyTampered: {"the receiving device's key does not match what it announced: nothing was sent",
		"받는 기기의 키가 처음 알린 것과 다릅니다: 아무것도 보내지 않았습니다"},
	msgCopyBadPayload: {"what arrived cannot be read (%s): nothing was written",
		"받은 내용을 읽을 수 없습니다 (%s): 아무것도 쓰지 않았습니다"},
	msgCopyUnknownSub:   {"copy: say receive or send", "copy: receive 또는 send 를 지정하십시오"},
	msgCopyWaitingPeer:  {"waiting for the receiving device...", "받는 기기를 기다리는 중..."},
	msgCopyFolderExists: {"the certificate folder %s already exists: nothing was written", "인증서 폴더 %s 이(가) 이미 있습니다: 아무것도 쓰지 않았습니다"},

	msgCopyWaitingOutcome: {"waiting for the receiving device to store it...", "받는 기기가 저장하기를 기다리는 중..."},
	msgCopyStored:         {"sent %s: the receiving device stored it in %s", "%s 을(를) 보냈습니다: 받는 기기가 %s 에 저장했습니다"},
	msgCopyUnconfirmed: {"the receiving device did not say whether it stored the files (an older certctl there?): check on it with certctl list",
		"받는 기기가 파일을 저장했는지 알려 오지 않았습니다 (이전 버전의 certctl?): 받는 기기에서 certctl list 로 확인하십시오"},
	msgCopyBadOutcome: {"the receiving device's answer cannot be read (%s)", "받는 기기의 응답을 읽을 수 없습니다 (%s)"},
	msgCopyRefusedExists: {"the receiving device refused the files: the certificate folder %s already exists there; nothing was written",
		"받는 기기가 파일을 받지 않았습니다: 인증서 폴더 %s 이(가) 이미 있습니다. 아무것도 쓰지 않았습니다"},
	msgHintCopyRefusedExists: {"to replace it, run certctl copy receive --force on the receiving device and send again",
		"바꾸려면 받는 기기에서 certctl copy receive --force 를 실행하고 다시 보내십시오"},
	msgCopyRefusedUnreadable: {"the receiving device could not read what was sent; nothing was written",
		"받는 기기가 보낸 내용을 읽지 못했습니다. 아무것도 쓰지 않았습니다"},
	msgHintCopyAgainSend: {"start again: certctl copy receive on the receiving device for a new code",
		"받는 기기에서 certctl copy receive 로 새 코드를 받아 다시 시작하십시오"},
	msgCopyRefusedWrite: {"the receiving device could not write the certificate folder; nothing was kept",
		"받는 기기가 인증서 폴더를 쓰지 못했습니다. 아무것도 남기지 않았습니다"},
	msgHintCopyRefusedWrite: {"check the space and permissions of the NPKI folder on the receiving device, then start again",
		"받는 기기의 NPKI 폴더 저장 공간과 권한을 확인한 뒤 다시 시작하십시오"},
}

func init() {
	for id, t := range onlineMessages {
		if _, dup := messages[id]; dup {
			panic("certctl: message " + string(id) + " defined twice")
		}
		messages[id] = t
	}
}

// sign and verify.
const (
	msgSignMissingInOut      = "sign-missing-in-out"
	msgReadInput             = "read-input"
	msgSignFailed            = "sign-failed"
	msgSigned                = "signed"
	msgVerifyMissingIn       = "verify-missing-in"
	msgBadRHex               = "bad-r-hex"
	msgBadSignatureFile      = "bad-signature-file"
	msgVerifyNeedContent     = "verify-need-content"
	msgBadTrust              = "bad-trust"
	msgVerifyNeedTrust       = "verify-need-trust"
	msgOutsideValidity       = "outside-validity"
	msgSigningTimeFuture     = "signing-time-future"
	msgCheckingRevocation    = "checking-revocation"
	msgNoIssuer              = "no-issuer"
	msgVerifyNoR             = "verify-no-r"
	msgIdentityMismatch      = "identity-mismatch"
	msgIdentityMatch         = "identity-match"
	msgCheckOK               = "check-ok"
	msgCheckFail             = "check-fail"
	msgLabelSignature        = "label-signature"
	msgLabelSigner           = "label-signer"
	msgLabelSigningTime      = "label-signing-time"
	msgLabelChain            = "label-chain"
	msgLabelRevocation       = "label-revocation"
	msgLabelValidityAt       = "label-validity-at"
	msgLabelIdentity         = "label-identity"
	msgSignatureValid        = "signature-valid"
	msgSignatureInvalid      = "signature-invalid"
	msgChainOK               = "chain-ok"
	msgChainFetched          = "chain-fetched"
	msgChainFail             = "chain-fail"
	msgValidAtSigning        = "valid-at-signing"
	msgNotRevoked            = "not-revoked"
	msgCached                = "cached"
	msgOCSPUnavailable       = "ocsp-unavailable"
	msgRevoked               = "revoked"
	msgRevocationUnknown     = "revocation-unknown"
	msgSuspended             = "suspended"
	msgOutsideValidityNow    = "outside-validity-now"
	msgValidNowNoSigningTime = "valid-now-no-signing-time"
	msgVerifyAllPassed       = "verify-all-passed"
	msgVerifyNotValid        = "verify-not-valid"
)

var signMessages = map[msgID]text{
	msgSignMissingInOut: {"sign: missing --in FILE and --out FILE.p7s", "sign: --in 파일 과 --out 파일.p7s 가 필요합니다"},
	msgReadInput:        {"cannot read %s", "%s 을(를) 읽을 수 없습니다"},
	msgSignFailed:       {"cannot make the signature", "서명을 만들 수 없습니다"},
	msgSigned:           {"signed %s into %s as %s", "%s 에 %s 의 서명을 만들었습니다 (서명자 %s)"},
	msgVerifyMissingIn:  {"verify: missing --in FILE.p7s", "verify: --in 파일.p7s 가 필요합니다"},
	msgBadRHex:          {"--r must be R (randomNum) in hex", "--r 에는 R(randomNum)을 16진수로 주십시오"},
	msgBadSignatureFile: {"%s is not a CMS signature certctl can read", "%s 은(는) 읽을 수 있는 CMS 서명 파일이 아닙니다"},
	msgVerifyNeedContent: {"%s is a detached signature: give the signed file with --content FILE",
		"%s 은(는) 분리 서명입니다: 서명한 파일을 --content 파일 로 주십시오"},
	msgBadTrust: {"cannot read a trusted root certificate from %s", "%s 에서 신뢰할 루트 인증서를 읽을 수 없습니다"},
	msgVerifyNeedTrust: {"verify: give the trusted root with --trust ROOT (or --server URL to take the server's root)",
		"verify: 신뢰할 루트 인증서를 --trust 파일 로 주십시오 (또는 --server URL 로 서버의 루트를 씁니다)"},
	msgOutsideValidity:    {"the certificate was not valid at the signing time", "서명 시각에 인증서가 유효하지 않았습니다"},
	msgSigningTimeFuture:  {"the signing time is in the future", "서명 시각이 미래입니다"},
	msgCheckingRevocation: {"checking revocation...", "폐기 여부를 확인하는 중..."},
	msgNoIssuer:           {"no issuer known (the chain did not verify)", "발급자를 알 수 없습니다 (인증 경로 확인 실패)"},
	msgVerifyNoR: {"no R to check the identity with: give --r HEX or ask for a signature made with --include-r",
		"신원을 확인할 R 이 없습니다: --r 16진수 를 주거나 --include-r 로 만든 서명을 받으십시오"},
	msgIdentityMismatch:  {"the identity number does not match the certificate's VID", "식별번호가 인증서의 VID 와 맞지 않습니다"},
	msgIdentityMatch:     {"the identity number matches the certificate's VID", "식별번호가 인증서의 VID 와 맞습니다"},
	msgCheckOK:           {"[ok]", "[확인]"},
	msgCheckFail:         {"[!!]", "[실패]"},
	msgLabelSignature:    {"signature", "서명"},
	msgLabelSigner:       {"signer", "서명자"},
	msgLabelSigningTime:  {"signed at", "서명 시각"},
	msgLabelChain:        {"chain", "인증 경로"},
	msgLabelRevocation:   {"revocation", "폐기 여부"},
	msgLabelValidityAt:   {"validity", "유효기간"},
	msgLabelIdentity:     {"identity", "본인 확인"},
	msgSignatureValid:    {"valid: the content is unchanged since it was signed", "유효: 서명한 뒤 내용이 바뀌지 않았습니다"},
	msgSignatureInvalid:  {"NOT valid: %s", "유효하지 않음: %s"},
	msgChainOK:           {"trusted: %s", "신뢰함: %s"},
	msgChainFetched:      {"(fetched %s)", "(%s 에서 가져옴)"},
	msgChainFail:         {"not trusted: %s", "신뢰할 수 없음: %s"},
	msgValidAtSigning:    {"the certificate was valid at the signing time (%s to %s)", "서명 시각에 인증서가 유효했습니다 (%s ~ %s)"},
	msgNotRevoked:        {"not revoked (%s, %s)", "폐기되지 않음 (%s, %s)"},
	msgCached:            {"(cached answer)", "(저장된 응답)"},
	msgOCSPUnavailable:   {"OCSP unavailable: %s", "OCSP 응답 없음: %s"},
	msgRevoked:           {"REVOKED on %s (%s), says %s", "%s 에 폐기됨 (%s), %s 확인"},
	msgRevocationUnknown: {"unknown: OCSP: %s; CRL: %s", "알 수 없음: OCSP: %s; CRL: %s"},
	msgOutsideValidityNow: {"the signature has no signing time, and the certificate is not valid now (checked at the time of verification)",
		"서명에 서명 시각이 없고, 인증서가 지금 유효하지 않습니다 (검증 시각 기준으로 확인)"},
	msgValidNowNoSigningTime: {"the signature has no signing time: checked at the time of verification, the certificate is valid now (%s to %s)",
		"서명에 서명 시각이 없어 검증 시각 기준으로 확인했습니다: 인증서가 지금 유효합니다 (%s ~ %s)"},
	msgSuspended:       {"SUSPENDED (certificate hold) since %s, says %s", "%s 부터 효력정지됨, %s 확인"},
	msgVerifyAllPassed: {"result: all checks passed", "결과: 모든 확인을 통과했습니다"},
	msgVerifyNotValid:  {"result: NOT valid (see the checks marked [!!])", "결과: 유효하지 않음 ([실패] 표시된 항목을 보십시오)"},
}

func init() {
	for id, t := range signMessages {
		if _, dup := messages[id]; dup {
			panic("certctl: message " + string(id) + " defined twice")
		}
		messages[id] = t
	}
}
