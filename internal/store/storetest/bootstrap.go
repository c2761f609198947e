package storetest

import (
	"reflect"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

func testBootstrap(t *testing.T, open Opener) {
	e := newEnv(t, open)
	if ok, err := e.s.Bootstrapped(e.ctx); ok || err != nil {
		t.Fatalf("Bootstrapped() on a new store = %v, %v, want false, nil", ok, err)
	}
	b := demoBootstrap()
	if err := e.s.Bootstrap(e.ctx, b, event("system.bootstrap", "bootstrap")); err != nil {
		t.Fatalf("Bootstrap() = %v, want nil", err)
	}
	if ok, err := e.s.Bootstrapped(e.ctx); !ok || err != nil {
		t.Fatalf("Bootstrapped() after Bootstrap = %v, %v, want true, nil", ok, err)
	}
	as, err := e.s.Authorities(e.ctx)
	if err != nil || !reflect.DeepEqual(as, b.Authorities) {
		t.Errorf("Authorities() = %+v, %v, want %+v (ordered by ID)", as, err, b.Authorities)
	}
	ins, err := e.s.Institutions(e.ctx)
	if err != nil || !reflect.DeepEqual(ins, b.Institutions) {
		t.Errorf("Institutions() = %+v, %v, want %+v (ordered by code)", ins, err, b.Institutions)
	}
	if got := e.verifyAudit(); len(got) != 1 || got[0].Event.Type != "system.bootstrap" || !got[0].Time.Equal(t0) {
		t.Errorf("audit after Bootstrap = %+v, want one system.bootstrap entry at %v", got, t0)
	}

	before := e.snapshot()
	again := demoBootstrap()
	again.Authorities[0].ID = "issuing2"
	wantErr(t, "second Bootstrap()", e.s.Bootstrap(e.ctx, again, event("system.bootstrap", "bootstrap")), store.ErrConflict)
	e.unchanged("second Bootstrap", before)
	if as, _ := e.s.Authorities(e.ctx); len(as) != len(b.Authorities) {
		t.Errorf("second Bootstrap stored authorities: %d, want %d", len(as), len(b.Authorities))
	}
}

// A bootstrap that fails half-way stores nothing, not even the marker.
func testBootstrapRollsBack(t *testing.T, open Opener) {
	e := newEnv(t, open)
	bad := demoBootstrap()
	bad.Institutions[1].APIKeyHash = bad.Institutions[0].APIKeyHash
	wantErr(t, "Bootstrap(duplicate API key hash)", e.s.Bootstrap(e.ctx, bad, event("system.bootstrap", "bootstrap")), store.ErrConflict)
	if ok, err := e.s.Bootstrapped(e.ctx); ok || err != nil {
		t.Errorf("Bootstrapped() after a failed Bootstrap = %v, %v, want false, nil", ok, err)
	}
	if as, err := e.s.Authorities(e.ctx); len(as) != 0 || err != nil {
		t.Errorf("Authorities() after a failed Bootstrap = %d, %v, want none", len(as), err)
	}
	if ins, err := e.s.Institutions(e.ctx); len(ins) != 0 || err != nil {
		t.Errorf("Institutions() after a failed Bootstrap = %d, %v, want none", len(ins), err)
	}
	if got := e.verifyAudit(); len(got) != 0 {
		t.Errorf("audit after a failed Bootstrap has %d entries, want 0", len(got))
	}
	if err := e.s.Bootstrap(e.ctx, demoBootstrap(), event("system.bootstrap", "bootstrap")); err != nil {
		t.Errorf("Bootstrap() after a failed one = %v, want nil", err)
	}
}

func testInstitution(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	want := demoBootstrap().Institutions[0]
	for _, tc := range []struct {
		name string
		get  func() (model.Institution, error)
		want model.Institution
		err  error
	}{
		{"by code", func() (model.Institution, error) { return e.s.Institution(e.ctx, "901") }, want, nil},
		{"unknown code", func() (model.Institution, error) { return e.s.Institution(e.ctx, "999") }, model.Institution{}, store.ErrNotFound},
		{"by key hash", func() (model.Institution, error) { return e.s.InstitutionByAPIKeyHash(e.ctx, keyHash("key-901")) }, want, nil},
		{"unknown key hash", func() (model.Institution, error) { return e.s.InstitutionByAPIKeyHash(e.ctx, keyHash("wrong")) }, model.Institution{}, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get()
			wantErr(t, tc.name, err, tc.err)
			if tc.err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s = %+v, want %+v", tc.name, got, tc.want)
			}
		})
	}
}
