package errs

import "net/http"

// Copy relay codes (internal/relay, KOREAN-PKI.md section 8).
var (
	RelayCodeInvalid = def("RELAY_CODE_INVALID", http.StatusForbidden,
		Text{"복사 코드가 올바르지 않습니다.", "받는 기기에 표시된 12자리 코드를 다시 확인하세요. 여러 번 틀리면 잠시 기다려야 합니다."},
		Text{"The copy code is wrong.", "Check the 12-digit code shown on the receiving device; after several wrong tries you must wait a while."})
	RelayCodeExpired = def("RELAY_CODE_EXPIRED", http.StatusGone,
		Text{"복사 코드의 유효시간(5분)이 지났습니다.", "받는 기기에서 certctl copy receive 를 다시 실행해 새 코드를 받으세요."},
		Text{"The copy code has expired (codes last 5 minutes).", "Run certctl copy receive again on the receiving device for a new code."})
	RelayCodeUsed = def("RELAY_CODE_USED", http.StatusConflict,
		Text{"이미 사용된 복사 코드입니다.", "코드는 한 번만 쓸 수 있습니다. 받는 기기에서 새 코드를 받으세요."},
		Text{"This copy code has already been used.", "A code works once; get a new one on the receiving device."})
	RelaySessionLocked = def("RELAY_SESSION_LOCKED", http.StatusForbidden,
		Text{"잘못된 코드가 5회 입력되어 이 복사를 중단했습니다.", "받는 기기에서 새 코드를 받으세요."},
		Text{"This copy was stopped after 5 wrong codes.", "Get a new code on the receiving device."})
	RelaySessionNotFound = def("RELAY_SESSION_NOT_FOUND", http.StatusNotFound,
		Text{"복사 세션이 없습니다 (끝났거나, 취소되었거나, 시간이 지났습니다).", "처음부터 다시 시작하세요."},
		Text{"No such copy session (it finished, was cancelled or expired).", "Start again from the beginning."})
	RelayTokenInvalid = def("RELAY_TOKEN_INVALID", http.StatusForbidden,
		Text{"이 복사 세션에 대한 권한이 없습니다.", "세션을 만든 기기나 코드를 입력한 기기만 세션을 쓸 수 있습니다."},
		Text{"Not allowed on this copy session.", "Only the device that opened the session or the one that entered its code may use it."})
	RelayState = def("RELAY_STATE", http.StatusConflict,
		Text{"지금은 이 복사 단계를 진행할 수 없습니다.", "상대 기기가 앞 단계를 마칠 때까지 기다리세요."},
		Text{"This step of the copy cannot be done now.", "Wait for the other device to finish the previous step."})
	RelayBadKey = def("RELAY_BAD_KEY", http.StatusBadRequest,
		Text{"복사 세션의 공개키나 약속값이 올바르지 않습니다.", "공개키는 32바이트 X25519 키(base64), 약속값은 그 SHA-256 입니다."},
		Text{"The copy session's public key or commitment is not valid.", "A public key is a 32-byte X25519 key (base64); the commitment is its SHA-256."})
	RelayPayloadTooLarge = def("RELAY_PAYLOAD_TOO_LARGE", http.StatusRequestEntityTooLarge,
		Text{"복사할 데이터가 너무 큽니다.", "인증서와 키 파일은 합쳐 64 KiB 이하여야 합니다."},
		Text{"The copy payload is too large.", "A certificate and its key files must fit in 64 KiB."})
	RelayBusy = def("RELAY_BUSY", http.StatusServiceUnavailable,
		Text{"지금은 복사 세션을 열 수 없습니다.", "잠시 후 다시 시도하세요."},
		Text{"No copy session can be opened right now.", "Try again in a minute."})
)
