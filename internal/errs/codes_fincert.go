package errs

import "net/http"

// Financial certificate codes (internal/cloudcert, KOREAN-PKI.md section 9).
var (
	FinCertPINLocked = def("FINCERT_PIN_LOCKED", http.StatusForbidden,
		Text{"PIN을 5회 잘못 입력하여 금융인증서가 잠겼습니다.", "거래 기관에서 본인확인을 다시 받은 뒤 새 PIN을 설정하세요."},
		Text{"The financial certificate is locked after 5 wrong PINs.", "Verify your identity again at your institution, then set a new PIN."})
	FinCertPINWrong = def("FINCERT_PIN_WRONG", http.StatusForbidden,
		Text{"PIN이 올바르지 않습니다.", "PIN 6자리를 다시 입력하세요. 5회 틀리면 잠깁니다 (남은 횟수: {remaining})."},
		Text{"The PIN is wrong.", "Enter your 6-digit PIN again; 5 wrong PINs lock the certificate ({remaining} tries left)."})
	FinCertPINWeak = def("FINCERT_PIN_WEAK", http.StatusBadRequest,
		Text{"사용할 수 없는 PIN입니다.", "같은 숫자 반복, 연속된 숫자(123456, 654321), 생년월일은 쓸 수 없습니다. 숫자 6자리를 새로 고르세요."},
		Text{"This PIN cannot be used.", "Repeated digits, runs (123456, 654321) and your birth date are refused; choose another 6 digits."})
	FinCertNotFound = def("FINCERT_NOT_FOUND", http.StatusNotFound,
		Text{"금융인증서가 없습니다.", "거래 기관에서 금융인증서를 먼저 발급받으세요."},
		Text{"No financial certificate was found.", "Get a financial certificate at your institution first."})
	FinCertSupersedeConfirm = def("FINCERT_SUPERSEDE_CONFIRM", http.StatusConflict,
		Text{"이미 발급받은 금융인증서가 있습니다.", "새로 발급하면 기존 인증서는 폐기되어 다른 기관에서도 이용이 불가합니다. 동의하면 confirmSupersede=true 로 다시 요청하세요."},
		Text{"You already have a financial certificate.", "Issuing a new one revokes the old one, which then stops working at every institution; agree by sending confirmSupersede=true."})
	FinCertCloudOnly = def("FINCERT_CLOUD_ONLY", http.StatusBadRequest,
		Text{"금융인증서 발급용 참조번호입니다.", "금융인증서는 키를 서버가 보관하므로 인증서 관리 프로그램이 아닌 금융인증서 발급 화면에서 발급받으세요."},
		Text{"This reference number is for a financial certificate.", "A financial certificate's key is kept by the service: issue it from the financial certificate page, not with a key of your own."})
	FinCertNotFinCert = def("FINCERT_ENROLLMENT_KIND", http.StatusBadRequest,
		Text{"금융인증서 발급용 참조번호가 아닙니다.", "기관에 금융인증서(usage fincert, 개인) 발급을 요청하세요."},
		Text{"This reference number is not for a financial certificate.", "Ask your institution for a financial certificate enrollment (usage fincert, personal)."})
	FinCertRenewalWindow = def("FINCERT_RENEWAL_WINDOW", http.StatusConflict,
		Text{"아직 금융인증서를 갱신할 수 없습니다.", "갱신은 만료 30일 전부터 가능합니다: {opens} 부터 갱신하세요."},
		Text{"The financial certificate cannot be renewed yet.", "Renewal opens 30 days before expiry: renew from {opens}."})
	FinCertExpired = def("FINCERT_EXPIRED", http.StatusConflict,
		Text{"금융인증서가 만료되었습니다 ({date}).", "만료된 인증서는 갱신할 수 없습니다. 거래 기관에서 재발급받으세요."},
		Text{"The financial certificate expired on {date}.", "An expired certificate cannot be renewed; ask your institution for a reissue."})
	FinCertRevoked = def("FINCERT_REVOKED", http.StatusConflict,
		Text{"폐기된 금융인증서입니다.", "거래 기관에서 금융인증서를 새로 발급받으세요."},
		Text{"The financial certificate has been revoked.", "Get a new financial certificate at your institution."})
	FinCertSuspended = def("FINCERT_SUSPENDED", http.StatusConflict,
		Text{"효력이 정지된 금융인증서입니다.", "거래 기관에서 효력회복을 신청하세요."},
		Text{"The financial certificate is suspended.", "Ask your institution to resume it."})
	FinCertOrgUnknown = def("FINCERT_ORG_UNKNOWN", http.StatusUnauthorized,
		Text{"등록되지 않은 이용기관 코드(orgCode)입니다.", "SDK init 의 orgCode 를 확인하세요."},
		Text{"No relying institution has this orgCode.", "Check the orgCode given to the SDK's init."})
	FinCertAPIKeyInvalid = def("FINCERT_API_KEY_INVALID", http.StatusUnauthorized,
		Text{"이용기관 API 키가 올바르지 않습니다.", "SDK init 의 apiKey 가 orgCode 기관의 키인지 확인하세요."},
		Text{"The relying institution's API key is wrong.", "Check that the apiKey given to init is the key of the orgCode's institution."})
	FinCertSignRequestUsed = def("FINCERT_SIGN_REQUEST_USED", http.StatusConflict,
		Text{"이미 처리된 서명 요청입니다.", "서명 요청은 한 번만 쓸 수 있습니다. 이용기관 화면에서 새로 요청하세요."},
		Text{"This sign request was already used.", "A sign request works once; start again from the institution's page."})
	FinCertSignRequestExpired = def("FINCERT_SIGN_REQUEST_EXPIRED", http.StatusGone,
		Text{"서명 요청의 유효시간이 지났습니다.", "이용기관 화면에서 새로 요청하세요."},
		Text{"The sign request has expired.", "Start again from the institution's page."})
	FinCertSignRequestNotFound = def("FINCERT_SIGN_REQUEST_NOT_FOUND", http.StatusNotFound,
		Text{"서명 요청이 없습니다.", "이용기관 화면에서 새로 요청하세요."},
		Text{"No such sign request.", "Start again from the institution's page."})
	FinCertSignRequestInvalid = def("FINCERT_SIGN_REQUEST_INVALID", http.StatusBadRequest,
		Text{"서명 요청의 내용이 올바르지 않습니다.", "signFormat, content, algorithms, info.signType 을 API 문서와 비교하세요."},
		Text{"The sign request is not valid.", "Compare signFormat, content, algorithms and info.signType with the API document."})
	FinCertDeviceUnknown = def("FINCERT_DEVICE_UNKNOWN", http.StatusForbidden,
		Text{"등록되지 않았거나 연결 해제된 기기입니다.", "이 기기를 다시 등록하세요 (문자 인증번호가 필요합니다)."},
		Text{"This device is not registered or was disconnected.", "Register this device again (an SMS code is needed)."})
	FinCertDeviceProof = def("FINCERT_DEVICE_PROOF", http.StatusForbidden,
		Text{"기기 확인에 실패했습니다.", "새 확인 요청(challenge)을 받아 다시 시도하세요."},
		Text{"The device proof failed.", "Get a new challenge and try again."})
	FinCertChallengeInvalid = def("FINCERT_CHALLENGE_INVALID", http.StatusForbidden,
		Text{"기기 확인 요청(challenge)이 없거나, 이미 쓰였거나, 시간이 지났습니다.", "새 확인 요청을 받아 다시 시도하세요."},
		Text{"The device challenge is unknown, used or expired.", "Get a new challenge and try again."})
	FinCertDeviceLimit = def("FINCERT_DEVICE_LIMIT", http.StatusConflict,
		Text{"등록할 수 있는 기기 수({max}대)를 넘었습니다.", "쓰지 않는 기기를 연결 해제한 뒤 다시 등록하세요."},
		Text{"Too many devices are registered (at most {max}).", "Disconnect a device you no longer use, then register this one."})
	FinCertBadKey = def("FINCERT_BAD_DEVICE_KEY", http.StatusBadRequest,
		Text{"기기 공개키가 올바르지 않습니다.", "WebCrypto ECDSA P-256 공개키를 SPKI(DER, base64)로 보내세요."},
		Text{"The device public key is not valid.", "Send the WebCrypto ECDSA P-256 public key as SPKI (DER, base64)."})
	FinCertCodeInvalid = def("FINCERT_CODE_INVALID", http.StatusForbidden,
		Text{"인증번호가 올바르지 않습니다.", "받은 인증번호를 다시 확인하세요. 5회 틀리면 처음부터 다시 해야 합니다."},
		Text{"The code is wrong.", "Check the code you received; after 5 wrong codes start again."})
	FinCertCodeExpired = def("FINCERT_CODE_EXPIRED", http.StatusGone,
		Text{"인증번호가 없거나, 이미 쓰였거나, 유효시간이 지났습니다.", "처음부터 다시 시작해 새 인증번호를 받으세요."},
		Text{"The code is unknown, used or expired.", "Start again for a new code."})
)
