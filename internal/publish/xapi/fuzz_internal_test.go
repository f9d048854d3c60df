package xapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormText: normalising what X returns never panics, is idempotent,
// and leaves no white space runs.
func FuzzNormText(f *testing.F) {
	for _, s := range []string{
		"🚨⚡ #LODEINFO\nC2:\n🌍 hxxp://172.104.72[.]4/\n📄 https://t.co/MvDcBjsfwV",
		"a &amp; b https://t.co/x example.com/path?q=1",
		"\u3000full\u00a0width\t", "e\u0301", "", "@user reply",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		n := normText(s)
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Errorf("normText(%q) = %q keeps white space runs", s, n)
		}
		if again := normText(n); again != n {
			t.Errorf("normText not idempotent: %q → %q → %q", s, n, again)
		}
	})
}
