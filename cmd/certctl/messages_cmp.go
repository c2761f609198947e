package main

// Messages of the CMP commands (issue, renew, revoke, auto-renew), in their own table
// like messages_online.go; init adds them to messages and TestCMPMessages checks them.

const (
	msgText                    = "text"
	msgIssueMissingRefCode     = "issue-missing-ref-code"
	msgNoServerFor             = "no-server-for"
	msgGeneratingKey           = "generating-key"
	msgAskingServer            = "asking-server"
	msgServerRefusedCode       = "server-refused-code"
	msgServerRefusedUnauth     = "server-refused-unauth"
	msgCMPBadAnswer            = "cmp-bad-answer"
	msgHintCMPBadAnswer        = "hint-cmp-bad-answer"
	msgNotKept                 = "not-kept"
	msgHintNotKept             = "hint-not-kept"
	msgNotConfirmed            = "not-confirmed"
	msgHintNotConfirmed        = "hint-not-confirmed"
	msgHintRenewNotKept        = "hint-renew-not-kept"
	msgIssuedInto              = "issued-into"
	msgIssuedRoot              = "issued-root"
	msgRenewedInto             = "renewed-into"
	msgOldRemoved              = "old-removed"
	msgOldKept                 = "old-kept"
	msgOldNotRemoved           = "old-not-removed"
	msgMissingReason           = "missing-reason"
	msgBadReason               = "bad-reason"
	msgHintReasons             = "hint-reasons"
	msgRevokeAsk               = "revoke-ask"
	msgRevokeNeedYes           = "revoke-need-yes"
	msgRevokeCancelled         = "revoke-cancelled"
	msgRevokeNoAnswer          = "revoke-no-answer"
	msgHintRevokeYes           = "hint-revoke-yes"
	msgRevokedDone             = "revoked-done"
	msgRevokedFolderLeft       = "revoked-folder-left"
	msgAutoRenewed             = "auto-renewed"
	msgAutoSkipped             = "auto-skipped"
	msgAutoFailed              = "auto-failed"
	msgAutoNotDue              = "auto-not-due"
	msgAutoExpired             = "auto-expired"
	msgAutoNoKey               = "auto-no-key"
	msgAutoUnreadable          = "auto-unreadable"
	msgAutoReplaced            = "auto-replaced"
	msgAutoSummary             = "auto-summary"
	msgAutoFailures            = "auto-failures"
	msgAIADiffers              = "aia-differs"
	msgAutoNoServer            = "auto-no-server"
	msgRenewRefusedHere        = "renew-refused-here"
	msgAutoRevoked             = "auto-revoked"
	msgAutoSuspended           = "auto-suspended"
	msgAutoNotRenewable        = "auto-not-renewable"
	msgAutoSummaryNotRenewable = "auto-summary-not-renewable"
)

var cmpMessages = map[msgID]text{
	msgText: {"%s", "%s"},
	msgIssueMissingRefCode: {"issue: missing --ref NUMBER and --code CODE (the reference number and authorization code your bank gave you)",
		"issue: --ref 참조번호 와 --code 인가코드 가 필요합니다 (은행에서 받은 참조번호와 인가코드)"},
	msgNoServerFor: {"%s: the certificate names no server (no AIA): give --server URL",
		"%s: 인증서에 서버 주소(AIA)가 없습니다: --server URL 을 주십시오"},
	msgGeneratingKey:     {"generating an RSA-2048 key on this device...", "이 기기에서 RSA-2048 키를 만드는 중..."},
	msgAskingServer:      {"talking to %s...", "%s 와 통신하는 중..."},
	msgServerRefusedCode: {"the server refused: %s (%s)", "서버가 거절했습니다: %s (%s)"},
	msgServerRefusedUnauth: {"the server refused: %s (%s; this answer could not be authenticated)",
		"서버가 거절했습니다: %s (%s; 이 응답은 인증할 수 없었습니다)"},
	msgCMPBadAnswer: {"the answer of %s failed its checks: nothing was written",
		"%s 의 응답이 검증을 통과하지 못했습니다: 아무것도 쓰지 않았습니다"},
	msgHintCMPBadAnswer: {"the address may not be a certcenter server, or someone may be between you and it; check the address and try again",
		"주소가 인증서버가 아니거나 중간에 누군가 끼어들었을 수 있습니다. 주소를 확인하고 다시 시도하십시오"},
	msgNotKept: {"cannot store the new certificate in %s: nothing was kept, and the server was told to revoke it",
		"새 인증서를 %s 에 저장할 수 없습니다: 아무것도 남기지 않았고 서버에 폐기를 요청했습니다"},
	msgHintNotKept: {"free some space or fix the folder's permissions, then ask your bank for a new reference number and code",
		"저장 공간이나 폴더 권한을 확인한 뒤 은행에서 새 참조번호와 인가코드를 받으십시오"},
	msgNotConfirmed: {"the server did not take the confirmation, so the new certificate was not kept (the server revokes unconfirmed certificates)",
		"서버가 확인 메시지를 받지 않아 새 인증서를 남기지 않았습니다 (확인되지 않은 인증서는 서버가 폐기합니다)"},
	msgHintNotConfirmed: {"ask your bank for a new reference number and code",
		"은행에서 새 참조번호와 인가코드를 받으십시오"},
	msgHintRenewNotKept: {"your current certificate was left in place; ask your bank if it no longer renews",
		"지금 인증서는 그대로 두었습니다. 다시 갱신되지 않으면 은행에 문의하십시오"},
	msgIssuedInto:    {"issued: %s, into %s", "발급했습니다: %s, %s 에 저장"},
	msgIssuedRoot:    {"CA root: %s (SHA-256 %s)", "최상위 인증기관: %s (SHA-256 %s)"},
	msgRenewedInto:   {"renewed: serial %s → %s, into %s", "갱신했습니다: 일련번호 %s → %s, %s 에 저장"},
	msgOldRemoved:    {"removed the old certificate folder %s", "이전 인증서 폴더 %s 를 지웠습니다"},
	msgOldKept:       {"kept the old certificate folder %s", "이전 인증서 폴더 %s 를 남겨 두었습니다"},
	msgOldNotRemoved: {"could not remove the old certificate folder %s", "이전 인증서 폴더 %s 를 지울 수 없습니다"},
	msgMissingReason: {"revoke: missing --reason REASON", "revoke: --reason 사유 가 필요합니다"},
	msgBadReason:     {"unknown revocation reason %q", "알 수 없는 폐기 사유 %q"},
	msgHintReasons: {"give a name or a number: unspecified (0), keyCompromise (1), affiliationChanged (3), superseded (4), cessationOfOperation (5), privilegeWithdrawn (9)",
		"이름이나 번호로 주십시오: unspecified (0), keyCompromise (1, 키 유출), affiliationChanged (3), superseded (4), cessationOfOperation (5, 사용 중지), privilegeWithdrawn (9)"},
	msgRevokeAsk: {"Revoke %s's certificate (serial %s, reason %s)? This cannot be undone. [y/N] ",
		"%s 의 인증서(일련번호 %s, 사유 %s)를 폐기합니까? 되돌릴 수 없습니다. [y/N] "},
	msgRevokeNeedYes: {"cannot ask for confirmation: add --yes to revoke",
		"확인을 물어볼 수 없습니다: 폐기하려면 --yes 를 붙이십시오"},
	msgRevokeCancelled: {"not revoked", "폐기하지 않았습니다"},
	msgRevokeNoAnswer: {"not revoked: no answer to the confirmation question (standard input is not a terminal, or it was empty)",
		"폐기하지 않았습니다: 확인 질문에 대한 답이 없습니다 (표준 입력이 터미널이 아니거나 비어 있습니다)"},
	msgHintRevokeYes: {"to revoke without being asked (in a script), add --yes",
		"묻지 않고 폐기하려면 (스크립트 등) --yes 를 붙이십시오"},
	msgRevokedDone: {"revoked: %s (serial %s, reason %s)", "폐기했습니다: %s (일련번호 %s, 사유 %s)"},
	msgRevokedFolderLeft: {"the folder %s is left in place; delete it when you no longer need it",
		"폴더 %s 는 그대로 두었습니다. 필요 없으면 지우십시오"},
	msgAutoRenewed:    {"renewed %s: serial %s → %s (%s)", "갱신 %s: 일련번호 %s → %s (%s)"},
	msgAutoSkipped:    {"not due %s (serial %s): %s", "대상 아님 %s (일련번호 %s): %s"},
	msgAutoFailed:     {"FAILED %s (serial %s): %s", "실패 %s (일련번호 %s): %s"},
	msgAutoNotDue:     {"renewal opens %s", "%s 부터 갱신할 수 있습니다"},
	msgAutoExpired:    {"expired on %s: ask your bank for a reissue", "%s 에 만료되었습니다: 은행에서 재발급을 받으십시오"},
	msgAutoNoKey:      {"no key file", "키 파일이 없습니다"},
	msgAutoUnreadable: {"unreadable certificate", "읽을 수 없는 인증서"},
	msgAutoReplaced:   {"already renewed (a newer certificate replaced it)", "이미 갱신되었습니다 (새 인증서로 대체됨)"},
	msgAutoSummary:    {"%d renewed, %d failed, %d not due", "갱신 %d건, 실패 %d건, 대상 아님 %d건"},
	msgAutoFailures:   {"%d of %d renewals failed", "%d건 실패 (갱신 %d건 중)"},
	msgAutoNoServer: {"issued elsewhere: its AIA names no certcenter server (give --server to renew it here)",
		"다른 곳에서 발급됨: AIA 에 인증서버 주소가 없습니다 (여기서 갱신하려면 --server 를 주십시오)"},
	msgRenewRefusedHere: {"cannot renew: %s (%s)", "갱신할 수 없습니다: %s (%s)"},
	msgAutoRevoked: {"revoked: it cannot be renewed; ask your bank for a reissue",
		"폐기되었습니다: 갱신할 수 없으니 은행에서 재발급을 받으십시오"},
	msgAutoSuspended: {"suspended (certificate hold): it cannot be renewed until the bank lifts the suspension",
		"효력정지 상태입니다: 은행에서 효력을 회복해야 갱신할 수 있습니다"},
	msgAutoSummaryNotRenewable: {"%d renewed, %d failed, %d not due, %d not renewable (revoked or suspended)",
		"갱신 %d건, 실패 %d건, 대상 아님 %d건, 갱신 불가(폐기·효력정지) %d건"},
	msgAutoNotRenewable: {"NOT RENEWABLE %s (serial %s): %s", "갱신 불가 %s (일련번호 %s): %s"},
	msgAIADiffers: {"the certificate names %s as its server (AIA), not %s: renew and revoke will go there unless given --server",
		"인증서에 적힌 서버(AIA)는 %s 이며 %s 가 아닙니다: 갱신과 폐기는 --server 를 주지 않으면 그 서버로 갑니다"},
}

func init() {
	for id, t := range cmpMessages {
		if _, dup := messages[id]; dup {
			panic("certctl: message " + string(id) + " defined twice")
		}
		messages[id] = t
	}
}
