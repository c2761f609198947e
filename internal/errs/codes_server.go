package errs

import "net/http"

// Server start-up codes (cmd/certcenter serve, internal/app): refusals that keep a
// node from starting in a state where it would answer wrongly.
var (
	ListenFailed = def("LISTEN_FAILED", http.StatusInternalServerError,
		Text{"수신 주소 {addr} 를 열 수 없어 서버를 시작하지 않았습니다 (아무것도 만들지 않았습니다).", "다른 프로세스가 그 포트를 쓰고 있지 않은지 확인하거나 --listen 으로 다른 주소를 고르세요."},
		Text{"Cannot listen on {addr}; the server did not start (nothing was created).", "Check that no other process holds that port, or choose another address with --listen."})
	NodeMismatch = def("NODE_MISMATCH", http.StatusInternalServerError,
		Text{"이 노드의 {what} 이(가) 데이터베이스를 처음 만든 노드와 달라 시작하지 않았습니다.", "모든 노드에 같은 secrets.key, 같은 CA 키(keys)와 같은 base_url(또는 serve --base-url)을 설정하세요. 데모 모드의 노드는 자기 키를 만듭니다: 설정 파일에 demo = false 와 secrets.key 를 두세요."},
		Text{"This node's {what} differs from the one of the node that created the database; it did not start.", "Give every node the same secrets.key, the same CA keys (keys) and the same base_url (or serve --base-url). A demo-mode node makes its own keys: set demo = false and secrets.key in the configuration file."})
)
