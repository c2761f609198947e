package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/errs"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func TestCataloguesHaveTheSameKeysAndPlaceholders(t *testing.T) {
	ko, en := catalogues[errs.Korean], catalogues[errs.English]
	for k, v := range ko {
		e, ok := en[k]
		if !ok {
			t.Errorf("key %q is in ko.json only", k)
			continue
		}
		if a, b := sortedPlaceholders(v), sortedPlaceholders(e); a != b {
			t.Errorf("key %q: placeholders %s in Korean, %s in English", k, a, b)
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("key %q has an empty message", k)
		}
	}
	for k := range en {
		if _, ok := ko[k]; !ok {
			t.Errorf("key %q is in en.json only", k)
		}
	}
}

func sortedPlaceholders(s string) string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, ",")
}

// Every message a template, a script or a handler names exists (a missing key would
// show as itself on the page).
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.[TF] "([a-z0-9_]+\.[a-z0-9_.-]+)"`),   // templates
	regexp.MustCompile(`msg\('([a-z0-9_]+\.[a-z0-9_.-]+)'`),     // scripts
	regexp.MustCompile(`l\.[TF]\("([a-z0-9_]+\.[a-z0-9_.-]+)"`), // handlers
	regexp.MustCompile(`page\("([a-z0-9_]+\.[a-z0-9_.-]+)"`),    // page titles
	regexp.MustCompile(`Title: "([a-z0-9_]+\.[a-z0-9_.-]+)"`),   // page titles
	regexp.MustCompile(`scriptPage\("[a-z]+", "([a-z0-9_.]+)"`), // page titles
}

func TestEveryMessageUsedExists(t *testing.T) {
	uses := map[string]string{}
	scan := func(name string, b []byte) {
		for _, re := range keyUses {
			for _, m := range re.FindAllSubmatch(b, -1) {
				uses[string(m[1])] = name
			}
		}
	}
	fs.WalkDir(uiFS, "ui", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".js")) {
			b, _ := uiFS.ReadFile(p)
			scan(p, b)
		}
		return nil
	})
	filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			b, _ := os.ReadFile(p)
			scan(p, b)
		}
		return nil
	})
	if len(uses) < 100 {
		t.Fatalf("found only %d message uses: the scan is broken", len(uses))
	}
	for k, where := range uses {
		if strings.HasSuffix(k, "_") || strings.HasSuffix(k, ".") {
			continue // a prefix completed at run time (js.status_ + status)
		}
		if _, ok := catalogues[errs.Korean][k]; !ok {
			t.Errorf("%s uses %q, which the catalogues lack", where, k)
		}
	}
}
