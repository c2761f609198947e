package console

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// The CA operator's pages beyond the audit log and staff: institutions (created here,
// their first API key shown once; an API key revoked outright) and one operations page
// with the CA certificates and their expiry, the CRL partitions, the freshness of the
// pre-signed OCSP responses, the notification and reminder queues, and the nodes with
// the holder of the revocation publisher lock. Every figure is read from the database
// (and the CA certificates stored there) when the page is asked for.

// OpsStore is what the operator's pages read and change beyond Store (sqlstore.DB).
// CreateInstitution returns store.ErrConflict for a code in use; RevokeAPIKey
// store.ErrNotFound for an unknown institution and store.ErrConflict for a key already
// revoked.
type OpsStore interface {
	CreateInstitution(ctx context.Context, in model.Institution, ev model.AuditEvent) error
	RevokeAPIKey(ctx context.Context, code string, ev model.AuditEvent) error
	APIKeyRevokedAt(ctx context.Context, code string) (time.Time, error)
	InstitutionKinds(ctx context.Context, code string) ([]model.Kind, error)
	Authorities(ctx context.Context) ([]model.Authority, error)
	AllCRLs(ctx context.Context) ([]model.CRL, error)
	OCSPFreshness(ctx context.Context, staleBefore time.Time) (model.OCSPFreshness, error)
	Reminders(ctx context.Context) (model.ReminderQueue, error)
	DueReminders(ctx context.Context, now time.Time, thresholds []int, limit int) ([]model.ReminderDue, error)
	NotificationStats(ctx context.Context, since time.Time) ([]model.NotificationStats, error)
	NotificationFailures(ctx context.Context, limit int) ([]model.NotificationRecord, error)
	Nodes(ctx context.Context, since time.Time) ([]model.Node, error)
}

// OpsOptions configure the operator's pages.
type OpsOptions struct {
	Store OpsStore
	// Partitions is the issuing CA's configured CRL partition count (a partition
	// without a stored CRL is shown as such).
	Partitions int
	// CRLValidity and OCSPValidity are the revocation service's (revocation.Service.
	// Validity): a pre-signed response is refreshed when half of OCSPValidity passed.
	CRLValidity, OCSPValidity time.Duration
	// NodeBeat is how often nodes record their heartbeat; one silent for three beats is
	// shown as silent.
	NodeBeat time.Duration
}

const (
	// caWarnDays: a CA certificate with fewer days left is shown in the warning colour.
	caWarnDays = 90
	// notifyWindow is the period the notification counts cover.
	notifyWindow = 24 * time.Hour
	// dueLimit bounds the count of reminders due now ("1000+").
	dueLimit = 1000
	// nodesShown: nodes seen within this period are listed.
	nodesShown = 7 * 24 * time.Hour
)

// ---- Institutions: create, revoke an API key ----

// instExtra is what the institutions list shows beyond code, name and overlap.
type instExtra struct {
	ShortName string
	Kinds     []string // kinds of certificate issued: personal, corporate
	RevokedAt time.Time
}

func (h *Handler) instExtra(ctx context.Context, in model.Institution) (instExtra, error) {
	x := instExtra{ShortName: in.ShortName}
	kinds, err := h.o.Ops.Store.InstitutionKinds(ctx, in.Code)
	if err != nil {
		return x, err
	}
	for _, k := range kinds {
		x.Kinds = append(x.Kinds, string(k))
	}
	x.RevokedAt, err = h.o.Ops.Store.APIKeyRevokedAt(ctx, in.Code)
	return x, err
}

type newInstView struct {
	Code, Name, ShortName string
	// ErrCode is the error code of a refused submission (also in the error summary).
	ErrCode string
}

func (h *Handler) newInstitutionForm(q *req) {
	q.render(200, "institution_new", "console.inst_new_title", newInstView{})
}

var (
	instCode  = regexp.MustCompile(`^[0-9]{3}$`)
	shortName = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,15}$`)
)

// validInstitution checks the form; the first error's code is the answer's, every
// field's error is listed.
func validInstitution(v newInstView) (errs.Code, map[string]errs.Code) {
	bad := map[string]errs.Code{}
	if !instCode.MatchString(v.Code) {
		bad["code"] = errs.InstitutionCodeInvalid
	}
	if n := utf8.RuneCountInString(v.Name); n < 1 || n > 40 || !utf8.ValidString(v.Name) || strings.IndexFunc(v.Name, unicode.IsControl) >= 0 {
		bad["name"] = errs.InstitutionNameInvalid
	}
	if !shortName.MatchString(v.ShortName) {
		bad["short"] = errs.InstitutionShortNameInvalid
	}
	for _, f := range []string{"code", "name", "short"} {
		if c, ok := bad[f]; ok {
			return c, bad
		}
	}
	return "", nil
}

// createInstitutionPost creates an institution with its first API key, shown once on
// the institutions page.
func (h *Handler) createInstitutionPost(q *req) {
	ctx := q.r.Context()
	v := newInstView{Code: strings.TrimSpace(q.r.PostFormValue("code")), Name: strings.TrimSpace(q.r.PostFormValue("name")),
		ShortName: strings.TrimSpace(q.r.PostFormValue("short"))}
	code, bad := validInstitution(v)
	if code == "" {
		if _, err := h.o.Directory.Institution(ctx, v.Code); err == nil {
			code, bad = errs.InstitutionExists, map[string]errs.Code{"code": errs.InstitutionExists}
		} else if !errors.Is(err, store.ErrNotFound) {
			q.fail(err)
			return
		}
	}
	if code == "" {
		key := center.NewAPIKey(v.Code)
		in := model.Institution{Code: v.Code, Name: v.Name, ShortName: v.ShortName, APIKeyHash: center.HashAPIKey(key), CreatedAt: h.o.Now()}
		ev := model.AuditEvent{Type: "console.institution_created", Actor: q.actor(), Institution: v.Code, Subject: v.Code,
			Details: map[string]string{"name": v.Name, "shortName": v.ShortName}}
		err := h.o.Ops.Store.CreateInstitution(ctx, in, ev)
		if errors.Is(err, store.ErrConflict) {
			code, bad = errs.InstitutionExists, map[string]errs.Code{"code": errs.InstitutionExists}
		} else if err != nil {
			q.fail(err)
			return
		} else {
			q.s.Set("newkey", key)
			q.s.Set("newkey_code", v.Code)
			q.s.Set("notice", "console.inst_created")
			if err := h.o.Sessions.Save(ctx, q.s); err != nil {
				q.fail(err)
				return
			}
			q.redirect("/console/institutions")
			return
		}
	}
	v.ErrCode = string(code)
	var fe []web.FieldError
	for _, f := range []string{"code", "name", "short"} {
		if c, ok := bad[f]; ok {
			t := q.l.Err(errs.New(c, ""))
			fe = append(fe, web.FieldError{Field: "inst-" + f, Message: t.Message + " " + t.Hint})
		}
	}
	p := q.page("console.inst_new_title", q.view(v))
	p.Errors = fe
	h.tmpl.Render(q.w, errs.Status(errs.New(code, "")), "institution_new", p)
}

// revokeKeyPost revokes the institution's API key and any old key in its overlap, at
// once; the institution has no working key until an operator issues a new one.
func (h *Handler) revokeKeyPost(q *req) {
	ctx := q.r.Context()
	code := q.r.PathValue("code")
	if _, err := h.o.Directory.Institution(ctx, code); err != nil {
		q.fail(errs.New(errs.ConsoleNotFound, ""))
		return
	}
	if q.r.PostFormValue("confirm") != "yes" {
		q.fail(errs.New(errs.ConfirmRequired, "revoke the API key of %s", code))
		return
	}
	ev := model.AuditEvent{Type: "console.api_key_revoked", Actor: q.actor(), Institution: code, Subject: code}
	err := h.o.Ops.Store.RevokeAPIKey(ctx, code, ev)
	if errors.Is(err, store.ErrConflict) {
		q.fail(errs.New(errs.APIKeyRevoked, "%s", code))
		return
	}
	if err != nil {
		q.fail(err)
		return
	}
	q.s.Set("notice", "console.inst_key_revoked")
	h.o.Sessions.Save(ctx, q.s)
	q.redirect("/console/institutions")
}

// ---- Operations ----

type caRow struct {
	Role, Subject, Serial, KeySource string
	NotBefore, NotAfter              time.Time
	DaysLeft                         int
	Level                            string // ok, warn (under 90 days), bad (expired)
}

type crlRow struct {
	Issuer           string
	Partition        int
	Full, Missing    bool
	Number           int64
	ThisUpdate, Next time.Time
	Bytes, Entries   int
	Stale            bool
	ParseError       bool
}

type ocspView struct {
	model.OCSPFreshness
	Refresh      time.Duration // a response older than this is re-signed
	RefreshHours int
	NextRefresh  time.Time // when the oldest response is due (now, if overdue)
}

type nodeRow struct {
	model.Node
	Live  bool
	Since time.Time // PublisherSince, or zero
}

type opsView struct {
	Now           time.Time
	CAs           []caRow
	CRLs          []crlRow
	OCSP          ocspView
	Channels      []model.NotificationStats
	Failures      []model.NotificationRecord
	Reminders     model.ReminderQueue
	RemindersDue  int
	DueMore       bool
	Nodes         []nodeRow
	Publisher     *nodeRow
	PublisherLive bool
}

// CALevel is a CA certificate's whole days left at now and its colour on the page:
// "ok", "warn" under 90 days (time to plan the renewal: a new issuing CA must be in
// place before certificates would outlive it), "bad" once expired.
func CALevel(notAfter, now time.Time) (int, string) {
	if !now.Before(notAfter) {
		return 0, "bad"
	}
	days := int(notAfter.Sub(now).Hours() / 24)
	if days < caWarnDays {
		return days, "warn"
	}
	return days, "ok"
}

// keySource names where a CA key is, never the key: "PKCS#11: label=..." or "file: ...".
func keySource(ref string) string {
	if rest, ok := strings.CutPrefix(ref, "pkcs11:"); ok {
		return "PKCS#11: " + rest
	}
	return "file: " + strings.TrimPrefix(ref, "file:")
}

func (h *Handler) operationsPage(q *req) {
	ctx := q.r.Context()
	st := h.o.Ops.Store
	now := h.o.Now()
	v := opsView{Now: now}

	auths, err := st.Authorities(ctx)
	if err != nil {
		q.fail(err)
		return
	}
	for _, a := range auths {
		c, err := x509.ParseCertificate(a.CertDER)
		if err != nil {
			q.fail(err)
			return
		}
		r := caRow{Role: string(a.Role), Subject: model.SubjectString(c), Serial: hex.EncodeToString(c.SerialNumber.Bytes()),
			KeySource: keySource(a.KeyRef), NotBefore: c.NotBefore, NotAfter: c.NotAfter}
		r.DaysLeft, r.Level = CALevel(c.NotAfter, now)
		v.CAs = append(v.CAs, r)
	}

	crls, err := st.AllCRLs(ctx)
	if err != nil {
		q.fail(err)
		return
	}
	seen := map[int]bool{}
	issuing := ""
	for _, a := range auths {
		if a.Role == model.RoleIssuing {
			issuing = a.ID
		}
	}
	for _, c := range crls {
		r := crlRow{Issuer: c.IssuerID, Partition: c.Partition, Full: c.Partition == model.FullCRL, Number: c.Number,
			ThisUpdate: c.ThisUpdate, Next: c.NextUpdate, Bytes: len(c.DER), Stale: !now.Before(c.NextUpdate)}
		if l, err := x509.ParseRevocationList(c.DER); err == nil {
			r.Entries = len(l.RevokedCertificateEntries)
		} else {
			r.ParseError = true
		}
		if c.IssuerID == issuing {
			seen[c.Partition] = true
		}
		v.CRLs = append(v.CRLs, r)
	}
	for p := 0; p < h.o.Ops.Partitions; p++ {
		if !seen[p] && issuing != "" {
			v.CRLs = append(v.CRLs, crlRow{Issuer: issuing, Partition: p, Missing: true})
		}
	}

	refresh := h.o.Ops.OCSPValidity / 2
	f, err := st.OCSPFreshness(ctx, now.Add(-refresh))
	if err != nil {
		q.fail(err)
		return
	}
	v.OCSP = ocspView{OCSPFreshness: f, Refresh: refresh, RefreshHours: int(refresh.Hours())}
	if f.Count > 0 {
		v.OCSP.NextRefresh = f.Oldest.Add(refresh)
		if v.OCSP.NextRefresh.Before(now) {
			v.OCSP.NextRefresh = now
		}
	}

	if v.Channels, err = st.NotificationStats(ctx, now.Add(-notifyWindow)); err != nil {
		q.fail(err)
		return
	}
	if v.Failures, err = st.NotificationFailures(ctx, 10); err != nil {
		q.fail(err)
		return
	}
	if v.Reminders, err = st.Reminders(ctx); err != nil {
		q.fail(err)
		return
	}
	due, err := st.DueReminders(ctx, now, center.ReminderThresholds, dueLimit)
	if err != nil {
		q.fail(err)
		return
	}
	v.RemindersDue, v.DueMore = len(due), len(due) >= dueLimit

	nodes, err := st.Nodes(ctx, now.Add(-nodesShown))
	if err != nil {
		q.fail(err)
		return
	}
	for _, n := range nodes {
		r := nodeRow{Node: n, Live: now.Sub(n.LastSeenAt) <= 3*h.o.Ops.NodeBeat}
		if n.PublisherSince != nil {
			r.Since = *n.PublisherSince
		}
		v.Nodes = append(v.Nodes, r)
	}
	for i := range v.Nodes {
		if n := &v.Nodes[i]; n.PublisherSince != nil && (v.Publisher == nil || n.LastSeenAt.After(v.Publisher.LastSeenAt)) {
			v.Publisher = n
		}
	}

	q.event("console.operations_viewed", "", nil)
	q.render(200, "operations", "console.ops_title", v)
}
