package errs

import "net/http"

// Reliability and abuse codes: rate limits, input checks, the enrollment answers that
// must not tell a stranger whether a reference number exists (issue 17).
var (
	RateLimited = def("RATE_LIMITED", http.StatusTooManyRequests,
		Text{"요청이 너무 많습니다.", "{retryAfter}초 후에 다시 시도하세요 (Retry-After 헤더)."},
		Text{"Too many requests.", "Try again in {retryAfter} seconds (see the Retry-After header)."})
	FieldInvalid = def("FIELD_INVALID", http.StatusBadRequest,
		Text{"입력값이 너무 길거나 허용되지 않는 문자를 포함합니다.", "{field} 필드를 {max}자 이하로, 제어 문자 없이 보내세요."},
		Text{"A field is too long or contains characters that are not allowed.", "Send the field {field} with at most {max} characters and no control characters."})
	CSRWeakSignature = def("CSR_WEAK_SIGNATURE", http.StatusBadRequest,
		Text{"인증서 요청의 서명 알고리즘이 약합니다 (SHA-256 미만).", "SHA-256 이상으로 서명한 요청을 보내세요 (예: openssl req -sha256)."},
		Text{"The request is signed with an algorithm weaker than SHA-256.", "Sign the request with SHA-256 or stronger (e.g. openssl req -sha256)."})
	ServiceUnavailable = def("SERVICE_UNAVAILABLE", http.StatusServiceUnavailable,
		Text{"지금은 요청을 처리할 수 없습니다.", "잠시 후 같은 요청을 다시 보내세요. 같은 참조번호, 인가코드와 키로 다시 보내면 같은 인증서를 받습니다."},
		Text{"The request cannot be served right now.", "Send the same request again shortly; the same reference number, code and key get the same certificate."})
)
