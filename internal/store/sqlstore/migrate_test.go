package sqlstore

import (
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Both dialects' migration folders carry the same version numbers, so a schema version
// means the same thing on either database.
func TestMigrationVersionsMatch(t *testing.T) {
	versions := func(d dialect) []int64 {
		fsys, err := migrationsFS(d)
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		var vs []int64
		for _, n := range names {
			prefix, _, ok := strings.Cut(n, "_")
			v, err := strconv.ParseInt(prefix, 10, 64)
			if !ok || err != nil {
				t.Errorf("%s migration %q is not named NNNNN_name.sql", d.name, n)
				continue
			}
			vs = append(vs, v)
		}
		if len(vs) == 0 {
			t.Errorf("%s: no migrations", d.name)
		}
		return vs
	}
	pg, lite := versions(postgresDialect), versions(sqliteDialect)
	if !reflect.DeepEqual(pg, lite) {
		t.Errorf("migration versions differ: postgres %v, sqlite %v", pg, lite)
	}
}
