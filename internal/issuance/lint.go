package issuance

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3/lint"
	_ "github.com/zmap/zlint/v3/lints/rfc" // registers the RFC 5280 lints; the other zlint sources are not linked in
)

// ErrLint: a certificate failed an error-level lint and was not signed. The error is a
// *LintError naming the lints; errors.Is(err, ErrLint) holds.
var ErrLint = errors.New("issuance: certificate failed lint")

// Level is the severity of a lint finding.
type Level int

const (
	Notice Level = iota + 1
	Warning
	Failure // error or fatal: the certificate is refused
)

func (l Level) String() string {
	switch l {
	case Notice:
		return "notice"
	case Warning:
		return "warning"
	case Failure:
		return "error"
	}
	return fmt.Sprintf("level(%d)", int(l))
}

// Finding is one lint that did not pass.
type Finding struct {
	Lint   string // zlint name (e_..., w_..., n_...) or a Korean-profile lint (k_...)
	Level  Level
	Detail string
}

func (f Finding) String() string {
	if f.Detail == "" {
		return f.Lint + " (" + f.Level.String() + ")"
	}
	return f.Lint + " (" + f.Level.String() + "): " + f.Detail
}

// LintError lists the error-level findings that refused a certificate.
type LintError struct {
	Findings []Finding
}

// Names returns the names of the failed lints, sorted.
func (e *LintError) Names() []string {
	var n []string
	for _, f := range e.Findings {
		n = append(n, f.Lint)
	}
	sort.Strings(n)
	return n
}

func (e *LintError) Error() string {
	var s []string
	for _, f := range e.Findings {
		s = append(s, f.String())
	}
	return ErrLint.Error() + ": " + strings.Join(s, "; ")
}

func (e *LintError) Is(target error) bool { return target == ErrLint }

// zlintExcluded are the RFC 5280 lints that contradict the Korean profile, each with the
// reason. A correct Korean certificate passes every other RFC 5280 lint with no finding
// at all (TestLintCleanCertificates). Checked against zlint v3.7.3: on a correct
// subscriber certificate only the lint below fires; critical certificatePolicies, a SAN
// with only an otherName and the lowercase country "kr" raise nothing in the RFC 5280 set
// (the lints that object to them are CA/Browser Forum lints, not linked in).
var zlintExcluded = map[string]string{
	// RFC 5280 section 4.2.1.4: explicitText SHOULD be a UTF8String. Korean CAs write a
	// BMPString and Korean client software displays it (KOREAN-PKI.md section 6; the
	// yessign test certificate), so the profile requires BMPString and
	// k_certificate_policies checks it. A warning only, excluded to keep results clean.
	"w_ext_cert_policy_explicit_text_not_utf8": "KOREAN-PKI.md section 6 requires a BMPString userNotice",
}

// notInSubscriberProfile are name fragments of RFC 5280 lints about extensions and
// subject attributes that a subscriber certificate of this profile cannot contain:
// k_extensions admits exactly AKI, SKI, keyUsage, certificatePolicies, SAN, CRL DP and
// AIA, and k_subject_rdn_order exactly C, O, OU, OU, CN. Such lints can only answer
// "not applicable", yet each costs a constructor and an applicability check per
// certificate (together about a third of zlint's time on a subscriber certificate).
// They still run on CA certificates. Time-encoding, key-usage and every other lint
// whose applicability depends on the data (e.g. GeneralizedTime after 2049) stay.
var notInSubscriberProfile = []string{
	"_ian_",                  // issuerAltName
	"name_constraint",        // nameConstraints (CA only)
	"policy_map",             // policyMappings (CA only)
	"policy_constraints",     // policyConstraints (CA only)
	"inhibit_any_policy",     // inhibitAnyPolicy (CA only)
	"freshest_crl",           // freshestCRL
	"subject_directory_attr", // subjectDirectoryAttributes
	"subject_info_access",    // subjectInfoAccess
	"subject_dn_serial_number", "subject_email", "subj_email", "given_name", "surname",
	"locality_name", "postal_code", "state_name", "street_address", // subject attributes
}

// Linter runs zlint's RFC 5280 lints. Build it once (NewLinter) and share it: filtering
// the registry costs far more than linting a certificate. It is safe for concurrent use.
type Linter struct {
	lints      []*lint.CertificateLint // for CA and responder certificates
	subscriber []*lint.CertificateLint // lints minus notInSubscriberProfile
	cfg        lint.Configuration
}

// NewLinter builds the registry of zlint lints whose source is RFC 5280, minus the
// exclusions in zlintExcluded.
func NewLinter() (*Linter, error) {
	exclude := make([]string, 0, len(zlintExcluded))
	for name := range zlintExcluded {
		exclude = append(exclude, name)
	}
	reg, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280},
		ExcludeNames:   exclude,
	})
	if err != nil {
		return nil, fmt.Errorf("issuance: build lint registry: %w", err)
	}
	all := reg.CertificateLints().Lints()
	var sub []*lint.CertificateLint
next:
	for _, zl := range all {
		for _, frag := range notInSubscriberProfile {
			if strings.Contains(zl.Name, frag) {
				continue next
			}
		}
		sub = append(sub, zl)
	}
	return &Linter{lints: all, subscriber: sub, cfg: reg.GetConfiguration()}, nil
}

// Len returns the number of zlint lints run on each CA certificate and on each
// subscriber certificate.
func (l *Linter) Len() (ca, subscriber int) { return len(l.lints), len(l.subscriber) }

// run lints c with every selected lint and returns the findings that did not pass (NA
// and NE are not findings).
func (l *Linter) run(c *zx509.Certificate) []Finding { return l.runSet(l.lints, c) }

// runSubscriber lints a subscriber certificate of this profile.
func (l *Linter) runSubscriber(c *zx509.Certificate) []Finding { return l.runSet(l.subscriber, c) }

func (l *Linter) runSet(set []*lint.CertificateLint, c *zx509.Certificate) []Finding {
	var out []Finding
	for _, zl := range set {
		if f, ok := l.runOne(zl, c); ok {
			out = append(out, f)
		}
	}
	return out
}

// runOne runs one lint; ok is false when it passed or did not apply.
func (l *Linter) runOne(zl *lint.CertificateLint, c *zx509.Certificate) (Finding, bool) {
	r := zl.Execute(c, l.cfg)
	var lv Level
	switch r.Status {
	case lint.Notice:
		lv = Notice
	case lint.Warn:
		lv = Warning
	case lint.Error, lint.Fatal:
		lv = Failure
	default:
		return Finding{}, false
	}
	return Finding{Lint: zl.Name, Level: lv, Detail: r.Details}, true
}

// failures returns the error-level findings.
func failures(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Level == Failure {
			out = append(out, f)
		}
	}
	return out
}
