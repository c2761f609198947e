package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

// kst is Korea Standard Time, the time tellers and customers read: the banner used the
// host's zone (UTC on servers) without naming it.
var kst = time.FixedZone("KST", 9*60*60)

// cmdEnroll is the counter enrollment a teller does after checking an ID card.
func cmdEnroll(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	inst := fs.String("institution", "", "3-digit institution code")
	name := fs.String("name", "", "the customer's real name")
	idn := fs.String("idn", "", "identity number (resident or business registration number)")
	kind := fs.String("kind", "personal", "personal or corporate")
	use := fs.String("usage", "banking", "banking or universal")
	teller := fs.String("teller", "counter", "the teller's id, for the audit log")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *inst == "" || *name == "" || *idn == "" {
		return usageError("--institution, --name and --idn are required")
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	cen, closer, err := app.OpenCenter(ctx, cfg, time.Now)
	if err != nil {
		return err
	}
	defer closer.Close()
	out, err := cen.Enroll(ctx, center.EnrollRequest{
		Institution: *inst, Name: *name, IDN: *idn, Kind: model.Kind(*kind), Usage: model.Usage(*use),
		Verification: "in-person", TellerID: *teller, Actor: "teller:" + *teller,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stdout, "reference number (참조번호):     %s\nauthorization code (인가코드): %s\nvalid until (유효기간):         %s\n",
		out.Reference, out.AuthCode, out.ExpiresAt.In(kst).Format("2006-01-02 15:04 MST (-07:00)"))
	return nil
}
