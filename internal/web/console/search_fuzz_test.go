package console

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/center"
)

// FuzzParseSearch: the teller's search form is outside input. Whatever the query
// string, parseSearch answers without panicking, either a refusal naming a field or a
// query within the limits; and the normalizations it leans on are idempotent.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"mode=name&name=%ED%99%8D%EA%B8%B8%EB%8F%99&birth=800101",
		"mode=phone&phone=%2B82+10-1234-5678&after=cust_0123456789abcdef",
		"mode=serial&serial=3A%3A4F", "mode=cn&cn=x", "mode=name&birth=810229", "mode=%00", "after=%ff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		v := searchView{Mode: q.Get("mode"), Name: strings.TrimSpace(q.Get("name")), Birth: strings.TrimSpace(q.Get("birth")),
			Phone: strings.TrimSpace(q.Get("phone")), Serial: strings.TrimSpace(q.Get("serial")), CN: strings.TrimSpace(q.Get("cn"))}
		after, err := parseSearch(raw, q, &v)
		var rf *refusal
		switch {
		case err != nil && !errors.As(err, &rf):
			t.Fatalf("parseSearch(%q) = %v, not a refusal", raw, err)
		case err == nil && len(raw) > maxSearchQuery:
			t.Fatalf("parseSearch accepted a %d-byte query", len(raw))
		case err == nil && after != "" && !cursorRe.MatchString(after):
			t.Fatalf("parseSearch accepted the cursor %q", after)
		case err == nil && v.Mode == "name" && (!realBirth(v.Birth) || utf8.RuneCountInString(v.Name) > center.MaxNameLength):
			t.Fatalf("parseSearch accepted name %q birth %q", v.Name, v.Birth)
		}
		for _, s := range []string{v.Name, v.Phone} {
			if n := center.SearchName(s); center.SearchName(n) != n {
				t.Fatalf("SearchName is not idempotent on %q", s)
			}
			if p := center.SearchPhone(s); center.SearchPhone(p) != p {
				t.Fatalf("SearchPhone is not idempotent on %q", s)
			}
		}
	})
}
