// Package secret holds credentials so that they cannot be printed, logged
// or put in an error by accident.
//
// A String formats as "[redacted]" with every fmt verb, in JSON, in YAML
// and in log/slog records; only Reveal returns the value, and only the code
// that builds an authenticated request calls it.
package secret

import (
	"fmt"
	"log/slog"
	"strings"
)

// Redacted is what a set String prints as.
const Redacted = "[redacted]"

// String is a credential: a token, a password, a key.
type String struct{ v string }

// New returns s as a String.
func New(s string) String { return String{s} }

// Reveal returns the credential. Call it only to authenticate a request.
func (s String) Reveal() string { return s.v }

// IsSet reports whether the credential is not empty.
func (s String) IsSet() bool { return s.v != "" }

// String returns Redacted, or "" when the credential is empty.
func (s String) String() string {
	if s.v == "" {
		return ""
	}
	return Redacted
}

// GoString keeps %#v from printing the value.
func (s String) GoString() string { return `secret.String("` + s.String() + `")` }

// Format prints String() for every verb, so that %x or %q cannot leak it.
func (s String) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// LogValue keeps log/slog from recording the value.
func (s String) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText writes the redacted form: a configuration printed back, or
// JSON output, never carries the credential.
func (s String) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the credential from the configuration file or an
// environment variable.
func (s *String) UnmarshalText(b []byte) error {
	s.v = string(b)
	return nil
}

// Contains reports whether text holds any of the non-empty secrets: the
// check a test (or a careful caller) makes before text leaves the program.
func Contains(text string, secrets ...String) bool {
	for _, sec := range secrets {
		if sec.v != "" && strings.Contains(text, sec.v) {
			return true
		}
	}
	return false
}

// Equal reports whether two credentials are the same (for go-cmp in
// tests, which cannot look inside a String).
func (s String) Equal(o String) bool { return s.v == o.v }
