package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/model"
)

// cmdStaff: certcenter staff add --institution CODE|--ca --role ROLE --name NAME. It
// prints the one-time password (and the TOTP secret and otpauth URI for supervisors
// and operators) once: they are stored only hashed or sealed. There is no default
// account and no default password.
func cmdStaff(ctx context.Context, args []string, stdout io.Writer) error {
	const u = "usage: certcenter staff add (--institution CODE | --ca) --role teller|supervisor|operator|auditor --name NAME [--data DIR | --config FILE]"
	if len(args) == 0 || args[0] != "add" {
		return usageError(u)
	}
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	inst := fs.String("institution", "", "3-digit institution code (tellers and supervisors)")
	caScope := fs.Bool("ca", false, "the CA's staff (operators and auditors)")
	role := fs.String("role", "", "teller, supervisor, operator or auditor")
	name := fs.String("name", "", "login name")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if (*inst == "") == !*caScope || *role == "" || *name == "" {
		return usageError(u)
	}
	scope := *inst
	if *caScope {
		scope = model.StaffScopeCA
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	na, err := app.AddStaff(ctx, cfg, scope, *name, *role, time.Now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "staff account (직원 계정):        %s/%s (%s)\none-time password (비밀번호):    %s\n", scope, *name, *role, na.Password)
	if na.TOTPSecret != "" {
		fmt.Fprintf(stdout, "TOTP secret (OTP 비밀키):         %s\notpauth URI:                     %s\n", na.TOTPSecret, na.OTPAuthURI)
	}
	fmt.Fprintf(stdout, "This is shown once; hand it over in person. (한 번만 표시됩니다. 본인에게 직접 전달하세요.)\n")
	return nil
}
