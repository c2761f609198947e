package errs

import "net/http"

// Staff console codes (internal/web/console).
var (
	ConsoleLoginFailed = def("CONSOLE_LOGIN_FAILED", http.StatusUnauthorized,
		Text{"로그인 정보가 올바르지 않습니다.", "기관 코드, 아이디, 비밀번호를 확인하세요. 5회 틀리면 계정이 잠깁니다."},
		Text{"The sign-in details are wrong.", "Check the institution code, user name and password; 5 wrong tries lock the account."})
	ConsoleTOTPInvalid = def("CONSOLE_TOTP_INVALID", http.StatusUnauthorized,
		Text{"인증 앱의 6자리 코드가 올바르지 않습니다.", "인증 앱에 지금 표시된 코드를 입력하세요. 휴대폰의 시각이 맞는지도 확인하세요. 5회 틀리면 계정이 잠깁니다."},
		Text{"The 6-digit authenticator code is wrong.", "Enter the code your authenticator app shows now, and check your phone's clock; 5 wrong tries lock the account."})
	ConsoleLocked = def("CONSOLE_LOCKED", http.StatusForbidden,
		Text{"로그인 실패가 5회 이어져 계정이 잠겼습니다.", "운영자에게 잠금 해제를 요청하세요."},
		Text{"The account is locked after 5 failed sign-ins.", "Ask an operator to unlock it."})
	ConsoleSignIn = def("CONSOLE_SIGN_IN", http.StatusUnauthorized,
		Text{"로그인이 필요합니다 (로그아웃되었거나 10분 동안 사용하지 않았습니다).", "다시 로그인하세요."},
		Text{"Please sign in (you signed out, or the console was idle for 10 minutes).", "Sign in again."})
	ConsoleForbidden = def("CONSOLE_FORBIDDEN", http.StatusForbidden,
		Text{"이 화면이나 작업은 내 역할로 쓸 수 없습니다.", "필요하면 책임자나 운영자에게 요청하세요."},
		Text{"Your role may not use this page or action.", "Ask a supervisor or an operator if it must be done."})
	ConsoleNotFound = def("CONSOLE_NOT_FOUND", http.StatusNotFound,
		Text{"찾는 고객이나 인증서가 없습니다.", "검색 조건을 확인하세요. 다른 기관의 고객은 보이지 않습니다."},
		Text{"No such customer or certificate.", "Check the search; other institutions' customers are not shown."})
	ConsoleSearchInvalid = def("CONSOLE_SEARCH_INVALID", http.StatusBadRequest,
		Text{"검색 조건이 올바르지 않습니다.", "이름과 생년월일(YYMMDD 6자리), 휴대폰 번호, 인증서 일련번호(16진수), CN 중 하나로 찾으세요."},
		Text{"The search is not valid.", "Search by name and birth date (YYMMDD, 6 digits), phone number, certificate serial (hex) or CN."})
	ConsoleIDCardInvalid = def("CONSOLE_ID_CARD_INVALID", http.StatusBadRequest,
		Text{"신분증 확인 내용이 올바르지 않습니다.", "신분증 종류를 고르고 번호를 정확히 입력하세요. 주민등록증은 고객의 주민등록번호와 같아야 합니다."},
		Text{"The ID card check is not valid.", "Choose the ID card type and type its number exactly; a resident card's number must be the customer's."})
	ConsoleNotVerified = def("CONSOLE_NOT_VERIFIED", http.StatusConflict,
		Text{"이 고객의 대면 신원확인이 아직 없습니다.", "신분증을 확인한 뒤 다시 시도하세요 (확인은 30분 동안 유효합니다)."},
		Text{"This customer has not been verified in person yet.", "Check their ID card, then try again (a check lasts 30 minutes)."})
	ConsoleBadInput = def("CONSOLE_BAD_INPUT", http.StatusBadRequest,
		Text{"입력이 올바르지 않습니다.", "표시된 항목을 확인하세요."},
		Text{"The input is not valid.", "Check the fields shown."})
)
