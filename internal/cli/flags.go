package cli

import (
	"errors"
	"flag"
	"fmt"
	"github.com/iocast/iocast/internal/suggest"
	"io"
	"strings"
)

// newFlagSet returns an empty FlagSet that reports errors to its caller
// instead of printing them: parseArgs and usage do the talking.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses args with fs, accepting flags before, between and after
// positional arguments, as git and kubectl do:
//
//	iocast extract report.txt --format jsonl other.txt
//
// It accepts --flag=value, --flag value, -flag and -flag=value; a boolean
// flag never takes the next argument as its value (use --flag=false); "-"
// alone is a positional argument (stdin); "--" ends the flags, and every
// argument after it is positional. The positional arguments, in order, are
// left in fs.Args(). -h, -help and --help return flag.ErrHelp. Errors are
// usage errors.
func parseArgs(fs *flag.FlagSet, args []string) error {
	return parse(fs, args, false)
}

// parseLeading parses the flags before the first positional argument (the
// command) and leaves it and everything after it in fs.Args().
func parseLeading(fs *flag.FlagSet, args []string) error {
	return parse(fs, args, true)
}

func parse(fs *flag.FlagSet, args []string, stopAtPositional bool) error {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if stopAtPositional {
				positional = append(positional, args[i:]...)
				break
			}
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := fs.Lookup(name)
		switch {
		case name == "h" || name == "help":
			if f == nil {
				return flag.ErrHelp
			}
		case name == "" || strings.HasPrefix(name, "-"):
			return usageErrorf("bad flag syntax: %s", a)
		case f == nil:
			if c := suggest.Closest(name, flagNames(fs)); c != "" {
				return usageErrorf("unknown flag --%s; did you mean --%s?", name, c)
			}
			return usageErrorf("unknown flag --%s", name)
		}
		flags = append(flags, a)
		if hasValue || isBool(f) {
			continue
		}
		if i+1 == len(args) {
			return usageErrorf("flag --%s needs a value", name)
		}
		i++
		flags = append(flags, args[i])
	}
	// Every flag now comes first; "--" keeps fs.Parse from reading a
	// positional "-x" as a flag.
	if err := fs.Parse(append(append(flags, "--"), positional...)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("%v", err)
	}
	return nil
}

// isBool reports whether f is a boolean flag, which takes no value.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// setFlags returns the names of the flags that args set on fs.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// stringList is a repeatable string flag: --warninglist a --warninglist b.
type stringList []string

// String returns the values joined by commas.
func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set appends a value.
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// printFlags writes one line per flag of fs not in skip:
//
//	--format FORMAT    output format: text, jsonl or csv (default text)
func printFlags(w io.Writer, fs *flag.FlagSet, skip map[string]bool) {
	type line struct{ left, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		if skip[f.Name] {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if !isBool(f) {
			if !strings.Contains(f.Usage, "`") {
				arg = strings.ToUpper(f.Name) // not "string" or "value"
			}
			left += " " + arg
		}
		width = max(width, len(left))
		lines = append(lines, line{left, usage})
	})
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s\n", width, l.left, l.usage)
	}
}
