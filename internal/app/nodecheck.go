package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// The node checks (migration 00012): what every node must share with the node that
// created the database. A node with another secrets key (it made its own in demo mode)
// or another base URL used to join silently and answer 500 on the other nodes'
// enrollments (issue 17); now it refuses to start and names what differs.
const (
	checkSecrets = "secrets_key"
	checkBaseURL = "base_url"
)

// secretsCheckValue is a key check value of the secrets key: an HMAC of a fixed label,
// which tells two keys apart and reveals nothing of either.
func secretsCheckValue(seal *sealer.Sealer) string {
	return hex.EncodeToString(seal.MAC("node-check", []byte("secrets key"))[:8])
}

// nodeChecks are this node's values.
func nodeChecks(cfg config.Config, seal *sealer.Sealer) map[string]string {
	return map[string]string{checkSecrets: secretsCheckValue(seal), checkBaseURL: cfg.BaseURL}
}

// checkNode compares this node's values with the database's (recording them when the
// database has none yet: a database bootstrapped before 00012) and, when ks is not nil,
// opens every authority's key and compares it with its certificate. Roles in skipKeys
// are not opened (a root kept offline).
func checkNode(ctx context.Context, st *sqlstore.DB, mine map[string]string, ks *ca.KeySource, auths []model.Authority, skipKeys ...model.AuthorityRole) error {
	var what, details []string
	for _, name := range []string{checkSecrets, checkBaseURL} {
		v, ok := mine[name]
		if !ok {
			continue
		}
		got, err := st.NodeCheck(ctx, name, v)
		if err != nil {
			return err
		}
		if got == v {
			continue
		}
		switch name {
		case checkSecrets:
			what = append(what, "secrets key")
			details = append(details, fmt.Sprintf("secrets key: check value %s here, %s in the database", v, got))
		case checkBaseURL:
			what = append(what, "base_url")
			details = append(details, fmt.Sprintf("base_url: %s here, %s in the database", v, got))
		}
	}
	if ks != nil {
		for _, m := range ca.CheckKeys(*ks, auths, skipKeys...) {
			what = append(what, string(m.Role)+" CA key")
			details = append(details, m.String())
		}
	}
	if len(what) == 0 {
		return nil
	}
	return errs.New(errs.NodeMismatch, "%s", strings.Join(details, "; ")).With("what", strings.Join(what, ", "))
}
