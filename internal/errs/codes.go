package errs

import "net/http"

// The codes. Messages say what happened; hints say what to do about it.
var (
	Internal = def("INTERNAL", http.StatusInternalServerError,
		Text{"서버 내부 오류가 발생했습니다.", "잠시 후 다시 시도하고, 계속되면 요청 ID와 함께 운영자에게 문의하세요."},
		Text{"An internal error occurred.", "Try again later; if it persists, contact the operator with the request ID."})
	BadRequest = def("BAD_REQUEST", http.StatusBadRequest,
		Text{"요청 형식이 올바르지 않습니다.", "요청 본문과 필드를 API 문서(/openapi.json)와 비교하세요."},
		Text{"The request is malformed.", "Compare the request body and fields with the API document (/openapi.json)."})
	RequestTooLarge = def("REQUEST_TOO_LARGE", http.StatusRequestEntityTooLarge,
		Text{"요청이 너무 큽니다.", "요청 본문을 1 MiB 이하로 줄이세요."},
		Text{"The request is too large.", "Keep the request body under 1 MiB."})
	NotFound = def("NOT_FOUND", http.StatusNotFound,
		Text{"찾을 수 없습니다.", "경로와 일련번호를 확인하세요."},
		Text{"Not found.", "Check the path and the serial number."})
	Unauthenticated = def("UNAUTHENTICATED", http.StatusUnauthorized,
		Text{"인증되지 않은 요청입니다.", "Authorization: Bearer <기관 API 키> 헤더를 보내세요."},
		Text{"The request is not authenticated.", "Send the header Authorization: Bearer <institution API key>."})
	Forbidden = def("FORBIDDEN", http.StatusForbidden,
		Text{"이 기관은 이 작업을 할 수 없습니다.", "자기 기관의 고객과 인증서에 대해서만 요청할 수 있습니다."},
		Text{"This institution may not do this.", "An institution may act only on its own customers and certificates."})
	InstitutionUnknown = def("INSTITUTION_UNKNOWN", http.StatusNotFound,
		Text{"등록되지 않은 기관 코드입니다.", "3자리 기관 코드를 확인하세요 (데모: 901, 902, 903)."},
		Text{"No institution has this code.", "Check the 3-digit institution code (demo: 901, 902, 903)."})
	InvalidName = def("INVALID_NAME", http.StatusBadRequest,
		Text{"이름이 올바르지 않습니다.", "이름은 1~38자이며 괄호와 제어 문자를 포함할 수 없습니다."},
		Text{"The name is not valid.", "A name has 1 to 38 characters and no parentheses or control characters."})
	InvalidIDN = def("INVALID_IDN", http.StatusBadRequest,
		Text{"식별번호가 올바르지 않습니다.", "주민등록번호 13자리 또는 사업자등록번호 10자리를 숫자로만 입력하세요."},
		Text{"The identity number is not valid.", "Give the 13-digit resident registration number or the 10-digit business number, digits only."})
	InvalidKind = def("INVALID_KIND", http.StatusBadRequest,
		Text{"인증서 종류가 올바르지 않습니다.", "kind는 personal 또는 corporate, usage는 banking 또는 universal입니다."},
		Text{"The certificate kind or usage is not valid.", "kind is personal or corporate; usage is banking or universal."})
	EnrollmentNotFound = def("ENROLLMENT_NOT_FOUND", http.StatusNotFound,
		Text{"참조번호를 찾을 수 없습니다.", "은행에서 받은 참조번호를 확인하세요."},
		Text{"No enrollment has this reference number.", "Check the reference number your institution gave you."})
	AuthCodeInvalid = def("AUTH_CODE_INVALID", http.StatusForbidden,
		Text{"참조번호 또는 인가코드가 올바르지 않습니다.", "은행에서 받은 참조번호와 인가코드를 확인하세요. 여러 번 틀리면 잠시 기다려야 다시 시도할 수 있습니다."},
		Text{"The reference number or the authorization code is wrong.", "Check the reference number and code your institution gave you; after several wrong tries you must wait before trying again."})
	EnrollmentLocked = def("ENROLLMENT_LOCKED", http.StatusForbidden,
		Text{"인가코드를 너무 많이 잘못 입력하여 잠겼습니다.", "은행에서 본인확인 후 새 참조번호와 인가코드를 받으세요."},
		Text{"The enrollment is locked after too many wrong codes.", "Verify your identity at your institution again to get a new reference number and code."})
	EnrollmentExpired = def("ENROLLMENT_EXPIRED", http.StatusGone,
		Text{"참조번호와 인가코드의 유효기간(14일)이 지났습니다.", "은행에서 새 참조번호와 인가코드를 받으세요."},
		Text{"The reference number and code have expired (they last 14 days).", "Ask your institution for a new reference number and code."})
	EnrollmentUsed = def("ENROLLMENT_USED", http.StatusConflict,
		Text{"이미 사용된 참조번호입니다.", "참조번호와 인가코드는 한 번만 쓸 수 있습니다. 새로 발급받으세요."},
		Text{"This reference number has already been used.", "A reference number and code work once; ask your institution for new ones."})
	EnrollmentBusy = def("ENROLLMENT_BUSY", http.StatusServiceUnavailable,
		Text{"이 참조번호로 발급이 진행 중입니다.", "{wait}초 후 같은 요청을 다시 보내세요. 같은 키로 다시 요청하면 발급된 인증서를 받습니다."},
		Text{"An issuance with this reference number is in progress.", "Send the same request again in {wait} seconds; the same key gets the certificate issued."})
	CSRInvalid = def("CSR_INVALID", http.StatusBadRequest,
		Text{"인증서 요청(CSR)을 읽을 수 없습니다.", "PEM 형식의 PKCS#10 요청(-----BEGIN CERTIFICATE REQUEST-----)을 보내세요."},
		Text{"The certificate request (CSR) cannot be parsed.", "Send a PEM PKCS#10 request (-----BEGIN CERTIFICATE REQUEST-----)."})
	CSRSignatureInvalid = def("CSR_SIGNATURE_INVALID", http.StatusBadRequest,
		Text{"인증서 요청의 서명이 공개키와 맞지 않습니다.", "요청에 들어 있는 공개키의 개인키로 다시 서명하세요."},
		Text{"The CSR's signature does not verify with its public key.", "Sign the request again with the private key of the public key it holds."})
	KeyTooWeak = def("KEY_TOO_WEAK", http.StatusBadRequest,
		Text{"공개키가 너무 약합니다.", "RSA 2048비트 이상, 공개지수 65537인 키를 만드세요."},
		Text{"The public key is too weak.", "Generate an RSA key of at least 2048 bits with public exponent 65537."})
	KeyUnsupported = def("KEY_UNSUPPORTED", http.StatusBadRequest,
		Text{"지원하지 않는 공개키 종류입니다.", "공동인증서는 RSA 키를 씁니다 (2048비트 이상)."},
		Text{"The public key type is not supported.", "Joint certificates use RSA keys (2048 bits or more)."})
	RandomNumInvalid = def("RANDOMNUM_INVALID", http.StatusBadRequest,
		Text{"randomNum 값이 올바르지 않습니다.", "R은 16진수로 20바이트(40자)입니다. 보내지 않으면 서버가 만듭니다."},
		Text{"The randomNum value is not valid.", "R is 20 bytes in hex (40 characters); omit it and the server draws one."})
	CertificateNotFound = def("CERTIFICATE_NOT_FOUND", http.StatusNotFound,
		Text{"인증서를 찾을 수 없습니다.", "일련번호(16진수)를 확인하세요."},
		Text{"No certificate has this serial number.", "Check the serial number (hex)."})
	LintFailed = def("LINT_FAILED", http.StatusInternalServerError,
		Text{"발급 전 점검에서 인증서 프로필 오류가 발견되어 발급하지 않았습니다.", "운영자에게 요청 ID를 알려 주세요."},
		Text{"The certificate failed a profile check before signing, so it was not issued.", "Give the operator the request ID."})
	ConfigInvalid = def("CONFIG_INVALID", http.StatusInternalServerError,
		Text{"설정 파일이 올바르지 않습니다.", "certcenter config check로 파일을 점검하세요."},
		Text{"The configuration is not valid.", "Check the file with certcenter config check."})
	RenewalWindowNotOpen = def("RENEWAL_WINDOW_NOT_OPEN", http.StatusConflict,
		Text{"아직 갱신 기간이 아닙니다.", "갱신은 만료 30일 전부터 가능합니다: {opens}부터 갱신하세요."},
		Text{"The renewal window is not open yet.", "Renewal opens 30 days before expiry: renew from {opens}."})
	CertExpired = def("CERT_EXPIRED", http.StatusConflict,
		Text{"인증서가 만료되었습니다 ({date}).", "만료된 인증서는 갱신할 수 없습니다. 은행에서 재발급을 받으세요."},
		Text{"The certificate expired on {date}.", "Expired certificates cannot be renewed; ask your institution for a reissue."})
	CertRevoked = def("CERT_REVOKED", http.StatusConflict,
		Text{"폐기된 인증서입니다.", "폐기된 인증서는 다시 쓸 수 없습니다. 새로 발급받으세요."},
		Text{"The certificate is revoked.", "A revoked certificate cannot be used again; get a new one."})
)

// Lifecycle codes.
var (
	CertSuspended = def("CERT_SUSPENDED", http.StatusConflict,
		Text{"효력정지된 인증서입니다.", "먼저 효력회복을 하거나, 은행에 문의하세요."},
		Text{"The certificate is suspended.", "Resume it first, or ask your institution."})
	CertReplaced = def("CERT_REPLACED", http.StatusConflict,
		Text{"이미 갱신되어 새 인증서로 대체된 인증서입니다.", "새 인증서를 사용하세요."},
		Text{"The certificate was already renewed and replaced by a newer one.", "Use the newer certificate."})
	CertNotSuspended = def("CERT_NOT_SUSPENDED", http.StatusConflict,
		Text{"효력정지 상태가 아닌 인증서입니다.", "효력회복은 효력정지된 인증서에만 할 수 있습니다."},
		Text{"The certificate is not suspended.", "Only a suspended certificate can be resumed."})
	RevocationReasonInvalid = def("REVOCATION_REASON_INVALID", http.StatusBadRequest,
		Text{"폐기 사유가 올바르지 않습니다.", "RFC 5280 사유(unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn)를 쓰세요. 효력정지는 suspend로 요청하세요."},
		Text{"The revocation reason is not valid.", "Use an RFC 5280 reason (unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn); suspend with the suspend operation."})
	CertNotConfirmable = def("CERT_NOT_CONFIRMABLE", http.StatusConflict,
		Text{"확인을 기다리는 인증서가 아닙니다.", "이미 확인되었거나 확인 시간이 지나 폐기되었습니다."},
		Text{"The certificate is not awaiting confirmation.", "It was already confirmed, or revoked when its confirmation time passed."})
)
