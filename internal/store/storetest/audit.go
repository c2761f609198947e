package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func testAudit(t *testing.T, open Opener) {
	e := newEnv(t, open)
	if got := e.verifyAudit(); len(got) != 0 {
		t.Fatalf("a new store has %d audit entries, want 0", len(got))
	}
	var (
		want  []model.AuditEvent
		times []time.Time
	)
	for i := 0; i < 40; i++ {
		ev := model.AuditEvent{Type: "test.event", Actor: "system", Subject: fmt.Sprintf("subject-%d", i%13)}
		switch i % 3 {
		case 0: // no details
		case 1:
			ev.Details = map[string]string{}
		case 2:
			ev.Details = map[string]string{"n": fmt.Sprint(i), "메모": "값", "empty": ""}
		}
		ev.Institution = []string{"", "901"}[i%2]
		e.clock.Advance(time.Millisecond + time.Nanosecond) // nanoseconds are dropped
		if err := e.s.AppendAudit(e.ctx, ev); err != nil {
			t.Fatalf("AppendAudit(#%d) = %v", i, err)
		}
		want = append(want, ev)
		times = append(times, e.clock.Now().Truncate(time.Microsecond))
	}
	got := e.verifyAudit()
	if len(got) != len(want) {
		t.Fatalf("WalkAudit() gave %d entries, want %d", len(got), len(want))
	}
	// Within a chain entries come in append order; compare per chain.
	byChain := map[int][]int{} // chain -> indexes into want, in append order
	for i, ev := range want {
		c := audit.ChainFor(ev)
		byChain[c] = append(byChain[c], i)
	}
	for _, en := range got {
		i := byChain[en.Chain][en.Seq-1]
		if !reflect.DeepEqual(en.Event, want[i]) {
			t.Errorf("chain %d entry %d = %+v, want %+v", en.Chain, en.Seq, en.Event, want[i])
		}
		if wt := times[i]; !en.Time.Equal(wt) || en.Time.Location() != time.UTC {
			t.Errorf("chain %d entry %d time = %v, want %v UTC", en.Chain, en.Seq, en.Time, wt)
		}
		if c := audit.ChainFor(en.Event); c != en.Chain {
			t.Errorf("entry on chain %d, want audit.ChainFor = %d", en.Chain, c)
		}
	}

	// WalkAudit stops at fn's error and returns it.
	calls := 0
	err := e.s.WalkAudit(e.ctx, func(model.AuditEntry) error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("WalkAudit(fn failing) = %v after %d calls, want %v after 1", err, calls, errStop)
	}
}
