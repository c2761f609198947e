package app

import (
	"context"
	"fmt"
	"io"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
)

// DemoCustomer is a customer every demo institution has, so that each journey of the
// web certificate center can be tried at once: two with internet banking (a phone for
// SMS codes, an account and its PIN), one without it (online issuance is refused and
// the page says to visit a branch). The identity numbers are synthetic.
type DemoCustomer struct {
	Name, IDN, Phone, Email, Account, PIN string
	OnlineBanking                         bool
}

// DemoCustomers are seeded at every demo start (idempotently).
var DemoCustomers = []DemoCustomer{
	{Name: "홍길동", IDN: "8001011234567", Phone: "01012345678", Account: "110123456789", PIN: "1234", OnlineBanking: true},
	{Name: "김영희", IDN: "8505052345678", Phone: "01023456789", Email: "younghee@example.com", Account: "110987654321", PIN: "4321", OnlineBanking: true},
	{Name: "이철수", IDN: "9009091456789", Phone: "01034567890", Account: "110555666777", PIN: "5678", OnlineBanking: false},
}

// SeedDemoCustomers creates the demo customers at every institution that lacks them
// (demo mode only). `certcenter serve` calls it at every start; tests that want them
// call it too.
func (a *App) SeedDemoCustomers(ctx context.Context) error {
	if !a.Cfg.Demo {
		return nil
	}
	insts, err := a.Store.Institutions(ctx)
	if err != nil {
		return err
	}
	for _, inst := range insts {
		for _, c := range DemoCustomers {
			_, err := a.Desk.CreateCustomer(ctx, inst, center.NewCustomer{Name: c.Name, IDN: c.IDN, Phone: c.Phone, Email: c.Email,
				Accounts: []center.NewAccount{{Number: c.Account, PIN: c.PIN}}, NoOnlineBanking: !c.OnlineBanking})
			if err != nil && errs.CodeOf(err) != errs.CustomerExists {
				return fmt.Errorf("demo customer at %s: %w", inst.Code, err)
			}
		}
	}
	return nil
}

// DemoBanner tells a newcomer where the web certificate centers are and whom to be.
func (a *App) DemoBanner(w io.Writer) {
	if !a.Cfg.Demo {
		return
	}
	fmt.Fprintf(w, "\n  Web certificate centers (인증센터): %s/  (e.g. %s/901/)\n", a.Cfg.BaseURL, a.Cfg.BaseURL)
	fmt.Fprintf(w, "  Demo customers at every institution (SMS codes: %s/demo/outbox):\n", a.Cfg.BaseURL)
	for _, c := range DemoCustomers {
		ob := "internet banking: yes"
		if !c.OnlineBanking {
			ob = "internet banking: no (must visit a branch)"
		}
		fmt.Fprintf(w, "    %s  %s-%s  phone %s  account %s PIN %s  %s\n", c.Name, c.IDN[:6], c.IDN[6:], c.Phone, c.Account, c.PIN, ob)
	}
	if rp := a.DemoRelyingParty(); rp != "" {
		fmt.Fprintf(w, "  Financial certificate (금융인증서): a demo relying site on another origin: %s\n", rp)
	}
	fmt.Fprintf(w, "  Staff console: %s/console/ (accounts: certcenter staff add --institution 901 --role teller --name NAME)\n", a.Cfg.BaseURL)
	fmt.Fprintln(w)
}
