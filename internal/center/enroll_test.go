package center_test

import (
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
)

// A name is refused at the desk when its CN <name>()<24 digits> would not fit 64
// characters, instead of failing later at issuance.
func TestCheckNameFitsTheCN(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"홍길동", true},
		{strings.Repeat("가", 38), true},
		{strings.Repeat("가", 39), false},
		{strings.Repeat("가", 40), false},
		{"홍(길)동", false},
	} {
		err := center.CheckName(tc.name)
		if tc.ok != (err == nil) || err != nil && errs.CodeOf(err) != errs.InvalidName {
			t.Errorf("CheckName(%d characters) = %v, want ok %v", len([]rune(tc.name)), err, tc.ok)
		}
	}
}
