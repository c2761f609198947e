package console

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/web"
)

// The teller's search (고객 조회): by name and birth date or by mobile number through
// the desk's keyed-hash index (center.FindCustomers), by certificate serial or CN
// through the certificates' indexes. Results come a page at a time, keyset-paged by
// customer id (?after=<last id of the previous page>): no OFFSET, so page 5,000 costs
// what page 1 does.

// Search limits. A search longer than these is refused before any lookup.
const (
	searchPageSize = 20
	maxSearchQuery = 1024 // the whole query string, bytes
	maxSearchPhone = 20   // characters as typed, with separators
	maxSearchCN    = 128  // bytes
	maxSearchHex   = 40   // serial hex digits (20 octets, RFC 5280 section 4.1.2.2)
	maxCNCerts     = 50   // certificates one CN search reads
)

var (
	birthRe  = regexp.MustCompile(`^[0-9]{6}$`)
	phoneRe  = regexp.MustCompile(`^01[0-9]{8,9}$`)
	serialRe = regexp.MustCompile(`^[0-9a-f]+$`)
	cursorRe = regexp.MustCompile(`^cus_[0-9a-f]{32}$`)
)

type customerRow struct {
	ID, Name, IDN, Phone string
}

type searchView struct {
	Mode, Name, Birth, Phone, Serial, CN string
	Searched                             bool
	Results                              []customerRow
	// Next is the link to the next page of results; First, on a later page, to the
	// first. Incomplete: the index is still being built (center.SearchPage).
	Next, First string
	Paged       bool
	Incomplete  bool
	// Code is the refusal's stable code, shown with the error summary.
	Code string
}

// refusal is a refused search: its code, and the field the error summary links to.
type refusal struct {
	code  errs.Code
	field string
}

func (r *refusal) Error() string { return string(r.code) }

func refuse(code errs.Code, field string) error { return &refusal{code, field} }

// realBirth reports whether YYMMDD is a date in some century: month 1 to 12, a day the
// month has (29 February in years divisible by 4, as 2000 was).
func realBirth(b string) bool {
	if !birthRe.MatchString(b) {
		return false
	}
	yy := int(b[0]-'0')*10 + int(b[1]-'0')
	mm := int(b[2]-'0')*10 + int(b[3]-'0')
	dd := int(b[4]-'0')*10 + int(b[5]-'0')
	if mm < 1 || mm > 12 || dd < 1 {
		return false
	}
	year := 2000 + yy // same leap years as 19YY but for 1900, which YY 00 does not need
	return dd <= time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseSearch reads and checks the form. Refusals: CONSOLE_SEARCH_EMPTY (nothing to
// search by), CONSOLE_SEARCH_TOO_LONG, CONSOLE_SEARCH_BIRTH (not a YYMMDD date),
// CONSOLE_SEARCH_INVALID (unknown mode, not a mobile number, not hex),
// CONSOLE_SEARCH_CURSOR (a page cursor that is not a customer id).
func parseSearch(raw string, f url.Values, v *searchView) (after string, err error) {
	if len(raw) > maxSearchQuery {
		return "", refuse(errs.ConsoleSearchTooLong, "mode-"+v.Mode)
	}
	if after = f.Get("after"); after != "" && !cursorRe.MatchString(after) {
		return "", refuse(errs.ConsoleSearchCursor, "")
	}
	switch v.Mode {
	case "name":
		switch {
		case v.Name == "":
			return "", refuse(errs.ConsoleSearchEmpty, "name")
		case utf8.RuneCountInString(v.Name) > center.MaxNameLength:
			return "", refuse(errs.ConsoleSearchTooLong, "name")
		case v.Birth == "":
			return "", refuse(errs.ConsoleSearchEmpty, "birth")
		case !realBirth(v.Birth):
			return "", refuse(errs.ConsoleSearchBirth, "birth")
		}
	case "phone":
		switch {
		case v.Phone == "":
			return "", refuse(errs.ConsoleSearchEmpty, "phone")
		case len(v.Phone) > maxSearchPhone:
			return "", refuse(errs.ConsoleSearchTooLong, "phone")
		case !phoneRe.MatchString(center.SearchPhone(v.Phone)):
			return "", refuse(errs.ConsoleSearchInvalid, "phone")
		}
	case "serial":
		s := serialDigits(v.Serial)
		switch {
		case s == "":
			return "", refuse(errs.ConsoleSearchEmpty, "serial")
		case len(s) > maxSearchHex:
			return "", refuse(errs.ConsoleSearchTooLong, "serial")
		case !serialRe.MatchString(s):
			return "", refuse(errs.ConsoleSearchInvalid, "serial")
		}
	case "cn":
		switch {
		case v.CN == "":
			return "", refuse(errs.ConsoleSearchEmpty, "cn")
		case len(v.CN) > maxSearchCN:
			return "", refuse(errs.ConsoleSearchTooLong, "cn")
		}
	default:
		return "", refuse(errs.ConsoleSearchInvalid, "mode-name")
	}
	if after != "" && v.Mode != "name" && v.Mode != "phone" {
		return "", refuse(errs.ConsoleSearchCursor, "")
	}
	return after, nil
}

// serialDigits is a serial as typed, lower case, without the separators certificate
// viewers show ("3A:4F ..." or "3a 4f ...").
func serialDigits(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")))
}

// search finds the institution's customers by one of four keys. Only which key was
// used is audited, not its value.
func (h *Handler) search(q *req) {
	f := q.r.URL.Query()
	v := searchView{Mode: f.Get("mode"), Name: strings.TrimSpace(f.Get("name")), Birth: strings.TrimSpace(f.Get("birth")),
		Phone: strings.TrimSpace(f.Get("phone")), Serial: strings.TrimSpace(f.Get("serial")), CN: strings.TrimSpace(f.Get("cn"))}
	if v.Mode == "" {
		v.Mode = "name"
		q.render(200, "search", "console.search_title", v)
		return
	}
	v.Searched = true
	after, err := parseSearch(q.r.URL.RawQuery, f, &v)
	if err == nil {
		err = h.find(q, &v, after)
	}
	var rf *refusal
	if errors.As(err, &rf) {
		e := errs.New(rf.code, "")
		v.Code = string(rf.code)
		v.Searched = false
		p := q.page("console.search_title", q.view(v))
		p.Errors = []web.FieldError{{Field: rf.field, Message: q.l.Err(e).Message + " " + q.l.Err(e).Hint}}
		q.h.tmpl.Render(q.w, errs.Status(e), "search", p)
		return
	}
	if err != nil {
		q.fail(err)
		return
	}
	page := "1"
	if after != "" {
		page = "next"
	}
	q.event("console.search", v.Mode, map[string]string{"by": v.Mode, "results": itoa(len(v.Results)), "page": page})
	q.render(200, "search", "console.search_title", v)
}

// find fills v.Results with the page of customers matching the search.
func (h *Handler) find(q *req, v *searchView, after string) error {
	ctx := q.r.Context()
	switch v.Mode {
	case "name", "phone":
		sq := center.SearchQuery{Name: v.Name, Birth: v.Birth}
		if v.Mode == "phone" {
			sq = center.SearchQuery{Phone: v.Phone}
		}
		page, err := h.o.Desk.FindCustomers(ctx, q.inst, sq, after, searchPageSize)
		if err != nil {
			return err
		}
		for _, c := range page.Customers {
			v.Results = append(v.Results, resultRow(c))
		}
		v.Incomplete = page.Incomplete
		if page.Next != "" {
			v.Next = pageLink(q.r.URL.Query(), page.Next)
		}
		if after != "" {
			v.First, v.Paged = pageLink(q.r.URL.Query(), ""), true
		}
		return nil
	case "serial":
		hx := serialDigits(v.Serial)
		if len(hx)%2 == 1 {
			hx = "0" + hx // as typed from a viewer that drops the leading zero
		}
		s, err := model.ParseSerial(hx)
		if err != nil {
			return refuse(errs.ConsoleSearchInvalid, "serial")
		}
		c, err := h.o.Store.Certificate(ctx, s)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return h.certCustomers(q, v, []model.Certificate{c})
	case "cn":
		certs, err := h.o.Store.CertificatesByCommonName(ctx, q.inst.Code, v.CN, maxCNCerts)
		if err != nil {
			return err
		}
		return h.certCustomers(q, v, certs)
	}
	return refuse(errs.ConsoleSearchInvalid, "mode-name")
}

// certCustomers adds the customers of certificates of the member's institution, once
// each; another institution's certificate or customer is not shown.
func (h *Handler) certCustomers(q *req, v *searchView, certs []model.Certificate) error {
	ctx := q.r.Context()
	seen := map[string]bool{}
	for _, c := range certs {
		if c.InstitutionCode != q.inst.Code || c.EnrollmentRef == "" {
			continue
		}
		id, err := h.o.Store.EnrollmentCustomer(ctx, c.EnrollmentRef)
		if errors.Is(err, store.ErrNotFound) || (err == nil && id == "") {
			continue // a counter enrollment without a customer record
		}
		if err != nil {
			return err
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		cr, err := h.o.Desk.Customer(ctx, q.inst, id)
		if err != nil {
			continue // another institution's customer: not shown
		}
		v.Results = append(v.Results, resultRow(cr))
	}
	return nil
}

func resultRow(c *center.CustomerRecord) customerRow {
	cv := c.View()
	return customerRow{ID: c.ID, Name: c.Profile.Name, IDN: cv.IDN, Phone: cv.Phone}
}

// pageLink is the search's URL with the page cursor after ("" for the first page).
func pageLink(f url.Values, after string) string {
	g := url.Values{}
	for _, k := range []string{"mode", "name", "birth", "phone"} {
		if s := f.Get(k); s != "" {
			g.Set(k, s)
		}
	}
	if after != "" {
		g.Set("after", after)
	}
	return "/console/customers?" + g.Encode()
}
