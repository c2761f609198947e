package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
)

// Password hashing: argon2id with OWASP's minimum for interactive logins (19 MiB, two
// passes, one lane), stored as a PHC string so that the parameters can be raised later
// without invalidating old hashes.
const (
	argonMemory = 19 * 1024
	argonTime   = 2
	argonLanes  = 1
	argonKeyLen = 32
)

// HashPassword returns the argon2id PHC string of pw with a fresh salt.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonLanes, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonLanes,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether pw matches the PHC string. A malformed hash, or one
// whose parameters are outside sane bounds (a tampered row must not make the server
// allocate gigabytes), never matches.
func CheckPassword(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	if m < 8*1024 || m > 256*1024 || t < 1 || t > 10 || p < 1 || p > 8 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when the login name is unknown, so that an unknown name and a
// wrong password take the same time.
var dummyHash = HashPassword("certcenter-no-such-user")

// TOTP (RFC 6238): HMAC-SHA-1, 30-second steps, 6 digits; a code of the previous or
// the next step is accepted too (clock skew).
const (
	totpStep   = 30
	totpDigits = 6
)

// totpAt is the RFC 4226 HOTP value of secret at counter, with digits digits.
func totpAt(secret []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for i := 0; i < digits; i++ {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// TOTP is the code of secret at t.
func TOTP(secret []byte, t time.Time) string {
	return totpAt(secret, uint64(t.Unix()/totpStep), totpDigits)
}

// CheckTOTP reports whether code is secret's code at t, one step before or after.
func CheckTOTP(secret []byte, code string, t time.Time) bool {
	_, ok := MatchTOTP(secret, code, t)
	return ok
}

// MatchTOTP returns the time step whose code code is (t's, or one before or after).
func MatchTOTP(secret []byte, code string, t time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits {
		return 0, false
	}
	if _, err := strconv.Atoi(code); err != nil {
		return 0, false
	}
	step := t.Unix() / totpStep
	var found int64
	ok := 0
	for d := int64(-1); d <= 1; d++ {
		m := subtle.ConstantTimeCompare([]byte(totpAt(secret, uint64(step+d), totpDigits)), []byte(code))
		if m == 1 {
			found = step + d
		}
		ok |= m
	}
	return found, ok == 1
}

// NeedsTOTP reports whether role must sign in with a second factor.
func NeedsTOTP(role string) bool { return role == model.RoleSupervisor || role == model.RoleOperator }

// ValidRole reports whether role is one of the four and fits scope: tellers and
// supervisors belong to an institution, operators and auditors to the CA.
func ValidRole(role, scope string) bool {
	switch role {
	case model.RoleTeller, model.RoleSupervisor:
		return scope != model.StaffScopeCA
	case model.RoleOperator, model.RoleAuditor:
		return scope == model.StaffScopeCA
	}
	return false
}

func totpBinding(id string) string { return "staff-totp:" + id }

// NewAccount is a staff account made by `certcenter staff add`: the account to store,
// its one-time password and, for roles that need it, the TOTP secret (base32) and its
// otpauth URI. None of these is stored in clear.
type NewAccount struct {
	Staff      model.Staff
	Password   string
	TOTPSecret string
	OTPAuthURI string
}

// MakeAccount creates the account of name with role in scope, at now.
func MakeAccount(seal *sealer.Sealer, scope, name, role string, now time.Time) (*NewAccount, error) {
	if !ValidRole(role, scope) {
		return nil, errs.New(errs.ConsoleBadInput, "role %q does not fit scope %q", role, scope)
	}
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n/") {
		return nil, errs.New(errs.ConsoleBadInput, "staff name %q", name)
	}
	id := newID("st_")
	pw := randomPassword()
	out := &NewAccount{Password: pw, Staff: model.Staff{ID: id, Scope: scope, Name: name, Role: role,
		PasswordHash: HashPassword(pw), CreatedAt: now}}
	if NeedsTOTP(role) {
		secret := make([]byte, 20)
		rand.Read(secret)
		c, err := seal.Seal("staff-totp", totpBinding(id), secret)
		if err != nil {
			return nil, err
		}
		out.Staff.TOTPCipher = c
		out.TOTPSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
		label := url.PathEscape("certcenter:" + scope + "/" + name)
		out.OTPAuthURI = "otpauth://totp/" + label + "?secret=" + out.TOTPSecret +
			"&issuer=certcenter&algorithm=SHA1&digits=6&period=30"
	}
	return out, nil
}

// randomPassword is 20 characters from an alphabet without look-alikes (about 115 bits).
func randomPassword() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	out := make([]byte, 0, 20)
	var b [1]byte
	for len(out) < 20 {
		rand.Read(b[:])
		if int(b[0]) < 256-256%len(alphabet) { // no modulo bias
			out = append(out, alphabet[int(b[0])%len(alphabet)])
		}
	}
	return string(out)
}

func newID(prefix string) string {
	b := make([]byte, 10)
	rand.Read(b)
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
