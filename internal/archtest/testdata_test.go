package archtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoVectorsOutsideTheRepository: tests read their vectors from their package's
// testdata/, never from the shared folder beside a development checkout, which a clone
// of the public repository does not have (the tests that did skipped silently there).
func TestNoVectorsOutsideTheRepository(t *testing.T) {
	forbidden := []string{"shared" + "/testdata", "../" + "shared", "Shared" + "Testdata("}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range forbidden {
			if strings.Contains(string(b), f) {
				t.Errorf("%s mentions %q: copy the vector into the package's testdata/ with a README line naming its source", path, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
