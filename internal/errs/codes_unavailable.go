package errs

import "net/http"

// ServiceUnavailable: the database could not be reached, or was shutting down or
// restarting; nothing was decided and the same request may be sent again.
var ServiceUnavailable = def("SERVICE_UNAVAILABLE", http.StatusServiceUnavailable,
	Text{"잠시 서비스를 이용할 수 없습니다.", "처리된 것은 없습니다. 잠시 후 같은 요청을 다시 보내세요."},
	Text{"The service is briefly unavailable.", "Nothing was done; send the same request again in a moment."})
