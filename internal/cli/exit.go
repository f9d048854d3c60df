package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
)

// Exit codes. They are part of iocast's interface (docs/CLI.md) and are
// chosen here, by exitCode, and nowhere else.
const (
	exitOK    = 0 // success
	exitError = 1 // the command failed
	exitUsage = 2 // bad flag, unknown command, missing or extra argument
)

// usageError is a mistake in the command line. It prints with a pointer to
// the help of the command it concerns.
type usageError struct {
	msg     string
	command string // "" for iocast itself
}

func (e *usageError) Error() string { return e.msg }

// usageErrorf returns a usageError; run attaches the command.
func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// hintError is an error with advice on what to do next.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// withHint attaches advice to err, printed as "iocast: hint: …".
func withHint(err error, format string, args ...any) error {
	return &hintError{err: err, hint: fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil, isBrokenPipe(err):
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	default:
		return exitError
	}
}

// isBrokenPipe reports a reader that went away (iocast extract … | head):
// not a failure, and nothing to report.
func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE)
}

// report prints err to stderr as "iocast: msg", one line per line of the
// message, then any hints, and returns the exit code.
func report(stderr io.Writer, err error) int {
	code := exitCode(err)
	if err == nil || isBrokenPipe(err) {
		return code
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "interrupted"
	}
	var ue *usageError
	if errors.As(err, &ue) {
		// One line: the mistake and where to read about it.
		help := "iocast --help"
		if ue.command != "" {
			help = "iocast " + ue.command + " --help"
		}
		sep := "; see"
		if strings.HasSuffix(msg, "?") {
			sep = " see"
		}
		msg = fmt.Sprintf("%s%s '%s'", msg, sep, help)
	}
	for _, line := range strings.Split(msg, "\n") {
		fmt.Fprintf(stderr, "iocast: %s\n", line)
	}
	var he *hintError
	if errors.As(err, &he) {
		fmt.Fprintf(stderr, "iocast: hint: %s\n", he.hint)
	}
	return code
}
