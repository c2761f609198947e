package errs

import "net/http"

// Codes of the revocation status services (internal/revocation). OCSP answers never
// use them: OCSP errors are OCSP responses (malformedRequest, unauthorized, ...).
var (
	CRLNotFound = def("CRL_NOT_FOUND", http.StatusNotFound,
		Text{"그런 인증서 폐지 목록(CRL)은 없습니다.", "인증서의 CRL 배포 지점(CRL Distribution Points)에 적힌 주소를 그대로 쓰세요: /crl/<발급자>/p<번호>.crl"},
		Text{"There is no such certificate revocation list.", "Use the URL written in the certificate's CRL distribution points: /crl/<issuer>/p<number>.crl"})
	CRLUnavailable = def("CRL_UNAVAILABLE", http.StatusServiceUnavailable,
		Text{"인증서 폐지 목록(CRL)을 지금 만들 수 없습니다.", "잠시 후 다시 받으세요. 계속되면 운영자에게 문의하세요."},
		Text{"The certificate revocation list cannot be produced right now.", "Fetch it again shortly; if it persists, contact the operator."})
)
