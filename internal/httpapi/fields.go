package httpapi

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/errs"
)

// defaultFieldMax bounds a free-text field that declares no limit of its own, in
// characters: every name, code and identifier of the API fits in it.
const defaultFieldMax = 128

// checkFields validates every string field of a decoded request (a pointer to a
// struct, with its embedded structs, []string fields and slices of structs): valid UTF-8, no control characters,
// at most `limit:"N"` characters (defaultFieldMax without the tag). A field tagged
// `limit:"N,pem"` holds PEM or base64 text and may also contain CR, LF and tab.
// The bound is there so that a million-character tellerId never reaches an enrollment
// or the audit log, and a control character never splits a log line (issue 17).
func checkFields(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	return checkStruct(rv.Elem())
}

func checkStruct(rv reflect.Value) error {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		max, pem := defaultFieldMax, false
		if l := f.Tag.Get("limit"); l != "" {
			n, opt, _ := strings.Cut(l, ",")
			if m, err := strconv.Atoi(n); err == nil {
				max = m
			}
			pem = opt == "pem"
		}
		fv := rv.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			if err := checkStruct(fv); err != nil {
				return err
			}
		case fv.Kind() == reflect.String:
			if err := checkText(name, fv.String(), max, pem); err != nil {
				return err
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			if fv.Len() > 64 {
				return errs.New(errs.FieldInvalid, "%s has %d entries (at most 64)", name, fv.Len()).
					With("field", name).With("max", "64")
			}
			for j := 0; j < fv.Len(); j++ {
				if err := checkStruct(fv.Index(j)); err != nil {
					return err
				}
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
			if fv.Len() > 16 {
				return errs.New(errs.FieldInvalid, "%s has %d entries (at most 16)", name, fv.Len()).
					With("field", name).With("max", strconv.Itoa(max))
			}
			for j := 0; j < fv.Len(); j++ {
				if err := checkText(name, fv.Index(j).String(), max, pem); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkText applies checkFields' rule to one value.
func checkText(name, s string, max int, pem bool) error {
	bad := func(why string) error {
		return errs.New(errs.FieldInvalid, "%s %s", name, why).With("field", name).With("max", strconv.Itoa(max))
	}
	// Bytes bound the work before counting characters: a character is at most 4 bytes.
	if len(s) > 4*max || utf8.RuneCountInString(s) > max {
		return bad("is longer than " + strconv.Itoa(max) + " characters")
	}
	if !utf8.ValidString(s) {
		return bad("is not valid UTF-8")
	}
	for _, r := range s {
		if pem && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return bad("contains a control character")
		}
	}
	return nil
}
