package errs

import "net/http"

// Reliability and abuse codes (issue 17): rate limits and input checks.
var (
	RateLimited = def("RATE_LIMITED", http.StatusTooManyRequests,
		Text{"요청이 너무 많습니다.", "{wait}초 후에 다시 시도하세요 (Retry-After 헤더)."},
		Text{"Too many requests.", "Try again in {wait} seconds (see the Retry-After header)."})
	FieldInvalid = def("FIELD_INVALID", http.StatusBadRequest,
		Text{"입력값이 너무 길거나 허용되지 않는 문자를 포함합니다.", "{field} 필드를 {max}자 이하로, 제어 문자 없이 보내세요."},
		Text{"A field is too long or contains characters that are not allowed.", "Send the field {field} with at most {max} characters and no control characters."})
	CSRWeakSignature = def("CSR_WEAK_SIGNATURE", http.StatusBadRequest,
		Text{"인증서 요청의 서명 알고리즘이 약합니다 (SHA-256 미만).", "SHA-256 이상으로 서명한 요청을 보내세요 (예: openssl req -sha256)."},
		Text{"The request is signed with an algorithm weaker than SHA-256.", "Sign the request with SHA-256 or stronger (e.g. openssl req -sha256)."})
)
