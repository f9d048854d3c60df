// Command iocast turns malware findings into fixed-format IoC posts, and
// posts back into structured intelligence. See docs/CLI.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/iocast/iocast/internal/cli"
)

func main() {
	// A reader that goes away (iocast extract … | head) makes writes fail
	// with EPIPE, which the cli treats as success, instead of killing the
	// process with SIGPIPE (exit status 141).
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills at once, even mid-read
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
