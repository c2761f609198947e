package errs

import "net/http"

// Key ceremony codes (certcenter root init / sign-ca, certcenter ca request / import):
// the root key kept offline and the issuing CA's certificate made on the offline
// machine. The hints name the command that fixes the refusal.
var (
	RootNotOffline = def("ROOT_NOT_OFFLINE", http.StatusConflict,
		Text{"이 설정은 최상위(root) 키를 서버에 둡니다 (keys.root 가 \"offline\" 이 아님).", "서버 설정의 [keys] 에 root = \"offline\" 을 넣고 다시 실행하세요: 오프라인 의식은 루트 키가 서버에 없는 배치를 위한 것입니다."},
		Text{"This configuration keeps the root key on the server (keys.root is not \"offline\").", "Set root = \"offline\" under [keys] in the server's configuration and run the command again: the offline ceremony is for deployments without the root key on the server."})
	CANotInstalled = def("CA_NOT_INSTALLED", http.StatusServiceUnavailable,
		Text{"발급 인증기관이 아직 없고, 최상위 키가 오프라인(keys.root = \"offline\")이므로 서버가 만들지 않습니다.", "이 서버에서 certcenter ca request --out issuing.csr, 오프라인 장비에서 certcenter root sign-ca --csr issuing.csr --out issuing.pem 과 certcenter root crl, 다시 이 서버에서 certcenter ca import --cert issuing.pem --crl root.crl 을 실행한 뒤 시작하세요."},
		Text{"There is no issuing CA yet, and with the root key offline (keys.root = \"offline\") the server does not make one.", "On this server run certcenter ca request --out issuing.csr; on the offline machine certcenter root sign-ca --csr issuing.csr --out issuing.pem and certcenter root crl; back here certcenter ca import --cert issuing.pem --crl root.crl; then start."})
	CAAlreadyInstalled = def("CA_ALREADY_INSTALLED", http.StatusConflict,
		Text{"이 데이터베이스에는 이미 인증기관이 있습니다.", "가져올 것이 없습니다: certcenter serve 로 노드를 시작하세요. 다른 데이터베이스를 쓰려던 것이면 --config 를 확인하세요."},
		Text{"This database already has a certificate authority.", "There is nothing to import: start the nodes with certcenter serve. If you meant another database, check --config."})
	CARequestMissing = def("CA_REQUEST_MISSING", http.StatusConflict,
		Text{"이 데이터 폴더에는 서명을 기다리는 발급 인증기관 요청이 없습니다.", "먼저 이 서버에서 같은 설정으로 certcenter ca request --out issuing.csr 를 실행하고, 그 요청을 오프라인 장비에서 서명받으세요."},
		Text{"This data folder has no issuing CA request awaiting its certificate.", "Run certcenter ca request --out issuing.csr on this server first, with the same configuration, and have that request signed on the offline machine."})
	CACSRInvalid = def("CA_CSR_INVALID", http.StatusBadRequest,
		Text{"발급 인증기관 요청(CSR)을 읽을 수 없거나 이 프로필의 인증기관 요청이 아닙니다.", "서버의 certcenter ca request 가 쓴 파일을 고치지 말고 그대로 가져오세요."},
		Text{"The issuing CA request (CSR) cannot be read or is not a CA request of this profile.", "Bring the file that certcenter ca request wrote on the server, unchanged."})
	CACSRSignatureInvalid = def("CA_CSR_SIGNATURE_INVALID", http.StatusBadRequest,
		Text{"발급 인증기관 요청의 서명이 그 공개키와 맞지 않습니다: 옮기는 중에 바뀌었거나 손상되었습니다.", "서버에서 certcenter ca request --out issuing.csr 를 다시 실행하면 같은 요청을 다시 씁니다: 그 파일을 가져오세요."},
		Text{"The issuing CA request's signature does not verify with its public key: it was altered or damaged on the way.", "Run certcenter ca request --out issuing.csr on the server again, which writes the same request again, and bring that file."})
	RootCertInvalid = def("ROOT_CERT_INVALID", http.StatusBadRequest,
		Text{"최상위 인증서를 쓸 수 없습니다 (읽을 수 없음, 자체 서명 CA 인증서가 아님, 또는 유효기간 밖).", "certcenter root init 이 쓴 최상위 인증서를 주세요 (--cert 또는 --root-cert)."},
		Text{"The root certificate cannot be used (unreadable, not a self-signed CA certificate, or outside its validity).", "Give the root certificate that certcenter root init wrote (--cert or --root-cert)."})
	RootKeyMismatch = def("ROOT_KEY_MISMATCH", http.StatusBadRequest,
		Text{"주어진 키는 이 최상위 인증서의 키가 아닙니다.", "--key 와 --cert 에 같은 최상위의 키와 인증서를 주세요: certcenter root init 이 함께 만든 한 쌍입니다."},
		Text{"The key given is not the key of this root certificate.", "Give --key and --cert of the same root: the pair certcenter root init made together."})
	RootKeyExists = def("ROOT_KEY_EXISTS", http.StatusConflict,
		Text{"그 자리에 이미 키 또는 인증서가 있어 새 최상위를 만들지 않았습니다.", "root init 은 아무것도 덮어쓰지 않습니다: 다른 --key/--cert 를 고르거나 기존 파일(또는 토큰의 키)을 먼저 옮기세요."},
		Text{"A key or certificate is already there, so no new root was made.", "root init never overwrites anything: choose another --key/--cert, or move the old file (or token key) away first."})
	CACertWrongKey = def("CA_CERT_WRONG_KEY", http.StatusBadRequest,
		Text{"이 인증서는 이 서버가 요청한 발급 인증기관 키의 인증서가 아닙니다.", "이 서버의 certcenter ca request 가 쓴 요청을 서명하세요 (다시 실행하면 같은 요청을 다시 씁니다)."},
		Text{"This certificate is not for the issuing CA key this server requested.", "Sign the request this server's certcenter ca request wrote (running it again writes the same request again)."})
	CACertNotByRoot = def("CA_CERT_NOT_BY_ROOT", http.StatusBadRequest,
		Text{"이 인증서는 주어진 최상위가 서명하지 않았습니다.", "root sign-ca 가 쓴 파일과, 같은 오프라인 장비에서 root init 이 쓴 최상위 인증서(--root-cert)를 함께 주세요."},
		Text{"This certificate is not signed by the root given.", "Give the file root sign-ca wrote together with the root certificate root init wrote on the same offline machine (--root-cert)."})
	CACertExpired = def("CA_CERT_EXPIRED", http.StatusBadRequest,
		Text{"발급 인증기관 인증서가 지금 유효하지 않습니다 ({when}).", "오프라인 장비에서 root sign-ca 로 요청을 다시 서명하세요. 두 장비의 시계도 확인하세요."},
		Text{"The issuing CA certificate is not valid now ({when}).", "Sign the request again with root sign-ca on the offline machine, and check both machines' clocks."})
	CACertProfile = def("CA_CERT_PROFILE", http.StatusBadRequest,
		Text{"이 인증서는 이 배치의 발급 인증기관 프로필을 따르지 않습니다.", "certcenter root sign-ca 로 서명하세요. 오프라인 설정의 base_url 은 서버의 base_url 과 같아야 합니다 (인증서의 CRL 배포점과 AIA 에 들어갑니다)."},
		Text{"This certificate does not follow this deployment's issuing CA profile.", "Sign it with certcenter root sign-ca, with the server's base_url in the offline configuration (it goes into the certificate's CRL distribution point and AIA)."})
)
