package errs

import "net/http"

// Refusals of the staff console's customer search (internal/web/console/search.go),
// beside CONSOLE_SEARCH_INVALID.
var (
	ConsoleSearchEmpty = def("CONSOLE_SEARCH_EMPTY", http.StatusBadRequest,
		Text{"검색어가 비어 있습니다.", "고른 검색 방법의 칸을 채우세요: 이름과 생년월일, 휴대폰 번호, 인증서 일련번호 또는 CN."},
		Text{"The search is empty.", "Fill in the field of the search you chose: name and birth date, mobile number, certificate serial or CN."})
	ConsoleSearchTooLong = def("CONSOLE_SEARCH_TOO_LONG", http.StatusBadRequest,
		Text{"검색어가 너무 깁니다.", "이름은 38자, 휴대폰 번호는 20자, 일련번호는 16진수 40자리, CN은 128바이트까지입니다."},
		Text{"The search is too long.", "A name has at most 38 characters, a phone number 20, a serial 40 hex digits and a CN 128 bytes."})
	ConsoleSearchBirth = def("CONSOLE_SEARCH_BIRTH", http.StatusBadRequest,
		Text{"생년월일이 올바른 날짜가 아닙니다.", "주민등록번호 앞 6자리처럼 YYMMDD로 입력하세요 (예: 800101)."},
		Text{"The birth date is not a valid date.", "Type it as YYMMDD, the first 6 digits of the resident registration number (e.g. 800101)."})
	ConsoleSearchCursor = def("CONSOLE_SEARCH_CURSOR", http.StatusBadRequest,
		Text{"결과 페이지 주소가 올바르지 않습니다.", "검색을 처음부터 다시 하세요."},
		Text{"The results page address is not valid.", "Run the search again from the start."})
)
