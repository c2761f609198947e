package cmphttp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/ratelimit"
	"github.com/certcenter/certcenter/internal/store"
)

// Center is what CMP needs from the certificate center.
//
// Error contracts are center's: Secret, WrongSecret and Claim return coded errors
// (ENROLLMENT_NOT_FOUND, _USED, _LOCKED, _EXPIRED, AUTH_CODE_INVALID); IssueRedeemed
// releases the claim when it fails; ConfirmationSecret serves only used enrollments.
type Center interface {
	Secret(ctx context.Context, ref string) ([]byte, error)
	WrongSecret(ctx context.Context, ref string) error
	Claim(ctx context.Context, ref string) (*center.Redeemed, error)
	IssueRedeemed(ctx context.Context, red *center.Redeemed, pub crypto.PublicKey, r []byte) (*ca.Issued, error)
	Redeliver(ctx context.Context, ref string, pub crypto.PublicKey, r []byte) (*ca.Issued, error)
	Renew(ctx context.Context, serial model.Serial, pub crypto.PublicKey, r []byte, confirmBy *time.Time, actor string) (*ca.Issued, error)
	Revoke(ctx context.Context, inst *model.Institution, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor string) (model.Certificate, error)
	ConfirmationSecret(ctx context.Context, ref string) ([]byte, error)
}

// Authority is what CMP needs from the CA. Certificate returns store.ErrNotFound for an
// unknown serial; Confirm returns CERT_NOT_CONFIRMABLE for a certificate not awaiting
// confirmation.
type Authority interface {
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	Confirm(ctx context.Context, serial model.Serial, actor string) error
	Withdraw(ctx context.Context, serial model.Serial, actor string) error
	RevokeUnconfirmed(ctx context.Context) (int, error)
}

// Identity signs CMP messages for the authority (ca.CMPIdentity): Chain is the signer's
// certificate, the issuing CA and the root; Sign signs only a CMP ProtectedPart.
type Identity interface {
	Chain() []*x509.Certificate
	Algorithm() []byte
	Sign(protectedPart []byte) ([]byte, error)
}

// Store keeps transactions awaiting their certConf. CreateCMPTransaction returns
// store.ErrConflict for a transactionID in use; CMPTransaction store.ErrNotFound.
type Store interface {
	CreateCMPTransaction(ctx context.Context, t model.CMPTransaction) error
	CMPTransaction(ctx context.Context, id []byte) (model.CMPTransaction, error)
	DeleteExpiredCMPTransactions(ctx context.Context, before time.Time) (int64, error)
}

// Config builds a Service.
type Config struct {
	Center   Center
	CA       Authority
	Identity Identity
	Store    Store
	// ConfirmWait is how long an issued certificate waits for its certConf.
	ConfirmWait time.Duration
	Now         func() time.Time // default time.Now
	Rand        io.Reader        // nonces and PBM salts; default crypto/rand.Reader
	Log         *slog.Logger     // default slog.Default()
	// Guesses limits wrong reference numbers and codes per client (nil: no limit);
	// ClientAddr names the client of a request (default: its connection's address).
	Guesses    *ratelimit.Guesses
	ClientAddr func(*http.Request) string
}

// Service answers CMP messages. It is safe for concurrent use.
type Service struct {
	cfg     Config
	signer  *x509.Certificate // the CMP identity's certificate
	issuing *x509.Certificate // the issuing CA: issuer of every certificate we handle
	root    *x509.Certificate
	sender  cmp.GeneralName
	sigAlg  cmp.AlgorithmIdentifier
	chain   []*x509.Certificate // extraCerts: the CMP identity, the issuing CA, the root
}

// New checks the configuration and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Center == nil || cfg.CA == nil || cfg.Identity == nil || cfg.Store == nil {
		return nil, errors.New("cmphttp: Center, CA, Identity and Store are required")
	}
	if cfg.ConfirmWait <= 0 {
		return nil, errors.New("cmphttp: ConfirmWait must be positive")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Service{cfg: cfg, chain: cfg.Identity.Chain()}
	if len(s.chain) != 3 {
		return nil, errors.New("cmphttp: the CMP identity's chain is not signer, issuing CA, root")
	}
	s.signer, s.issuing, s.root = s.chain[0], s.chain[1], s.chain[2]
	s.sender = cmp.DirectoryName(s.signer.RawSubject)
	in := cryptobyte.String(cfg.Identity.Algorithm())
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1ObjectIdentifier(&s.sigAlg.Algorithm) {
		return nil, errors.New("cmphttp: the authority's CMP algorithm is not an AlgorithmIdentifier")
	}
	if !seq.Empty() {
		s.sigAlg.Parameters = append([]byte(nil), seq...)
	}
	return s, nil
}

// answer is what a handler decided; finish turns it into a protected PKIMessage.
type answer struct {
	body cmp.Body
	// secret, when set, MACs the answer (the request's MAC verified with it);
	// otherwise the CA signs it.
	secret    []byte
	implicit  bool       // grant implicitConfirm
	confirmBy *time.Time // tell confirmWaitTime
	randomNum []byte     // R drawn by the server, returned in generalInfo
	// retryAfter, when set, makes the HTTP answer 429 with this Retry-After (seconds).
	retryAfter string
	tx         *model.CMPTransaction
	// nonce, when set, is the senderNonce of a stored transaction answered again: its
	// certConf must answer that nonce.
	nonce []byte
}

// outage turns a database outage (a restart, a failover: store.ErrUnavailable) into
// SERVICE_UNAVAILABLE, which is systemUnavail: nothing was decided and the client sends
// the same message again, as REST answers 503.
func outage(err error) (error, bool) {
	if errs.CodeOf(err) == errs.Internal && errors.Is(err, store.ErrUnavailable) {
		return errs.Wrap(errs.ServiceUnavailable, err, "database unavailable"), true
	}
	return err, false
}

// reject answers err with an error message, MACed with secret when set.
func (s *Service) reject(ctx context.Context, req *cmp.Message, err error, secret []byte) answer {
	lvl := slog.LevelInfo
	if e, ok := outage(err); ok {
		err, lvl = e, slog.LevelWarn
	} else if errs.CodeOf(err) == errs.Internal && !isCMPError(err) {
		lvl = slog.LevelError
	}
	st := statusOf(err)
	s.cfg.Log.Log(ctx, lvl, "cmp request refused", "body", req.Body.Type.String(), "status", st.String(), "error", err)
	a := answer{body: cmp.ErrorBody(st), secret: secret}
	var e *errs.Error
	if errors.As(err, &e) && e.Code == errs.RateLimited {
		a.retryAfter = e.Params["wait"]
	}
	return a
}

// detached bounds the handling of a message whose client went away.
const detached = 30 * time.Second

func isCMPError(err error) bool {
	var ce *cmp.Error
	return errors.As(err, &ce)
}

// Answer handles one DER PKIMessage and returns the DER answer. It fails only when the
// request does not parse (the HTTP layer answers 400) or the answer cannot be built.
func (s *Service) Answer(ctx context.Context, der []byte) ([]byte, error) {
	out, _, err := s.answerFor(ctx, der, "")
	return out, err
}

// answerFor is Answer for a client (the key of its rate limits); retryAfter is set when
// the answer refuses it for a rate limit.
//
// Once parsed, the message is handled to its end even if the client leaves: a client
// that gave up after the claim used to hold its enrollment for the claim's lease
// (ENROLLMENT_BUSY to its own retry) and one that left after the issuance left the
// certificate without its transaction (the chaos harness's lost ir answers).
func (s *Service) answerFor(ctx context.Context, der []byte, client string) (out []byte, retryAfter string, err error) {
	req, err := cmp.Parse(der)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), detached)
	defer cancel()
	a := s.dispatch(ctx, req, client)
	out, err = s.finish(ctx, req, a)
	if err != nil && a.body.Type != cmp.BodyError {
		// The answer could not be completed (e.g. the transaction could not be stored):
		// say so, still as a PKIMessage.
		out, err = s.finish(ctx, req, s.reject(ctx, req, err, a.secret))
	}
	return out, a.retryAfter, err
}

func (s *Service) dispatch(ctx context.Context, req *cmp.Message, client string) answer {
	switch req.Body.Type {
	case cmp.BodyIR, cmp.BodyCR, cmp.BodyP10CR:
		return s.enroll(ctx, req, client)
	case cmp.BodyKUR:
		return s.renew(ctx, req)
	case cmp.BodyRR:
		return s.revoke(ctx, req)
	case cmp.BodyCertConf:
		return s.confirm(ctx, req)
	case cmp.BodyGenM:
		return s.genm(ctx, req, client)
	}
	return s.reject(ctx, req, errs.New(errs.CMPUnsupported, "body %v", req.Body.Type), nil)
}

// finish builds the reply header (RFC 4210 section 5.1.1), stores the transaction when
// a certConf is expected, and protects the reply.
func (s *Service) finish(ctx context.Context, req *cmp.Message, a answer) ([]byte, error) {
	opts := cmp.ReplyOptions{Sender: s.sender, Time: s.cfg.Now(), Rand: s.cfg.Rand, ImplicitConfirm: a.implicit,
		RandomNum: a.randomNum, ExtraCerts: s.chain}
	if a.confirmBy != nil {
		opts.ConfirmWaitTime = *a.confirmBy
	}
	msg, err := cmp.NewReply(req, a.body, opts)
	if err != nil {
		return nil, err
	}
	if a.nonce != nil {
		msg.Header.SenderNonce = a.nonce
	}
	if a.tx != nil {
		a.tx.Nonce = msg.Header.SenderNonce
		err := s.cfg.Store.CreateCMPTransaction(ctx, *a.tx)
		if errors.Is(err, store.ErrConflict) {
			// The same request sent again while this one was served (its answer seemed
			// lost) stored the transaction first, for the same certificate: answer under
			// it, so that the certConf to either answer confirms.
			if cur, err2 := s.cfg.Store.CMPTransaction(ctx, a.tx.ID); err2 == nil && bytes.Equal(cur.Serial, a.tx.Serial) {
				msg.Header.SenderNonce, err = cur.Nonce, nil
			}
		}
		if err != nil {
			return nil, fmt.Errorf("cmphttp: store transaction: %w", err)
		}
	}
	if a.secret != nil {
		p, err := req.PBMParameter()
		if err != nil {
			return nil, err
		}
		p2, err := p.WithNewSalt(s.cfg.Rand)
		if err != nil {
			return nil, err
		}
		return msg.ProtectPBM(a.secret, p2)
	}
	return s.sign(msg)
}

// sign protects msg with the authority's CMP identity (RFC 4210 section 5.1.3.3): the
// signature goes over the ProtectedPart, which is exactly the encoding of the message
// without protection and extraCerts.
func (s *Service) sign(msg *cmp.Message) ([]byte, error) {
	alg := s.sigAlg
	msg.Header.ProtectionAlg = &alg
	if msg.Header.SenderKID == nil && len(s.signer.SubjectKeyId) > 0 {
		msg.Header.SenderKID = append([]byte(nil), s.signer.SubjectKeyId...)
	}
	extra := msg.ExtraCerts
	msg.Protection, msg.ExtraCerts = nil, nil
	part, err := msg.Marshal()
	if err != nil {
		return nil, err
	}
	sig, err := s.cfg.Identity.Sign(part)
	if err != nil {
		return nil, fmt.Errorf("cmphttp: sign answer: %w", err)
	}
	msg.Protection, msg.ExtraCerts = sig, extra
	if len(msg.ExtraCerts) == 0 || msg.ExtraCerts[0] != s.signer {
		msg.ExtraCerts = append([]*x509.Certificate{s.signer}, msg.ExtraCerts...)
	}
	return msg.Marshal()
}
