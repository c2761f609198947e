package errs

import "net/http"

// Supervision codes of the staff console (internal/web/console): approvals (결재),
// counter unlocks and registrations, reports.
var (
	ApprovalReasonRequired = def("APPROVAL_REASON_REQUIRED", http.StatusBadRequest,
		Text{"결재 요청 사유를 입력하세요.", "책임자가 판단할 수 있도록 사유를 200자 이내로 적으세요."},
		Text{"Give a reason for the approval request.", "Type why (at most 200 characters), so that the supervisor can decide."})
	ApprovalNotFound = def("APPROVAL_NOT_FOUND", http.StatusNotFound,
		Text{"결재 요청이 없습니다.", "결재함에서 다시 고르세요. 다른 기관의 요청은 보이지 않습니다."},
		Text{"No such approval request.", "Choose it again from the queue; other institutions' requests are not shown."})
	ApprovalSelf = def("APPROVAL_SELF", http.StatusForbidden,
		Text{"자신이 요청한 결재는 승인하거나 반려할 수 없습니다.", "다른 책임자에게 결재를 요청하세요."},
		Text{"You cannot decide a request you made yourself.", "Ask another supervisor to decide it."})
	ApprovalDecided = def("APPROVAL_ALREADY_DECIDED", http.StatusConflict,
		Text{"이미 처리된 결재 요청입니다.", "다른 책임자가 먼저 승인하거나 반려했습니다. 결재함에서 결과를 확인하세요."},
		Text{"This request has already been decided.", "Another supervisor approved or rejected it first; see the outcome in the queue."})
	ApprovalExpired = def("APPROVAL_EXPIRED", http.StatusConflict,
		Text{"기한이 지난 결재 요청입니다.", "창구 직원이 고객의 신원을 다시 확인한 뒤 새로 요청해야 합니다."},
		Text{"This request has expired.", "The teller must verify the customer again and make a new request."})
	ApprovalDecisionRequired = def("APPROVAL_DECISION_REASON_REQUIRED", http.StatusBadRequest,
		Text{"반려 사유를 입력하세요.", "창구 직원이 고객에게 설명할 수 있도록 사유를 200자 이내로 적으세요."},
		Text{"Give a reason for the rejection.", "Type why (at most 200 characters), so that the teller can tell the customer."})
	CounterNothingLocked = def("COUNTER_NOTHING_LOCKED", http.StatusConflict,
		Text{"잠긴 본인확인이 없습니다.", "고객의 계좌 확인과 인증번호 발송이 잠겨 있지 않습니다. 고객이 다시 시도하면 됩니다."},
		Text{"Nothing is locked.", "The customer's account check and text codes are not locked; the customer can simply try again."})
	CounterRegisterOwn = def("COUNTER_REGISTER_OWN", http.StatusConflict,
		Text{"우리 기관에서 발급한 인증서는 등록할 필요가 없습니다.", "고객의 인증서 목록에 이미 있습니다."},
		Text{"This institution's own certificates need no registration.", "It is already in the customer's list of certificates."})
	CounterRegisterForeign = def("COUNTER_REGISTER_FOREIGN_CA", http.StatusUnprocessableEntity,
		Text{"이 인증기관에서 발급한 인증서가 아닙니다.", "다른 인증기관의 인증서는 고객이 웹 인증센터의 타기관 인증서 등록에서 인증서로 서명해 등록합니다."},
		Text{"This certificate was not issued by this CA.", "Another CA's certificate is registered by the customer, signing with it, under Register another institution's certificate in the web certificate center."})
)
