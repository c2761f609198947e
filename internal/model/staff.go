package model

import "time"

// Staff roles (internal/web/console): a teller (창구) serves customers; a supervisor
// approves; an operator runs the CA; an auditor reads the audit log.
const (
	RoleTeller     = "teller"
	RoleSupervisor = "supervisor"
	RoleOperator   = "operator"
	RoleAuditor    = "auditor"
)

// StaffScopeCA is the scope of the CA's own staff (operators, auditors); an
// institution's staff have its code as scope.
const StaffScopeCA = "ca"

// Staff is a staff account of the console.
type Staff struct {
	ID           string
	Scope        string // institution code or StaffScopeCA
	Name         string // login name, unique in its scope
	Role         string
	PasswordHash string // argon2id PHC string
	TOTPCipher   []byte // sealed TOTP secret, nil when the role needs none
	Failures     int
	LockedAt     *time.Time
	LastLoginAt  *time.Time
	CreatedAt    time.Time
}
