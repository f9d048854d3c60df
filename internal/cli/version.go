package cli

import (
	"fmt"
	"runtime/debug"
)

// version runs "iocast version".
func (e *env) version(args []string) error {
	fs := newFlagSet("version")
	if done, err := e.parse("version", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("version takes no arguments")
	}
	_, err := fmt.Fprintf(e.stdout, "iocast %s\n", Version())
	return err
}

// Version returns the module version iocast was built as, or "devel" for a
// build from a work tree.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
