package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// A spinner shows that a long operation (waiting for the other device, generating a
// key, fetching revocation status) is alive. It draws on stderr only when stderr is a
// terminal, so scripts, --json and tests see nothing of it.

type spinner struct {
	stop chan struct{}
	done sync.WaitGroup
}

// startSpinner shows label with a turning bar until the returned function is called.
func (c *cli) startSpinner(label string) (stop func()) {
	f, ok := c.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	s := &spinner{stop: make(chan struct{})}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		frames := `|/-\`
		t := time.NewTicker(120 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(f, "\r%c %s", frames[i%len(frames)], label)
			select {
			case <-s.stop:
				fmt.Fprintf(f, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(s.stop)
			s.done.Wait()
		})
	}
}
