package errs

import "net/http"

// Web certificate center codes (internal/web): what a person sees as a page.
var (
	SessionExpired = def("SESSION_EXPIRED", http.StatusUnauthorized,
		Text{"10분 동안 사용이 없어 안전을 위해 로그아웃되었습니다.", "처음부터 다시 시작하세요. 입력하신 내용은 저장되지 않았습니다."},
		Text{"You were signed out for your safety after 10 minutes without activity.", "Start again from the beginning; nothing you entered was kept."})
	CSRFInvalid = def("CSRF_INVALID", http.StatusForbidden,
		Text{"이 요청은 인증센터 화면에서 보낸 것이 아니어서 처리하지 않았습니다.", "인증센터 화면을 새로 열고 다시 시도하세요."},
		Text{"This request did not come from the certificate center's page, so it was not processed.", "Open the certificate center again and retry."})
	WebStep = def("WEB_STEP", http.StatusConflict,
		Text{"이 단계는 지금 진행할 수 없습니다 (이미 끝났거나 앞 단계가 필요합니다).", "처음부터 다시 시작하세요."},
		Text{"This step cannot be done now (it is already finished, or an earlier step is needed).", "Start again from the beginning."})
	WebCustomerUnknown = def("WEB_CUSTOMER_UNKNOWN", http.StatusForbidden,
		Text{"입력하신 이름과 주민등록번호로 등록된 고객 정보가 없습니다.", "이름과 주민등록번호를 확인하세요. 처음 거래하시는 고객은 신분증을 가지고 영업점을 방문하세요."},
		Text{"No customer matches the name and resident registration number you entered.", "Check the name and number. New customers should visit a branch with an ID card."})
	WebNotSubscribed = def("WEB_NOT_SUBSCRIBED", http.StatusForbidden,
		Text{"인터넷뱅킹에 가입되어 있지 않아 온라인으로 본인확인을 할 수 없습니다.", "신분증을 가지고 가까운 영업점을 방문하여 인터넷뱅킹을 신청하거나 창구에서 발급받으세요."},
		Text{"You have no internet-banking subscription, so your identity cannot be verified online.", "Visit a branch with your ID card to subscribe to internet banking, or have the certificate issued at the counter."})
	WebTermsRequired = def("WEB_TERMS_REQUIRED", http.StatusBadRequest,
		Text{"약관에 동의해야 다음 단계로 갈 수 있습니다.", "약관을 읽고 동의 항목에 표시하세요."},
		Text{"You must agree to the terms to continue.", "Read the terms and tick the box to agree."})
	WebFieldInvalid = def("WEB_FIELD_INVALID", http.StatusBadRequest,
		Text{"입력하신 값을 확인하세요.", "표시된 항목을 고쳐 다시 보내세요."},
		Text{"Check what you entered.", "Correct the fields marked and send again."})
	WebReissueConfirm = def("WEB_REISSUE_CONFIRM", http.StatusBadRequest,
		Text{"재발급하면 기존 인증서가 폐기됩니다. 동의 항목에 표시하세요.", "기존 인증서를 계속 쓰려면 재발급하지 마세요."},
		Text{"Reissuing revokes your current certificate; tick the box to confirm.", "If you want to keep the current certificate, do not reissue."})
	WebNoInstitution = def("WEB_NO_INSTITUTION", http.StatusNotFound,
		Text{"그런 기관의 인증센터가 없습니다.", "주소를 확인하거나 첫 화면에서 기관을 고르세요."},
		Text{"There is no certificate center for that institution.", "Check the address, or choose an institution on the first page."})
	WebNotYours = def("WEB_NOT_YOURS", http.StatusForbidden,
		Text{"본인확인을 한 고객의 인증서가 아닙니다.", "본인 명의의 인증서를 고르세요."},
		Text{"That certificate is not the verified customer's.", "Choose a certificate in your own name."})
)
