package extract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// FuzzExtract checks that extraction never panics, that every result is a
// valid canonical indicator, and that every span points at its raw text.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"🌍 http[:]//172.104.72[.]4/ (ASN: AS63949, ISP: Linode, LLC 🇯🇵) and 2 more (172.105.223[.]216, 45.77.28[.]124).",
		"C2サーバはevil[.]comです。", "user at evil dot com", "[2a01:4f8::2]:443", "hxxps://a[.]b/c?d=e",
		"W64/BURNTCIGAR.CA!tr", "请求书.docx", `\\1.2.3[.]4\x`, "ASN 13335", "${jndi:ldap://1.2.3.4:1389/a}",
		"https://www.virustotal.com/gui/file/737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360",
	} {
		f.Add(s)
	}
	e := New(Options{KeepWarned: true})
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range e.ExtractString(s) {
			if err := intel.Validate(m.Kind, m.Value); err != nil {
				t.Fatalf("%q: result %s %q does not validate: %v", s, m.Kind, m.Value, err)
			}
			if m.Start < 0 || m.End > int64(len(s)) || m.Start >= m.End {
				t.Fatalf("%q: bad span [%d,%d)", s, m.Start, m.End)
			}
			if s[m.Start:m.End] != m.Raw {
				t.Fatalf("%q: span text %q != raw %q", s, s[m.Start:m.End], m.Raw)
			}
			if !utf8.ValidString(m.Value) || strings.ContainsAny(m.Value, " \n\t") {
				t.Fatalf("%q: value %q has invalid UTF-8 or white space", s, m.Value)
			}
		}
	})
}
