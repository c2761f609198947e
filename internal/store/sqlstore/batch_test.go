package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// TestGroupCommitIsolatesFailures: many writers at once end up in shared transactions;
// those whose serial was never reserved fail alone (ErrConflict, nothing written), the
// others are all stored, and the audit chain still verifies.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "g.db"), time.Now)
	ctx := context.Background()
	serial := func(i int) model.Serial {
		h := sha256.Sum256([]byte(fmt.Sprint("g", i)))
		s := model.Serial(h[:16])
		s[0] = s[0]&0x7f | 1
		return s
	}
	const n = 200
	var good []model.Serial
	for i := 0; i < n; i += 2 {
		good = append(good, serial(i))
	}
	if err := db.ReserveSerials(ctx, good, "issuing", time.Now()); err != nil {
		t.Fatal(err)
	}
	errsGot := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := serial(i)
			c := model.Certificate{Serial: s, IssuerID: "issuing", InstitutionCode: "901", CommonName: "x", Kind: model.Personal,
				Usage: model.Banking, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), DER: []byte{0x30, 0}, CreatedAt: time.Now()}
			errsGot[i] = db.StoreCertificate(ctx, c, "", model.AuditEvent{Type: "certificate.issued", Subject: s.String()})
		}(i)
	}
	wg.Wait()
	for i, err := range errsGot {
		_, getErr := db.Certificate(ctx, serial(i))
		if i%2 == 0 && (err != nil || getErr != nil) {
			t.Errorf("reserved serial %d: store %v, read %v", i, err, getErr)
		}
		if i%2 == 1 && (!errors.Is(err, store.ErrConflict) || !errors.Is(getErr, store.ErrNotFound)) {
			t.Errorf("unreserved serial %d: store %v, read %v; want a conflict and nothing stored", i, err, getErr)
		}
	}
	v := audit.NewVerifier()
	if err := db.WalkAudit(ctx, func(e model.AuditEntry) error { return v.Add(e) }); err != nil {
		t.Fatal(err)
	}
	heads, _ := db.AuditHeads(ctx)
	if err := v.CheckHeads(heads); err != nil || v.Count != n/2 {
		t.Errorf("audit after group commits: %v, %d entries, want %d", err, v.Count, n/2)
	}
}
