package errs

import "net/http"

// Certificate center codes: customers, identity verification (본인확인), holder-signed
// requests, other-institution registration and notifications.
var (
	CustomerNotFound = def("CUSTOMER_NOT_FOUND", http.StatusNotFound,
		Text{"고객을 찾을 수 없습니다.", "고객 ID를 확인하세요. 고객은 POST /api/v1/customers로 등록합니다."},
		Text{"No customer has this id.", "Check the customer id; customers are created with POST /api/v1/customers."})
	CustomerExists = def("CUSTOMER_EXISTS", http.StatusConflict,
		Text{"같은 식별번호의 고객이 이미 있습니다.", "기존 고객 ID를 사용하세요 (응답의 customerId)."},
		Text{"A customer with this identity number already exists.", "Use the existing customer id (customerId in the answer)."})
	InvalidContact = def("INVALID_CONTACT", http.StatusBadRequest,
		Text{"연락처 또는 계좌 정보가 올바르지 않습니다.", "휴대폰 번호는 숫자 10~11자리, 이메일은 name@example.kr 형식, 계좌 비밀번호는 숫자 4자리입니다."},
		Text{"The contact or account details are not valid.", "A phone number has 10 or 11 digits, an e-mail looks like name@example.kr, an account PIN has 4 digits."})
	VerificationMethodInvalid = def("VERIFICATION_METHOD_INVALID", http.StatusBadRequest,
		Text{"본인확인 방법이 올바르지 않거나 필요한 값이 빠졌습니다.", "method는 sms, account, in-person, certificate 중 하나입니다. account는 accountNumber와 accountPin, in-person은 tellerId가 필요합니다."},
		Text{"The verification method is unknown or lacks a field.", "method is one of sms, account, in-person, certificate; account needs accountNumber and accountPin, in-person needs tellerId."})
	VerificationNotFound = def("VERIFICATION_NOT_FOUND", http.StatusNotFound,
		Text{"본인확인 요청을 찾을 수 없습니다.", "본인확인 ID를 확인하세요."},
		Text{"No verification has this id.", "Check the verification id."})
	OTPInvalid = def("OTP_INVALID", http.StatusForbidden,
		Text{"인증번호가 올바르지 않습니다.", "문자로 받은 6자리 숫자를 다시 입력하세요. 5회 틀리면 잠깁니다 (남은 횟수: {remaining})."},
		Text{"The one-time code is wrong.", "Enter the 6 digits from the text message again; 5 wrong codes lock it ({remaining} tries left)."})
	OTPExpired = def("OTP_EXPIRED", http.StatusGone,
		Text{"인증번호의 유효시간(3분)이 지났습니다.", "본인확인을 새로 요청하여 새 인증번호를 받으세요."},
		Text{"The one-time code has expired (it lasts 3 minutes).", "Start a new verification to get a new code."})
	VerificationLocked = def("VERIFICATION_LOCKED", http.StatusForbidden,
		Text{"인증번호를 5회 잘못 입력하여 잠겼습니다.", "본인확인을 새로 요청하세요."},
		Text{"The verification is locked after 5 wrong codes.", "Start a new verification."})
	VerificationFailed = def("VERIFICATION_FAILED", http.StatusForbidden,
		Text{"본인확인에 실패했습니다.", "입력한 계좌 정보나 인증서가 고객 정보와 맞는지 확인하세요."},
		Text{"Identity verification failed.", "Check that the account details or the certificate match the customer's record."})
	VerificationNotPending = def("VERIFICATION_NOT_PENDING", http.StatusConflict,
		Text{"확인을 기다리는 본인확인이 아닙니다.", "이미 완료되었거나 잠겼거나 새 요청으로 대체되었습니다. 본인확인을 새로 요청하세요."},
		Text{"The verification is not awaiting confirmation.", "It was completed, locked or superseded by a newer one; start a new verification."})
	VerificationNotUsable = def("VERIFICATION_NOT_USABLE", http.StatusConflict,
		Text{"이 본인확인으로는 발급을 요청할 수 없습니다.", "완료된 지 30분 이내이고 아직 쓰지 않은 본인확인이 필요합니다. 본인확인을 새로 하세요."},
		Text{"This verification cannot be used for an enrollment.", "An enrollment needs a completed verification, at most 30 minutes old and not used yet; verify again."})
	HolderSignatureInvalid = def("HOLDER_SIGNATURE_INVALID", http.StatusForbidden,
		Text{"인증서 개인키의 서명이 올바르지 않습니다.", "현재 인증서의 개인키로 요청 내용(SHA-256, RSA PKCS#1 v1.5)에 서명하여 base64로 보내세요."},
		Text{"The signature by the certificate's key does not verify.", "Sign the request content with the current certificate's private key (SHA-256, RSA PKCS#1 v1.5) and send it in base64."})
	CertUntrusted = def("CERT_UNTRUSTED", http.StatusForbidden,
		Text{"신뢰할 수 없는 인증서입니다.", "이 인증센터 또는 신뢰 목록의 인증기관이 발급한 유효한 인증서를 쓰세요."},
		Text{"The certificate is not trusted.", "Use a valid certificate issued by this CA or by a CA on the trust list."})
	VIDMismatch = def("VID_MISMATCH", http.StatusForbidden,
		Text{"인증서의 VID가 고객의 식별번호와 맞지 않습니다.", "본인 명의의 인증서인지, R(randomNum)을 올바로 보냈는지 확인하세요."},
		Text{"The certificate's VID does not match the customer's identity number.", "Check that the certificate belongs to this customer and that R (randomNum) is right."})
	ChallengeInvalid = def("CHALLENGE_INVALID", http.StatusConflict,
		Text{"등록용 챌린지가 없거나 만료되었거나 이미 사용되었습니다.", "POST /api/v1/registrations/challenges로 새 챌린지를 받으세요 (5분 유효)."},
		Text{"The registration challenge is unknown, expired or used.", "Get a new one with POST /api/v1/registrations/challenges (valid 5 minutes)."})
	RegistrationNotFound = def("REGISTRATION_NOT_FOUND", http.StatusNotFound,
		Text{"등록된 타기관 인증서를 찾을 수 없습니다.", "등록 ID를 확인하세요."},
		Text{"No registration has this id.", "Check the registration id."})
	RegistrationExists = def("REGISTRATION_EXISTS", http.StatusConflict,
		Text{"이 고객에게 이미 등록된 인증서입니다.", "등록 목록(GET /api/v1/registrations?customer=)을 확인하세요."},
		Text{"This certificate is already registered for this customer.", "See the list (GET /api/v1/registrations?customer=)."})
	ReissueMismatch = def("REISSUE_MISMATCH", http.StatusForbidden,
		Text{"재발급할 인증서가 본인확인한 고객의 것이 아닙니다.", "본인 명의의 인증서 일련번호를 replaces에 넣으세요."},
		Text{"The certificate to reissue does not belong to the verified customer.", "Put the serial of the customer's own certificate in replaces."})
	NotifyFailed = def("NOTIFY_FAILED", http.StatusBadGateway,
		Text{"문자 또는 이메일을 보내지 못했습니다.", "잠시 후 다시 시도하세요. 계속되면 운영자에게 알리세요."},
		Text{"The text message or e-mail could not be sent.", "Try again later; if it persists, tell the operator."})
)

// RevocationUnknown: another CA's certificate whose status nobody could tell.
var RevocationUnknown = def("REVOCATION_UNKNOWN", http.StatusServiceUnavailable,
	Text{"인증서를 발급한 인증기관에서 폐기 여부를 확인할 수 없습니다.", "인증기관의 OCSP 또는 CRL이 응답하지 않습니다. 잠시 후 다시 시도하세요."},
	Text{"The issuing CA could not tell whether the certificate is revoked.", "Its OCSP responder and CRL did not answer; try again later."})

// VerificationRateLimited: too many one-time codes sent to one customer.
var VerificationRateLimited = def("VERIFICATION_RATE_LIMITED", http.StatusTooManyRequests,
	Text{"짧은 시간에 인증번호를 너무 많이 요청했습니다.", "한 시간에 5번까지 보낼 수 있습니다. 잠시 후 다시 시도하거나 다른 방법으로 본인확인을 하세요."},
	Text{"Too many one-time codes were requested in a short time.", "At most 5 an hour; try again later or verify another way."})

// AccountCheckLocked: too many wrong account answers for one customer.
var AccountCheckLocked = def("ACCOUNT_CHECK_LOCKED", http.StatusForbidden,
	Text{"계좌 확인을 5회 잘못하여 하루 동안 계좌로 본인확인을 할 수 없습니다.", "영업점 방문이나 휴대폰 인증 등 다른 방법으로 본인확인을 하세요."},
	Text{"Account checks are locked for a day after 5 wrong answers.", "Verify another way: at a branch, or by a one-time code to the phone on record."})
