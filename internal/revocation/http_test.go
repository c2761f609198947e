package revocation

import "testing"

func TestParseCRLFile(t *testing.T) {
	for file, want := range map[string]int{"p0.crl": 0, "p15.crl": 15, "p4095.crl": 4095, "full.crl": -1} {
		if got, ok := parseCRLFile(file); !ok || got != want {
			t.Errorf("parseCRLFile(%q) = %d, %v, want %d", file, got, ok, want)
		}
	}
	for _, file := range []string{"", "p.crl", "p01.crl", "p-1.crl", "p4096.crl", "p1.der", "P1.crl", "p1.crl.crl", "p99999.crl", "full"} {
		if p, ok := parseCRLFile(file); ok {
			t.Errorf("parseCRLFile(%q) = %d, true, want false", file, p)
		}
	}
}

func TestHandleNotifyFiltersSchemaAndIssuer(t *testing.T) {
	s := &Service{issuerID: "issuing", cache: newCache(1000)}
	s.feed.seen = map[int64]struct{}{}
	s.pub.dirty = map[int]bool{}
	s.pub.kick = make(chan struct{}, 1)
	for _, p := range []string{"", "s", "s|other|1|issuing|3|0102", "s|mine|x|issuing|3|0102", "s|mine|2|root|3|0102", "c|mine|issuing|x|1", "x|mine"} {
		s.handleNotify("mine", p)
	}
	if len(s.feed.seen) != 0 {
		t.Errorf("ignored payloads were recorded: %v", s.feed.seen)
	}
	s.leader.Store(true)
	s.handleNotify("mine", "s|mine|7|issuing|3|0102")
	s.handleNotify("mine", "s|mine|7|issuing|3|0102")
	if _, ok := s.feed.seen[7]; !ok || !s.pub.dirty[3] || !s.pub.dirty[-1] {
		t.Errorf("a status notification: seen %v, dirty %v", s.feed.seen, s.pub.dirty)
	}
}
