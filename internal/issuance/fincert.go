package issuance

import (
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// The financial certificate (금융인증서, KOREAN-PKI.md sections 6 and 9): subject kind OU
// personalF, policy <arc>.1.10 (yessign 1.2.410.200005.1.1.1.10), three years. Its row
// of the kind table is added here so that the joint-certificate rows stay as they are.

// finCertCode is the 2-digit kind code in the CN digits. Like the other codes it
// follows the policy's last arc (.10); the code yessign writes there for personalF is
// not public (rule).
const finCertCode = "10"

// FinCertYears is the financial certificate's validity (KOREAN-PKI.md section 2).
const FinCertYears = 3

// FinCertMaxValidity bounds a financial certificate's notAfter-notBefore: three years
// plus the 30-day renewal window plus a day of slack, as DefaultMaxValidity does for one.
const FinCertMaxValidity = (3*366 + 31) * 24 * time.Hour

func init() {
	kindTable = append(kindTable, kindClass{model.Personal, model.FinCert, finCertCode, "personalF", 1})
}

// policyArcs are the arcs under Profile.PolicyArc: <policy> for the joint certificates,
// 1.10 for the financial certificate (a sub-arc of the universal personal policy, as
// yessign registers it).
func (c kindClass) policyArcs() []int {
	if c.usage == model.FinCert {
		return []int{c.policy, 10}
	}
	return []int{c.policy}
}

// maxValidity is the longest validity a certificate of the class may have.
func (i *Issuer) maxValidity(c kindClass) time.Duration {
	if c.usage == model.FinCert && i.profile.MaxValidity < FinCertMaxValidity {
		return FinCertMaxValidity
	}
	return i.profile.MaxValidity
}

// ValidityYears is how many years a certificate of the usage is valid: three for the
// financial certificate, one for joint certificates (KOREAN-PKI.md section 2).
func ValidityYears(u model.Usage) int {
	if u == model.FinCert {
		return FinCertYears
	}
	return 1
}
