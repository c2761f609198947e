package signer

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// ResolveSecret returns the secret a reference points to:
//
//	env:NAME     the value of environment variable NAME
//	file:/path   the content of the file, without one trailing newline (\n or \r\n)
//
// A reference without one of these prefixes is refused, as is an empty secret. There is
// no inline form, not even for tests (they use t.Setenv or a temporary file): a config
// file holding a passphrase would leak it to every backup, diff and `config check`
// output. Because a refused "reference" may be a secret pasted inline, errors for it
// never echo the value; errors for env: and file: references name the variable or path,
// which are not secret.
func ResolveSecret(ref string) ([]byte, error) {
	scheme, rest, ok := strings.Cut(ref, ":")
	switch {
	case ref == "":
		return nil, fmt.Errorf("%w: empty (write env:NAME or file:/path)", ErrSecretRef)
	case ok && scheme == "env":
		if rest == "" {
			return nil, fmt.Errorf("%w: env: needs a variable name (env:NAME)", ErrSecretRef)
		}
		v, set := os.LookupEnv(rest)
		if !set {
			return nil, fmt.Errorf("%w: environment variable %s is not set", ErrSecretRef, rest)
		}
		if v == "" {
			return nil, fmt.Errorf("%w: environment variable %s is empty", ErrSecretRef, rest)
		}
		return []byte(v), nil
	case ok && scheme == "file":
		if rest == "" {
			return nil, fmt.Errorf("%w: file: needs a path (file:/path)", ErrSecretRef)
		}
		b, err := os.ReadFile(rest)
		if err != nil {
			// The *PathError names the path and the cause, never content.
			return nil, fmt.Errorf("%w: %w", ErrSecretRef, err)
		}
		// Editors and `echo x > f` add one newline; a secret never ends in one.
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		if len(b) == 0 {
			return nil, fmt.Errorf("%w: secret file %s is empty", ErrSecretRef, rest)
		}
		return b, nil
	default:
		// Do not print ref: it is probably the secret itself.
		return nil, fmt.Errorf("%w: not an env: or file: reference (value not shown; "+
			"keep secrets out of config files: write env:NAME or file:/path)", ErrSecretRef)
	}
}
