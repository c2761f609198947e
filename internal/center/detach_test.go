package center_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

// leavingCA stands for the authority; its Issue runs as the client goes away (the
// request's context is cancelled at that moment) and reports what it was given.
type leavingCA struct {
	center.Authority
	leave  func()
	gotErr error
}

func (a *leavingCA) Issue(ctx context.Context, req ca.IssueRequest) (*ca.Issued, error) {
	a.leave()
	a.gotErr = ctx.Err()
	if a.gotErr != nil {
		return nil, a.gotErr
	}
	return &ca.Issued{Record: model.Certificate{Serial: model.Serial{1}}}, nil
}

// An issuance whose client went away after the claim still completes: its retry must
// find the certificate, not a claim held until the lease ends (issue 17, 2).
func TestIssuanceOutlivesItsClient(t *testing.T) {
	ctx := context.Background()
	db, seal, _, now := newStore(t)
	reqCtx, cancel := context.WithCancel(ctx)
	auth := &leavingCA{leave: cancel}
	svc := center.New(db, seal, auth, now)
	e, err := svc.Enroll(ctx, center.EnrollRequest{Institution: "901", Name: "홍길동", IDN: "8001011234567", Kind: model.Personal,
		Usage: model.Banking, Verification: "in-person", TellerID: "T-1", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.IssueWithCode(reqCtx, e.Reference, e.AuthCode, &key.PublicKey, nil); err != nil || auth.gotErr != nil {
		t.Fatalf("IssueWithCode after the client left = %v (the authority saw %v), want the issuance to go on", err, auth.gotErr)
	}
}
