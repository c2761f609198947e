package main

import (
	"fmt"
	"strings"
)

// Every message certctl shows, in English and Korean. A test checks that each has
// both and that both take the same arguments.

type lang int

const (
	langEN lang = iota
	langKO
)

// langFromEnv picks Korean when the first set of LC_ALL, LC_MESSAGES, LANG starts with
// "ko" (POSIX precedence), else English.
func langFromEnv(env func(string) string) lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := env(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ko") {
				return langKO
			}
			return langEN
		}
	}
	return langEN
}

type msgID string

type text struct{ en, ko string }

func (l lang) tr(id msgID, args ...any) string {
	t, ok := messages[id]
	if !ok {
		return string(id) // a missing message is a bug the test catches; show its id
	}
	f := t.en
	if l == langKO && t.ko != "" {
		f = t.ko
	}
	if len(args) == 0 {
		// Every text is a format: "%%" is a literal percent sign even with no arguments.
		return strings.ReplaceAll(f, "%%", "%")
	}
	return fmt.Sprintf(f, args...)
}

const (
	msgErrorWord = "error-word"
	msgHintWord  = "hint-word"

	msgUnknownCommand = "unknown-command"
	msgBadFlags       = "bad-flags"
	msgMissingArg     = "missing-arg"
	msgExtraArgs      = "extra-args"
	msgHintUsage      = "hint-usage"
	msgStdinTwice     = "stdin-twice"
	msgMissingIDN     = "missing-idn"
	msgMissingOut     = "missing-out"
	msgNewPwConflict  = "new-password-conflict"

	msgNoDefaultRoot  = "no-default-root"
	msgHintNPKIDir    = "hint-npki-dir"
	msgReadNPKI       = "read-npki"
	msgNoCertificates = "no-certificates"
	msgHintImport     = "hint-import"
	msgListEmpty      = "list-empty"
	msgUnreadable     = "unreadable"
	msgBadCert        = "bad-cert"

	msgEmptySelector = "empty-selector"
	msgNotFound      = "not-found"
	msgHintList      = "hint-list"
	msgAmbiguous     = "ambiguous"
	msgHintAmbiguous = "hint-ambiguous"

	msgLabelName        = "label-name"
	msgLabelSubject     = "label-subject"
	msgLabelIssuer      = "label-issuer"
	msgLabelInstitution = "label-institution"
	msgLabelCA          = "label-ca"
	msgLabelKindUsage   = "label-kind-usage"
	msgLabelSerial      = "label-serial"
	msgLabelValidFrom   = "label-valid-from"
	msgLabelValidTo     = "label-valid-to"
	msgLabelStatus      = "label-status"
	msgLabelVID         = "label-vid"
	msgLabelKeyFile     = "label-key-file"
	msgLabelKMPair      = "label-km-pair"
	msgLabelSHA256      = "label-sha256"
	msgLabelFolder      = "label-folder"
	msgCheckGood        = "check-good"
	msgCheckRevoked     = "check-revoked"
	msgCheckUnknown     = "check-unknown"
	msgCheckSuspended   = "check-suspended"
	msgLabelError       = "label-error"
	msgValidity         = "validity"
	msgUnknown          = "unknown"
	msgUnknownPolicy    = "unknown-policy"
	msgKindUsagePolicy  = "kind-usage-policy"
	msgNoPolicy         = "no-policy"
	msgYes              = "yes"
	msgNo               = "no"
	msgVIDAbsent        = "vid-absent"
	msgVIDPresent       = "vid-present"
	msgVIDBroken        = "vid-broken"

	msgStatusValid       = "status-valid"
	msgStatusExpiresSoon = "status-expires-soon"
	msgStatusExpired     = "status-expired"
	msgStatusNotYetValid = "status-not-yet-valid"
	msgStatusRevoked     = "status-revoked"
	msgStatusSuspended   = "status-suspended"
	msgDaysLeft          = "days-left"
	msgDaysAgo           = "days-ago"
	msgDaysUntilStart    = "days-until-start"
	msgKindPersonal      = "kind-personal"
	msgKindCorporate     = "kind-corporate"
	msgUsageUniversal    = "usage-universal"
	msgUsageBanking      = "usage-banking"
	msgUsageSecurities   = "usage-securities"
	msgUsageCard         = "usage-card"
	msgUsageFinancial    = "usage-financial"

	msgPromptPassword      = "prompt-password"
	msgPromptPFXPassword   = "prompt-pfx-password"
	msgPromptNew           = "prompt-new"
	msgPromptNewAgain      = "prompt-new-again"
	msgNoTerminal          = "no-terminal"
	msgHintPasswordFile    = "hint-password-file"
	msgHintNewPasswordFile = "hint-new-password-file"
	msgReadPrompt          = "read-prompt"
	msgEmptyPassword       = "empty-password"
	msgEmptyPasswordFile   = "empty-password-file"
	msgReadPasswordFile    = "read-password-file"
	msgPasswordsDiffer     = "passwords-differ"
	msgPolicyUnknown       = "policy-unknown"
	msgHintPolicy          = "hint-policy"
	msgRuleTooShort        = "rule-too-short"
	msgRuleNoLetter        = "rule-no-letter"
	msgRuleNoDigit         = "rule-no-digit"
	msgRuleNoSpecial       = "rule-no-special"
	msgRuleForbiddenChar   = "rule-forbidden-char"
	msgRuleInvalidChar     = "rule-invalid-char"

	msgNoKeyFile         = "no-key-file"
	msgReadKeyFile       = "read-key-file"
	msgWrongPassword     = "wrong-password"
	msgHintWrongPassword = "hint-wrong-password"
	msgBadKeyFile        = "bad-key-file"
	msgHintBadKeyFile    = "hint-bad-key-file"
	msgKeyMismatch       = "key-mismatch"
	msgEncryptKey        = "encrypt-key"
	msgVerifyFailed      = "verify-failed"
	msgWriteFile         = "write-file"
	msgPasswordChanged   = "password-changed"

	msgBadIDN      = "bad-idn"
	msgNoVID       = "no-vid"
	msgBadVID      = "bad-vid"
	msgNoRandomNum = "no-random-num"

	msgReadPFX          = "read-pfx"
	msgWrongPFXPassword = "wrong-pfx-password"
	msgBadPFX           = "bad-pfx"
	msgPFXNoR           = "pfx-no-r"
	msgFolderExists     = "folder-exists"
	msgHintForce        = "hint-force"
	msgImported         = "imported"
	msgOutExists        = "out-exists"
	msgEncodePFX        = "encode-pfx"
	msgExported         = "exported"
	msgWarning          = "warning"
)

var messages = map[msgID]text{
	msgErrorWord: {"error", "오류"},
	msgHintWord:  {"hint", "도움말"},

	msgUnknownCommand: {`unknown command %q`, `알 수 없는 명령 %q`},
	msgBadFlags:       {"%s: %s", "%s: %s"},
	msgMissingArg:     {"%s: missing %s", "%s: %s이(가) 필요합니다"},
	msgExtraArgs:      {"%s: unexpected arguments: %s", "%s: 필요 없는 인자: %s"},
	msgHintUsage:      {"run certctl help for the usage", "사용법은 certctl help 로 볼 수 있습니다"},
	msgStdinTwice: {"only one password can come from standard input (-)",
		"표준 입력(-)에서는 비밀번호를 하나만 읽을 수 있습니다"},
	msgMissingIDN: {"vid: missing --idn NUMBER (the 13-digit resident or 10-digit business registration number)",
		"vid: --idn 번호가 필요합니다 (주민등록번호 13자리 또는 사업자등록번호 10자리)"},
	msgMissingOut: {"export: missing --out FILE.pfx", "export: --out 파일.pfx 가 필요합니다"},
	msgNewPwConflict: {"give either --new-password or --new-password-file, not both",
		"--new-password 와 --new-password-file 중 하나만 쓰십시오"},

	msgNoDefaultRoot: {"cannot find the NPKI folder: the home folder is unknown",
		"NPKI 폴더를 찾을 수 없습니다: 홈 폴더를 알 수 없습니다"},
	msgHintNPKIDir: {"give the folder with --npki-dir DIR or CERTCTL_NPKI_DIR",
		"--npki-dir 폴더 또는 CERTCTL_NPKI_DIR 로 폴더를 지정하십시오"},
	msgReadNPKI:       {"cannot read the NPKI folder %s", "NPKI 폴더 %s 를 읽을 수 없습니다"},
	msgNoCertificates: {"no certificates in %s", "%s 에 인증서가 없습니다"},
	msgHintImport: {"import one with certctl import FILE.pfx, or point --npki-dir at another NPKI folder",
		"certctl import 파일.pfx 로 가져오거나 --npki-dir 로 다른 NPKI 폴더를 지정하십시오"},
	msgListEmpty:  {"no certificates in %s", "%s 에 인증서가 없습니다"},
	msgUnreadable: {"unreadable certificate", "읽을 수 없는 인증서"},
	msgBadCert:    {"cannot read the certificate %s", "인증서 %s 를 읽을 수 없습니다"},

	msgEmptySelector: {"empty certificate selector", "인증서를 지정하지 않았습니다"},
	msgNotFound:      {"no certificate matches %q", "%q 에 해당하는 인증서가 없습니다"},
	msgHintList: {"certctl list shows the certificates with their numbers and serials",
		"certctl list 로 인증서 번호와 일련번호를 볼 수 있습니다"},
	msgAmbiguous: {"%q matches more than one certificate:%s", "%q 에 해당하는 인증서가 여러 개입니다:%s"},
	msgHintAmbiguous: {"choose one by its number or serial, or give more of the name",
		"번호나 일련번호로 고르거나 이름을 더 길게 적으십시오"},

	msgLabelName:        {"name", "이름"},
	msgLabelSubject:     {"subject", "주체"},
	msgLabelIssuer:      {"issuer", "발급자"},
	msgLabelInstitution: {"institution", "발급 기관"},
	msgLabelCA:          {"CA", "인증기관"},
	msgLabelKindUsage:   {"kind, usage", "구분, 용도"},
	msgLabelSerial:      {"serial", "일련번호"},
	msgLabelValidFrom:   {"valid from", "유효기간 시작"},
	msgLabelValidTo:     {"valid to", "유효기간 만료"},
	msgLabelStatus:      {"status", "상태"},
	msgLabelVID:         {"VID", "VID"},
	msgLabelKeyFile:     {"key file", "키 파일"},
	msgLabelKMPair:      {"km pair", "km 키 쌍"},
	msgLabelSHA256:      {"SHA-256", "SHA-256"},
	msgLabelFolder:      {"folder", "폴더"},
	msgCheckGood:        {"revocation: not revoked (%s, %s)", "폐기 여부: 폐기되지 않음 (%s, %s)"},
	msgCheckRevoked:     {"revocation: REVOKED on %s, %s (%s, %s)", "폐기 여부: %s에 폐기됨, 사유 %s (%s, %s)"},
	msgCheckUnknown:     {"revocation: unknown (OCSP: %s; CRL: %s)", "폐기 여부: 확인할 수 없음 (OCSP: %s; CRL: %s)"},
	msgCheckSuspended:   {"revocation: SUSPENDED since %s (%s, %s)", "폐기 여부: %s부터 효력정지됨 (%s, %s)"},
	msgLabelError:       {"error", "오류"},
	msgValidity:         {"valid %s to %s (%s)", "유효기간 %s ~ %s (%s)"},
	msgUnknown:          {"unknown", "알 수 없음"},
	msgUnknownPolicy:    {"unknown policy", "알 수 없는 정책"},
	msgKindUsagePolicy:  {"%s, %s; policy %s", "%s, %s; 정책 %s"},
	msgNoPolicy:         {"none", "없음"},
	msgYes:              {"yes", "있음"},
	msgNo:               {"no", "없음"},
	msgVIDAbsent:        {"absent", "없음"},
	msgVIDPresent:       {"present (real name %s, %s)", "있음 (실명 %s, %s)"},
	msgVIDBroken:        {"unreadable: %s", "읽을 수 없음: %s"},

	msgStatusValid:       {"valid", "유효"},
	msgStatusExpiresSoon: {"expires soon", "만료 임박"},
	msgStatusExpired:     {"expired", "만료됨"},
	msgStatusNotYetValid: {"not yet valid", "아직 유효하지 않음"},
	msgStatusRevoked:     {"REVOKED", "폐기됨"},
	msgStatusSuspended:   {"SUSPENDED", "효력정지"},
	msgDaysLeft:          {"%d days left", "%d일 남음"},
	msgDaysAgo:           {"expired %d days ago", "%d일 전 만료"},
	msgDaysUntilStart:    {"valid in %d days", "%d일 후부터 유효"},
	msgKindPersonal:      {"personal", "개인"},
	msgKindCorporate:     {"corporate", "법인"},
	msgUsageUniversal:    {"universal", "범용"},
	msgUsageBanking:      {"banking (bank, insurance, card)", "은행·보험·카드용"},
	msgUsageSecurities:   {"securities (securities, insurance)", "증권·보험용"},
	msgUsageCard:         {"card", "신용카드용"},
	msgUsageFinancial:    {"financial certificate", "금융인증서"},

	msgPromptPassword:    {"Password for %s's certificate: ", "%s 인증서의 비밀번호: "},
	msgPromptPFXPassword: {"Password of %s: ", "%s 의 비밀번호: "},
	msgPromptNew:         {"New password: ", "새 비밀번호: "},
	msgPromptNewAgain:    {"New password again: ", "새 비밀번호 확인: "},
	msgNoTerminal: {"cannot ask for the password: standard input is not a terminal",
		"비밀번호를 물어볼 수 없습니다: 표준 입력이 터미널이 아닙니다"},
	msgHintPasswordFile: {"give it with --password-file FILE (- for standard input)",
		"--password-file 파일 로 주십시오 (- 는 표준 입력)"},
	msgHintNewPasswordFile: {"give it with --new-password-file FILE (- for standard input)",
		"--new-password-file 파일 로 주십시오 (- 는 표준 입력)"},
	msgReadPrompt:        {"cannot read the password", "비밀번호를 읽을 수 없습니다"},
	msgEmptyPassword:     {"the password is empty", "비밀번호가 비어 있습니다"},
	msgEmptyPasswordFile: {"the password file %s is empty", "비밀번호 파일 %s 이(가) 비어 있습니다"},
	msgReadPasswordFile:  {"cannot read the password file %s", "비밀번호 파일 %s 을(를) 읽을 수 없습니다"},
	msgPasswordsDiffer:   {"the two new passwords differ", "두 번 입력한 새 비밀번호가 다릅니다"},
	msgPolicyUnknown:     {"new password not accepted (rule %s)", "새 비밀번호를 쓸 수 없습니다 (규칙 %s)"},
	msgHintPolicy: {`a key file password needs at least 10 characters with letters, digits and special characters, and none of “ ” ‘ ’ " ' \ |`,
		`키 파일 비밀번호는 영문자, 숫자, 특수문자를 섞어 10자 이상이어야 하며 “ ” ‘ ’ " ' \ | 는 쓸 수 없습니다`},
	msgRuleTooShort: {"new password not accepted: it must be at least 10 characters long",
		"새 비밀번호를 쓸 수 없습니다: 10자 이상이어야 합니다"},
	msgRuleNoLetter: {"new password not accepted: it must contain a letter (A-Z or a-z)",
		"새 비밀번호를 쓸 수 없습니다: 영문자(A-Z, a-z)가 있어야 합니다"},
	msgRuleNoDigit: {"new password not accepted: it must contain a digit (0-9)",
		"새 비밀번호를 쓸 수 없습니다: 숫자(0-9)가 있어야 합니다"},
	msgRuleNoSpecial: {"new password not accepted: it must contain a special character such as ! @ # $ %%",
		"새 비밀번호를 쓸 수 없습니다: ! @ # $ %% 같은 특수문자가 있어야 합니다"},
	msgRuleForbiddenChar: {`new password not accepted: it must not contain any of “ ” ‘ ’ " ' \ |`,
		`새 비밀번호를 쓸 수 없습니다: “ ” ‘ ’ " ' \ | 는 쓸 수 없습니다`},
	msgRuleInvalidChar: {"new password not accepted: use only letters, digits and special characters of an English keyboard (no spaces, no Hangul)",
		"새 비밀번호를 쓸 수 없습니다: 영문 자판의 영문자, 숫자, 특수문자만 쓸 수 있습니다 (공백, 한글 불가)"},

	msgNoKeyFile:     {"no signPri.key in %s", "%s 에 signPri.key 가 없습니다"},
	msgReadKeyFile:   {"cannot read the key file %s", "키 파일 %s 을(를) 읽을 수 없습니다"},
	msgWrongPassword: {"wrong password for %s", "%s 의 비밀번호가 틀렸습니다"},
	msgHintWrongPassword: {"this is the password you chose when the certificate was issued; if it is lost, ask your bank for a reissue",
		"인증서를 발급받을 때 정한 비밀번호입니다. 잊었다면 은행에서 재발급을 받으십시오"},
	msgBadKeyFile: {"the key file %s is damaged or in an unknown format",
		"키 파일 %s 이(가) 손상되었거나 알 수 없는 형식입니다"},
	msgHintBadKeyFile: {"copy the certificate folder again from a backup, or ask your bank for a reissue",
		"백업에서 인증서 폴더를 다시 복사하거나 은행에서 재발급을 받으십시오"},
	msgKeyMismatch: {"the key in %s does not belong to the certificate beside it",
		"%s 의 키가 같은 폴더의 인증서와 맞지 않습니다"},
	msgEncryptKey:      {"cannot encrypt the key", "키를 암호화할 수 없습니다"},
	msgVerifyFailed:    {"the re-encrypted key did not read back; %s was left unchanged", "다시 암호화한 키를 읽을 수 없어 %s 을(를) 바꾸지 않았습니다"},
	msgWriteFile:       {"cannot write %s", "%s 을(를) 쓸 수 없습니다"},
	msgPasswordChanged: {"password changed: %s", "비밀번호를 바꾸었습니다: %s"},

	msgBadIDN: {"the identity number must be 13 digits (resident) or 10 digits (business), dashes allowed",
		"식별번호는 주민등록번호 13자리 또는 사업자등록번호 10자리여야 합니다 (- 허용)"},
	msgNoVID:       {"certificate %s has no VID (no kisa-identifyData in its subjectAltName)", "인증서 %s 에 VID(kisa-identifyData)가 없습니다"},
	msgBadVID:      {"cannot read the VID of certificate %s", "인증서 %s 의 VID 를 읽을 수 없습니다"},
	msgNoRandomNum: {"the key file %s has no R (randomNum), so the VID cannot be checked", "키 파일 %s 에 R(randomNum)이 없어 VID 를 확인할 수 없습니다"},

	msgReadPFX:          {"cannot read %s", "%s 을(를) 읽을 수 없습니다"},
	msgWrongPFXPassword: {"wrong password for %s", "%s 의 비밀번호가 틀렸습니다"},
	msgBadPFX:           {"%s is not a PKCS#12 file certctl can read", "%s 은(는) 읽을 수 있는 PKCS#12 파일이 아닙니다"},
	msgPFXNoR: {"the key in %s has no R (randomNum): banks that check the VID will refuse this certificate",
		"%s 의 키에 R(randomNum)이 없습니다: VID 를 확인하는 은행에서는 이 인증서를 쓸 수 없습니다"},
	msgFolderExists: {"the certificate folder %s already exists", "인증서 폴더 %s 이(가) 이미 있습니다"},
	msgHintForce:    {"add --force to replace it", "바꾸려면 --force 를 붙이십시오"},
	msgImported:     {"imported into %s", "%s 에 가져왔습니다"},
	msgOutExists:    {"%s already exists", "%s 이(가) 이미 있습니다"},
	msgEncodePFX:    {"cannot write the PKCS#12 file", "PKCS#12 파일을 만들 수 없습니다"},
	msgExported:     {"exported to %s", "%s 로 내보냈습니다"},
	msgWarning:      {"warning", "경고"},
}

func (l lang) statusText(s string) string {
	switch s {
	case statusValid:
		return l.tr(msgStatusValid)
	case statusExpiresSoon:
		return l.tr(msgStatusExpiresSoon)
	case statusExpired:
		return l.tr(msgStatusExpired)
	case statusNotYetValid:
		return l.tr(msgStatusNotYetValid)
	case statusRevoked:
		return l.tr(msgStatusRevoked)
	case statusSuspended:
		return l.tr(msgStatusSuspended)
	}
	return s
}

func (l lang) daysText(v *certView) string {
	switch {
	case v.Status == statusNotYetValid:
		return l.tr(msgDaysUntilStart, v.startsIn)
	case v.DaysLeft < 0:
		return l.tr(msgDaysAgo, -v.DaysLeft)
	}
	return l.tr(msgDaysLeft, v.DaysLeft)
}

func (l lang) kindText(k string) string {
	switch k {
	case kindPersonal:
		return l.tr(msgKindPersonal)
	case kindCorporate:
		return l.tr(msgKindCorporate)
	}
	return k
}

func (l lang) usageText(u string) string {
	switch u {
	case usageUniversal:
		return l.tr(msgUsageUniversal)
	case usageBanking:
		return l.tr(msgUsageBanking)
	case usageSecurities:
		return l.tr(msgUsageSecurities)
	case usageCard:
		return l.tr(msgUsageCard)
	case usageFinancial:
		return l.tr(msgUsageFinancial)
	}
	return u
}
