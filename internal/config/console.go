package config

import (
	"fmt"
	"slices"
)

// Console configures the staff console (internal/web/console).
type Console struct {
	// Approvals are what a teller may not do alone (결재): the request waits for a
	// supervisor of the same institution. "corporate_reissue" (reissue of a corporate
	// certificate), "revoke_on_behalf" (revocation at the counter), "unlock" (reset of
	// a customer's locked identity check or financial-certificate PIN). Default: all
	// three; [] lets tellers do them alone. Supervisors never need an approval.
	Approvals []string `toml:"approvals"`
}

// ApprovalActions are the actions [console] approvals may name.
var ApprovalActions = []string{"corporate_reissue", "revoke_on_behalf", "unlock"}

func defaultConsole() Console {
	return Console{Approvals: slices.Clone(ApprovalActions)}
}

func (c Console) validate(add func(path, format string, args ...any)) {
	seen := map[string]bool{}
	for i, a := range c.Approvals {
		if !slices.Contains(ApprovalActions, a) {
			add(fmt.Sprintf("console.approvals[%d]", i), "%q: must be one of %q", a, ApprovalActions)
		} else if seen[a] {
			add(fmt.Sprintf("console.approvals[%d]", i), "%q is listed twice", a)
		}
		seen[a] = true
	}
}
