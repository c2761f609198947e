package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/certcenter/certcenter/npki"
)

// Passwords are []byte so they can be cleared after use; they are never printed,
// logged, or put in an error message.

// maxPasswordFile bounds a password file: a password is short, a big file is a mistake.
const maxPasswordFile = 4096

// terminalPrompter returns a no-echo prompt on stdin when it is a terminal, else nil.
// The prompt goes to stderr so stdout stays clean for --json.
func terminalPrompter(stdin io.Reader, stderr io.Writer) func(string) ([]byte, error) {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(prompt string) ([]byte, error) {
		fmt.Fprint(stderr, prompt)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return pw, err
	}
}

// readSecretFile reads a password from path ("-": standard input), without one
// trailing newline (\n or \r\n).
func (c *cli) readSecretFile(path string) ([]byte, error) {
	var b []byte
	var err error
	if path == "-" {
		if c.stdinUsed {
			return nil, usageErr(msgStdinTwice)
		}
		c.stdinUsed = true
		b, err = io.ReadAll(io.LimitReader(c.stdin, maxPasswordFile+1))
	} else {
		b, err = readFileLimit(path, maxPasswordFile)
	}
	if err != nil {
		return nil, errf(msgReadPasswordFile, path).wrap(err)
	}
	if len(b) > maxPasswordFile {
		clear(b)
		return nil, errf(msgReadPasswordFile, path).wrap(errors.New("more than 4096 bytes"))
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, errf(msgEmptyPasswordFile, path)
	}
	return b, nil
}

// readPassword gets an existing password: from file if given, else from the prompt.
func (c *cli) readPassword(file string, prompt msgID, promptArgs ...any) ([]byte, error) {
	if file != "" {
		return c.readSecretFile(file)
	}
	if c.askPassword == nil {
		return nil, errf(msgNoTerminal).withHint(msgHintPasswordFile)
	}
	pw, err := c.askPassword(c.lang.tr(prompt, promptArgs...))
	if err != nil {
		return nil, errf(msgReadPrompt).wrap(err)
	}
	if len(pw) == 0 {
		return nil, errf(msgEmptyPassword)
	}
	return pw, nil
}

// readNewPassword gets a new password, from file or asked twice at the prompt, and
// checks it against the Korean policy (npki.CheckPassword).
func (c *cli) readNewPassword(file string) ([]byte, error) {
	if file != "" {
		pw, err := c.readSecretFile(file)
		if err != nil {
			return nil, err
		}
		if err := npki.CheckPassword(pw); err != nil {
			clear(pw)
			return nil, c.policyError(err)
		}
		return pw, nil
	}
	if c.askPassword == nil {
		return nil, errf(msgNoTerminal).withHint(msgHintNewPasswordFile)
	}
	pw, err := c.askPassword(c.lang.tr(msgPromptNew))
	if err != nil {
		return nil, errf(msgReadPrompt).wrap(err)
	}
	if err := npki.CheckPassword(pw); err != nil {
		clear(pw)
		return nil, c.policyError(err)
	}
	again, err := c.askPassword(c.lang.tr(msgPromptNewAgain))
	if err != nil {
		clear(pw)
		return nil, errf(msgReadPrompt).wrap(err)
	}
	defer clear(again)
	if !bytes.Equal(pw, again) {
		clear(pw)
		return nil, errf(msgPasswordsDiffer)
	}
	return pw, nil
}

// policyError turns npki's *PasswordError into a message naming the rule broken.
func (c *cli) policyError(err error) error {
	var pe *npki.PasswordError
	if !errors.As(err, &pe) {
		return err
	}
	rule, ok := ruleMessages[pe.Rule]
	if !ok {
		return errf(msgPolicyUnknown, pe.Rule).withHint(msgHintPolicy)
	}
	return (&cliError{msg: rule, cause: nil}).withHint(msgHintPolicy)
}

// ruleMessages localises npki's password rule codes.
var ruleMessages = map[string]msgID{
	npki.RuleTooShort:      msgRuleTooShort,
	npki.RuleNoLetter:      msgRuleNoLetter,
	npki.RuleNoDigit:       msgRuleNoDigit,
	npki.RuleNoSpecial:     msgRuleNoSpecial,
	npki.RuleForbiddenChar: msgRuleForbiddenChar,
	npki.RuleInvalidChar:   msgRuleInvalidChar,
}
