package main

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSizes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		ok   bool
	}{
		{"", nil, true},
		{"100000,1000000", []int{100000, 1000000}, true},
		{" 5 , ,7", []int{5, 7}, true},
		{"abc", nil, false},
		{"0", nil, false},
		{"''", nil, false},
	} {
		got, err := parseSizes(tc.in)
		if (err == nil) != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestFatalfExits runs fatalf in a child process: it must run the cleanups and exit 1
// with the message (it used to call itself until the stack limit).
func TestFatalfExits(t *testing.T) {
	if os.Getenv("OCSPBENCH_FATALF_CHILD") == "1" {
		cleanups = append(cleanups, func() { os.Stderr.WriteString("cleanup ran\n") })
		fatalf("ocspbench: %s", "boom")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalfExits$")
	cmd.Env = append(os.Environ(), "OCSPBENCH_FATALF_CHILD=1", "GODEBUG=", "GOMAXPROCS=1")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("fatalf did not exit within 60s\n%.500s", out)
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "cleanup ran\n") || !strings.Contains(string(out), "ocspbench: boom") {
		t.Errorf("fatalf: %v\n%.500s", err, out)
	}
}
