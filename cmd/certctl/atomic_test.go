package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := replaceFile(p, []byte("one"), 0o600, false); err != nil {
		t.Fatalf("replaceFile(new) = %v", err)
	}
	if err := replaceFile(p, []byte("two"), 0o600, false); !errors.Is(err, errFileExists) {
		t.Errorf("replaceFile(existing, no overwrite) = %v, want errFileExists", err)
	}
	if b := mustRead(t, p); string(b) != "one" {
		t.Errorf("content after a refused replace = %q", b)
	}
	os.Chmod(p, 0o640)
	if err := replaceFile(p, []byte("three"), 0o600, true); err != nil {
		t.Fatalf("replaceFile(overwrite) = %v", err)
	}
	st, _ := os.Stat(p)
	if b := mustRead(t, p); string(b) != "three" || st.Mode().Perm() != 0o640 {
		t.Errorf("after overwrite: %q mode %v, want three 0640", b, st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := replaceFile(filepath.Join(dir, "missing", "f"), []byte("x"), 0o600, false); err == nil {
		t.Errorf("replaceFile into a missing folder succeeded")
	}
}
