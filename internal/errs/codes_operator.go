package errs

import "net/http"

// The CA operator's console (internal/web/console, operator.go) and the web center's
// slip entry (internal/web/centerweb, slip.go).
var (
	InstitutionCodeInvalid = def("INSTITUTION_CODE_INVALID", http.StatusBadRequest,
		Text{"기관 코드가 올바르지 않습니다.", "숫자 3자리로 입력하세요 (예: 904)."},
		Text{"The institution code is not valid.", "Enter 3 digits (for example 904)."})
	InstitutionExists = def("INSTITUTION_EXISTS", http.StatusConflict,
		Text{"이 코드의 기관이 이미 있습니다.", "다른 코드를 고르세요. 기존 기관의 API 키는 기관 목록에서 교체합니다."},
		Text{"An institution with this code exists already.", "Choose another code; an existing institution's API key is rotated from the list."})
	InstitutionNameInvalid = def("INSTITUTION_NAME_INVALID", http.StatusBadRequest,
		Text{"기관 이름이 올바르지 않습니다.", "1~40자로 입력하세요 (제어 문자 없이)."},
		Text{"The institution name is not valid.", "Enter 1 to 40 characters, without control characters."})
	InstitutionShortNameInvalid = def("INSTITUTION_SHORT_NAME_INVALID", http.StatusBadRequest,
		Text{"영문 약칭이 올바르지 않습니다.", "영문 대문자로 시작하는 대문자·숫자 2~16자로 입력하세요 (예: HANBIT). 인증서의 OU에 들어갑니다."},
		Text{"The English short name is not valid.", "Enter 2 to 16 capital letters or digits, starting with a letter (for example HANBIT); it goes into certificates' OU."})
	APIKeyRevoked = def("API_KEY_ALREADY_REVOKED", http.StatusConflict,
		Text{"이 기관의 API 키는 이미 폐기되었습니다.", "새 키가 필요하면 '새 키 발급'을 누르세요."},
		Text{"This institution's API key is revoked already.", "Issue a new key if the institution needs one."})
	ConfirmRequired = def("CONFIRMATION_REQUIRED", http.StatusBadRequest,
		Text{"확인란을 선택해야 합니다.", "되돌릴 수 없는 작업입니다. 확인란을 선택한 뒤 다시 누르세요."},
		Text{"Tick the confirmation box.", "This cannot be undone; tick the box and press again."})
	SlipOtherInstitution = def("SLIP_OTHER_INSTITUTION", http.StatusConflict,
		Text{"다른 기관에서 받은 접수증입니다.", "접수증을 발급한 기관의 인증센터에서 발급하세요."},
		Text{"This slip is from another institution.", "Issue the certificate at the certificate center of the institution that gave you the slip."})
	WebSlipFinCert = def("SLIP_FINCERT", http.StatusConflict,
		Text{"금융인증서 발급용 접수증입니다.", "금융인증서를 쓰는 사이트(은행 앱·웹)에서 참조번호와 인가코드를 입력해 발급하세요."},
		Text{"This slip is for a financial certificate.", "Enter its reference number and code on a site that uses the financial certificate (your bank's app or site)."})
	WebSlipInvalid = def("SLIP_INVALID", http.StatusBadRequest,
		Text{"접수증의 입력 내용이 올바르지 않습니다.", "약관에 동의하고, 접수증의 참조번호(숫자 10자리)와 인가코드(16자리)를 그대로 입력하세요."},
		Text{"The slip's values are not valid.", "Agree to the terms and type the slip's reference number (10 digits) and authorization code (16 characters) as printed."})
)
