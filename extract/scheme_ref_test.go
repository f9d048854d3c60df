package extract

import (
	"strings"
	"testing"
)

// knownSchemesRef is the map tryURL looked schemes up in before round 9.
var knownSchemesRef = map[string]bool{
	"http": true, "https": true, "ftp": true, "ftps": true, "sftp": true, "ws": true, "wss": true,
	"tcp": true, "udp": true, "smb": true, "ssh": true, "telnet": true, "rdp": true, "irc": true,
	"ldap": true, "ldaps": true, "socks": true, "socks4": true, "socks5": true, "tls": true, "ssl": true,
	"dns": true, "quic": true,
}

func knownSchemeRef(b []byte) bool { return knownSchemesRef[string(lowerAll(b))] }

// TestKnownScheme checks knownScheme on every scheme in three cases, with a
// byte more and a byte less, and on the empty string.
func TestKnownScheme(t *testing.T) {
	check := func(s string) {
		if got, want := knownScheme([]byte(s)), knownSchemeRef([]byte(s)); got != want {
			t.Fatalf("knownScheme(%q) = %v, want %v", s, got, want)
		}
	}
	check("")
	for k := range knownSchemesRef {
		for _, s := range []string{k, strings.ToUpper(k), strings.ToUpper(k[:1]) + k[1:]} {
			check(s)
			check(s + "s")
			check(s + "4")
			check(s[:len(s)-1])
			check("x" + s)
		}
	}
}

// FuzzKnownScheme compares knownScheme with the map lookup.
func FuzzKnownScheme(f *testing.F) {
	for _, s := range []string{"http", "HTTPS", "Socks5", "socks55", "telnets", "quic", "wsx", "ftp\x00", "HTTP\xc3"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := knownScheme(b), knownSchemeRef(b); got != want {
			t.Fatalf("knownScheme(%q) = %v, want %v", b, got, want)
		}
	})
}
