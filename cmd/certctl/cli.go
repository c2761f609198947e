package main

import (
	"errors"
	"flag"
	"github.com/certcenter/certcenter/npki"
	"io"
	"runtime"
	"strings"
	"time"
)

// cli is one invocation: its streams, environment, clock and language. Commands get
// everything from here, never from os, so tests run them in-process.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	now            func() time.Time
	lang           lang
	goos           string
	stdinUsed      bool // a password was read from "-" already

	// askPassword reads a password without echo after showing prompt; nil when there
	// is no terminal to ask on.
	askPassword func(prompt string) ([]byte, error)
	// removable lists the NPKI folders on mounted removable drives (USB sticks), which
	// Korean software offers beside the hard disk's (KOREAN-PKI.md section 3).
	removable func() []string
	// otherRoots lists the other NPKI folders Korean software looks in on this system
	// (npki.OtherRoots: C:\Program Files\NPKI, ~/Documents/NPKI on macOS, /sdcard/NPKI
	// on Android; issue 18 item 6).
	otherRoots func() []string
}

func newCLI(stdin io.Reader, stdout, stderr io.Writer, env func(string) string, now func() time.Time) *cli {
	if env == nil {
		env = func(string) string { return "" }
	}
	if now == nil {
		now = time.Now
	}
	c := &cli{
		stdin: stdin, stdout: stdout, stderr: stderr, env: env, now: now,
		lang: langFromEnv(env), goos: runtime.GOOS,
		removable: func() []string { return npki.RemovableRoots(runtime.GOOS, env("USER")) },
	}
	c.otherRoots = func() []string { return npki.OtherRoots(c.goos, c.home(), c.env) }
	return c
}

// Exit codes: vid answers with 0 or 1 like grep, so errors use 2.
const (
	exitOK       = 0
	exitMismatch = 1
	exitError    = 2
)

// errMismatch is returned by vid after printing "mismatch": exit 1, nothing more said.
var errMismatch = errors.New("certctl: VID mismatch")

var commands = map[string]func(*cli, []string) error{
	"list":   (*cli).cmdList,
	"show":   (*cli).cmdShow,
	"import": (*cli).cmdImport,
	"export": (*cli).cmdExport,
	"passwd": (*cli).cmdPasswd,
	"vid":    (*cli).cmdVID,
	"copy":   (*cli).cmdCopy,
	"sign":   (*cli).cmdSign,
	"verify": (*cli).cmdVerify,
}

func (c *cli) main(args []string) int {
	if len(args) == 0 {
		io.WriteString(c.stderr, c.usage())
		return exitError
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		if len(args) > 1 && args[1] == "key-form" {
			io.WriteString(c.stdout, c.lang.tr(msgKeyFormHelp))
			return exitOK
		}
		io.WriteString(c.stdout, c.usage())
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		c.printError(usageErr(msgUnknownCommand, args[0]))
		return exitError
	}
	err := cmd(c, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errMismatch):
		return exitMismatch
	case errors.Is(err, flag.ErrHelp):
		io.WriteString(c.stdout, c.usage())
		return exitOK
	}
	c.printError(err)
	return exitError
}

// newFlags returns a flag set that reports nothing itself: parse errors come back to
// the command, which prints them the certctl way.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// ("certctl show 2 --json"), and returns the positional ones. After "--" everything
// is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErr(msgBadFlags, fs.Name(), strings.TrimPrefix(err.Error(), "flag "))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(cmd string, pos []string, n int, what string) error {
	switch {
	case len(pos) < n:
		return usageErr(msgMissingArg, cmd, what)
	case len(pos) > n:
		return usageErr(msgExtraArgs, cmd, strings.Join(pos[n:], " "))
	}
	return nil
}
