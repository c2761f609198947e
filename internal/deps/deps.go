// Package deps pins third-party modules that the project uses, so that go.mod keeps
// them while parts of the tree are being written. It is removed once every module is
// imported by real code.
package deps

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/ThalesGroup/crypto11"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/pressly/goose/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/smallstep/pkcs7"
	_ "github.com/zmap/zlint/v3"
	_ "golang.org/x/crypto/ocsp"
	_ "golang.org/x/crypto/pbkdf2"
	_ "golang.org/x/term"
	_ "modernc.org/sqlite"
	_ "software.sslmate.com/src/go-pkcs12"
)
