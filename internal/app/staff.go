package app

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/console"
)

// AddStaff creates a console account (certcenter staff add) in a bootstrapped data
// folder: scope is an institution code or model.StaffScopeCA. The returned account
// carries the one-time password (and the TOTP secret) the command prints once; neither
// is stored in clear. The creation is audited with actor "cli:staff-add".
func AddStaff(ctx context.Context, cfg config.Config, scope, name, role string, now func() time.Time) (*console.NewAccount, error) {
	if DatabaseMissing(cfg) {
		return nil, errNotBootstrapped
	}
	st, seal, err := openBase(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if ok, err := st.Bootstrapped(ctx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errNotBootstrapped
	}
	if scope != model.StaffScopeCA {
		if _, err := st.Institution(ctx, scope); err != nil {
			return nil, errs.New(errs.ConsoleBadInput, "no institution %q", scope)
		}
	}
	na, err := console.MakeAccount(seal, scope, name, role, now())
	if err != nil {
		return nil, err
	}
	inst := scope
	if scope == model.StaffScopeCA {
		inst = ""
	}
	ev := model.AuditEvent{Type: "staff.created", Actor: "cli:staff-add", Institution: inst, Subject: na.Staff.ID,
		Details: map[string]string{"role": role, "name": name, "scope": scope}}
	if err := st.CreateStaff(ctx, na.Staff, ev); err != nil {
		return nil, err
	}
	return na, nil
}
