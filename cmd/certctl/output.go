package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// cliError is an error the user reads: a message and an optional hint from the
// message table, in the user's language, and the cause for errors.Is.
type cliError struct {
	msg      msgID
	args     []any
	hint     msgID
	hintArgs []any
	cause    error
}

func errf(msg msgID, args ...any) *cliError { return &cliError{msg: msg, args: args} }

// usageErr is a command-line mistake: it points to the usage.
func usageErr(msg msgID, args ...any) *cliError {
	return &cliError{msg: msg, args: args, hint: msgHintUsage}
}

func (e *cliError) withHint(hint msgID, args ...any) *cliError {
	e.hint, e.hintArgs = hint, args
	return e
}

// wrap records the cause; its text is shown after the message.
func (e *cliError) wrap(err error) *cliError {
	e.cause = err
	return e
}

func (e *cliError) Error() string { return e.render(langEN) }
func (e *cliError) Unwrap() error { return e.cause }

func (e *cliError) render(l lang) string {
	s := l.tr(e.msg, e.args...)
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// printError writes the error age's way: "certctl: error: ..." then
// "certctl: hint: ...".
func (c *cli) printError(err error) {
	var ce *cliError
	if !errors.As(err, &ce) {
		fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgErrorWord), err)
		return
	}
	fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgErrorWord), ce.render(c.lang))
	if ce.hint != "" {
		for _, line := range strings.Split(c.lang.tr(ce.hint, ce.hintArgs...), "\n") {
			fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgHintWord), line)
		}
	}
}

// writeJSON prints v as indented JSON, Hangul unescaped.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// kstTime formats a time in Korea time, as certificates are aligned to it.
func kstTime(t time.Time) string { return t.In(kst).Format("2006-01-02 15:04:05 MST") }

// kstDate is the date part in Korea time.
func kstDate(t time.Time) string { return t.In(kst).Format("2006-01-02") }
