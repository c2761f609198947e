// Package errs defines certcenter's stable error codes: each code has an HTTP status and a
// message and a hint in Korean and English. Codes are strings that never change meaning and
// are never reused. Internal errors show users a generic message and a request ID, never
// their detail (the detail goes to the log, without personal data).
//
// errs does not log, does not render HTTP (httpapi does) and does not know about CLIs.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable, machine-readable error code such as "AUTH_CODE_INVALID".
type Code string

// Error is a coded error. Detail is an English, developer-facing explanation that may be
// shown to the caller; Err is the wrapped cause (never shown for internal errors).
type Error struct {
	Code   Code
	Detail string
	Err    error
	// Params fill placeholders like {date} in the localized message and hint.
	Params map[string]string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, errs.AuthCodeInvalid) work for any *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Detail == "" && t.Err == nil
	}
	return false
}

// New returns an *Error with the code and a formatted detail.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the code wrapping err.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...), Err: err}
}

// With returns a copy of e with a placeholder value set.
func (e *Error) With(key, value string) *Error {
	c := *e
	c.Params = make(map[string]string, len(e.Params)+1)
	for k, v := range e.Params {
		c.Params[k] = v
	}
	c.Params[key] = value
	return &c
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Lang is a user language.
type Lang string

const (
	Korean  Lang = "ko"
	English Lang = "en"
)

// Text is the localized message and hint of a code.
type Text struct{ Message, Hint string }

// Def describes a code: its HTTP status and its texts.
type Def struct {
	Status int
	Ko, En Text
}

// Registry of every code. A test checks each has a status and both languages.
var defs = map[Code]Def{}

func def(code Code, status int, ko, en Text) Code {
	if _, dup := defs[code]; dup {
		panic("errs: duplicate code " + code)
	}
	defs[code] = Def{Status: status, Ko: ko, En: en}
	return code
}

// Lookup returns the definition of code; unknown codes are reported as Internal.
func Lookup(code Code) Def {
	if d, ok := defs[code]; ok {
		return d
	}
	return defs[Internal]
}

// Codes lists every registered code.
func Codes() []Code {
	out := make([]Code, 0, len(defs))
	for c := range defs {
		out = append(out, c)
	}
	return out
}

// Localize returns the message and hint of err's code in lang, with placeholders filled.
func Localize(err error, lang Lang) Text {
	code := CodeOf(err)
	d := Lookup(code)
	t := d.En
	if lang == Korean {
		t = d.Ko
	}
	var e *Error
	if errors.As(err, &e) {
		for k, v := range e.Params {
			t.Message = strings.ReplaceAll(t.Message, "{"+k+"}", v)
			t.Hint = strings.ReplaceAll(t.Hint, "{"+k+"}", v)
		}
	}
	return t
}

// Status returns the HTTP status for err.
func Status(err error) int { return Lookup(CodeOf(err)).Status }

// Sentinel returns a comparable *Error for errors.Is checks: errors.Is(err, errs.Sentinel(errs.AuthCodeInvalid)).
func Sentinel(code Code) *Error { return &Error{Code: code} }

// ParseLang picks Korean or English from an Accept-Language header or a locale such as
// "ko_KR.UTF-8"; anything else is English.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	best, bestQ := English, -1.0
	for _, part := range strings.Split(s, ",") {
		tag, q := part, 1.0
		if i := strings.Index(part, ";"); i >= 0 {
			tag = part[:i]
			var f float64
			if _, err := fmt.Sscanf(strings.TrimSpace(part[i+1:]), "q=%g", &f); err == nil {
				q = f
			}
		}
		tag = strings.TrimSpace(tag)
		var l Lang
		switch {
		case strings.HasPrefix(tag, "ko"):
			l = Korean
		case strings.HasPrefix(tag, "en"), tag == "*":
			l = English
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
