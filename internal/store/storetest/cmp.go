package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// CMPStore is what internal/cmphttp needs from storage: CMP transactions awaiting
// their certConf.
type CMPStore interface {
	CreateCMPTransaction(ctx context.Context, t model.CMPTransaction) error
	CMPTransaction(ctx context.Context, id []byte) (model.CMPTransaction, error)
	DeleteExpiredCMPTransactions(ctx context.Context, before time.Time) (int64, error)
}

// RunCMP runs the CMP transaction conformance tests, each on a fresh store.
func RunCMP(t *testing.T, open func(t *testing.T, now func() time.Time) CMPStore) {
	t.Run("CMPTransaction", func(t *testing.T) {
		s := open(t, NewClock(t0).Now)
		ctx := context.Background()
		pbm := model.CMPTransaction{ID: []byte{1, 2, 3, 4}, Serial: serial("cmp-1"), CertReqID: 0, Nonce: []byte("nonce-1-16-bytes"),
			Reference: "1234567890", CreatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute)}
		kur := model.CMPTransaction{ID: []byte{9, 9}, Serial: serial("cmp-2"), CertReqID: -1, Nonce: []byte{0},
			Signer: serial("cmp-old"), CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
		for _, tx := range []model.CMPTransaction{pbm, kur} {
			wantErr(t, "CreateCMPTransaction", s.CreateCMPTransaction(ctx, tx), nil)
		}
		dup := pbm
		dup.Serial = serial("cmp-3")
		wantErr(t, "CreateCMPTransaction(same ID)", s.CreateCMPTransaction(ctx, dup), store.ErrConflict)
		for _, want := range []model.CMPTransaction{pbm, kur} {
			got, err := s.CMPTransaction(ctx, want.ID)
			if err != nil {
				t.Fatalf("CMPTransaction(%x) = %v", want.ID, err)
			}
			if !bytes.Equal(got.ID, want.ID) || !bytes.Equal(got.Serial, want.Serial) || got.CertReqID != want.CertReqID ||
				!bytes.Equal(got.Nonce, want.Nonce) || got.Reference != want.Reference || !bytes.Equal(got.Signer, want.Signer) ||
				!got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
				t.Errorf("CMPTransaction(%x) = %+v, want %+v", want.ID, got, want)
			}
		}
		_, err := s.CMPTransaction(ctx, []byte{7})
		wantErr(t, "CMPTransaction(unknown)", err, store.ErrNotFound)

		n, err := s.DeleteExpiredCMPTransactions(ctx, t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredCMPTransactions(t0+1m) = %d, %v, want 1, nil", n, err)
		}
		_, err = s.CMPTransaction(ctx, kur.ID)
		wantErr(t, "CMPTransaction(deleted)", err, store.ErrNotFound)
		if _, err := s.CMPTransaction(ctx, pbm.ID); err != nil {
			t.Errorf("CMPTransaction(unexpired) = %v, want nil", err)
		}
		// The ID is free again once deleted.
		wantErr(t, "CreateCMPTransaction(deleted ID)", s.CreateCMPTransaction(ctx, kur), nil)
	})
}
