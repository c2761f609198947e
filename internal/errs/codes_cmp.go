package errs

import "net/http"

// CMP codes (internal/cmphttp). A CMP client sees them in the statusString of the
// error message or rejection, e.g. in openssl cmp's output.
var (
	CMPBadMessage = def("CMP_BAD_MESSAGE", http.StatusBadRequest,
		Text{"CMP 메시지를 받아들일 수 없습니다.", "메시지 보호(MAC 또는 서명), 소유 증명(POP), 인증서 템플릿을 확인하세요."},
		Text{"The CMP message cannot be accepted.", "Check the message protection (MAC or signature), the proof of possession and the certificate template."})
	CMPProtectionRequired = def("CMP_PROTECTION_REQUIRED", http.StatusUnauthorized,
		Text{"보호되지 않은 CMP 요청입니다.", "발급(ir, cr, p10cr)은 참조번호와 인가코드(-ref, -secret)로, 갱신(kur)과 폐기(rr)는 현재 인증서와 개인키(-cert, -key)로 보호하세요."},
		Text{"The CMP request is not protected.", "Protect ir, cr and p10cr with the reference number and authorization code (-ref, -secret), kur and rr with the current certificate and its key (-cert, -key)."})
	CMPSignerUnknown = def("CMP_SIGNER_UNKNOWN", http.StatusForbidden,
		Text{"요청에 서명한 인증서는 이 인증기관이 발급한 것이 아닙니다.", "이 인증기관에서 발급받은 현재 인증서와 그 개인키로 서명하세요."},
		Text{"The certificate that signed the request was not issued by this CA.", "Sign with the current certificate this CA issued to you and its private key."})
	CMPNotOwnCertificate = def("CMP_NOT_OWN_CERTIFICATE", http.StatusForbidden,
		Text{"자기 인증서만 폐기할 수 있습니다.", "폐기할 인증서의 개인키로 요청에 서명하세요 (-cert와 -oldcert가 같은 인증서여야 합니다)."},
		Text{"A holder may revoke only their own certificate.", "Sign the request with the key of the certificate to revoke (-cert and -oldcert name the same certificate)."})
	CMPTransactionUnknown = def("CMP_TRANSACTION_UNKNOWN", http.StatusConflict,
		Text{"확인을 기다리는 CMP 발급이 이 트랜잭션에 없습니다.", "certConf는 ip/cp/kup를 받은 같은 트랜잭션에서 확인 대기 시간 안에 보내세요."},
		Text{"No CMP issuance awaits confirmation in this transaction.", "Send certConf in the transaction of the ip/cp/kup, within the confirmation wait time."})
	CMPUnsupported = def("CMP_UNSUPPORTED", http.StatusBadRequest,
		Text{"지원하지 않는 CMP 메시지입니다.", "certcenter는 ir, cr, p10cr, kur, rr, certConf, genm에 답합니다. 메시지마다 인증서 요청은 하나입니다."},
		Text{"This CMP message is not supported.", "certcenter answers ir, cr, p10cr, kur, rr, certConf and genm, with one certificate request per message."})
	CMPTransactionInUse = def("CMP_TRANSACTION_IN_USE", http.StatusConflict,
		Text{"이미 쓰인 CMP 트랜잭션 ID입니다.", "새 요청은 새 transactionID로 보내세요."},
		Text{"This CMP transactionID is already in use.", "Send a new request with a new transactionID."})
)
