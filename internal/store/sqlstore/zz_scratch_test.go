package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

func TestScratch1M(t *testing.T) {
	path := os.Getenv("SCRATCH_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	_, statErr := os.Stat(path)
	db, err := sqlstore.Open(ctx, "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if statErr != nil {
		b := model.Bootstrap{
			Authorities:  []model.Authority{{ID: "issuing", Role: model.RoleIssuing, CertDER: []byte("der"), KeyRef: "k", CreatedAt: benchT0}},
			Institutions: []model.Institution{{Code: "901", Name: "x", ShortName: "X", APIKeyHash: []byte("h901"), CreatedAt: benchT0}},
		}
		db.Bootstrap(ctx, b, model.AuditEvent{Type: "b"})
		if err := bulkLoad(ctx, db, 1_000_000); err != nil {
			t.Fatal(err)
		}
		db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		return
	}
	for _, p := range []string{os.Getenv("SCRATCH_PRAGMA")} {
		if p != "" {
			if _, err := db.SQL().Exec("PRAGMA " + p); err != nil {
				t.Fatal(err)
			}
		}
	}
	next := rand.IntN(1 << 30)
	r := rand.New(rand.NewPCG(uint64(next), 9))
	res := testing.Benchmark(func(b *testing.B) {
		serials, refs := prepareIssuances(b, db, b.N, true, &next, r)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ev := model.AuditEvent{Type: "certificate.issued", Subject: serials[i].String()}
			if err := db.StoreCertificate(ctx, benchCert(serials[i], refs[i], i), refs[i], ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	fmt.Println(os.Getenv("SCRATCH_PRAGMA"), res.String())
}
