package intel

import (
	"testing"
)

func TestRefang(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"square dot", "evil[.]com", "evil.com"},
		{"round dot", "evil(.)com", "evil.com"},
		{"curly dot", "evil{.}com", "evil.com"},
		{"word dot bracket", "evil[dot]com", "evil.com"},
		{"word dot upper", "evil[DOT]com", "evil.com"},
		{"word dot round", "evil(dot)com", "evil.com"},
		{"bare dot word", "evil dot com", "evil.com"},
		{"backslash dot", `evil\.com`, "evil.com"},
		{"spaced bracket", "evil[ . ]com", "evil.com"},
		{"colon", "http[:]//evil.com", "http://evil.com"},
		{"colon slashes", "http[://]evil.com", "http://evil.com"},
		{"hxxp", "hxxp://evil.com", "http://evil.com"},
		{"hXXps", "hXXps://evil.com", "https://evil.com"},
		{"h**p", "h**p://evil.com", "http://evil.com"},
		{"hxtp", "hxtp://evil.com", "http://evil.com"},
		{"fxp", "fxp://evil.com", "ftp://evil.com"},
		{"hxxp defanged colon", "hxxps[:]//evil[.]com/a", "https://evil.com/a"},
		{"at bracket", "user[@]evil.com", "user@evil.com"},
		{"at round word", "user(at)evil.com", "user@evil.com"},
		{"at bare word", "user at evil dot com", "user@evil.com"},
		{"full-width dot", "evil．com", "evil.com"},
		{"ideographic dot", "evil。com", "evil.com"},
		{"half-width ideographic dot", "evil｡com", "evil.com"},
		{"full-width at", "user＠evil.com", "user@evil.com"},
		{"zero width space", "evil\u200b.com", "evil.com"},
		{"zero width joiner", "ev\u200dil.com", "evil.com"},
		{"bom", "\ufeffevil.com", "evil.com"},
		{"soft hyphen", "ev\u00adil.com", "evil.com"},
		{"partial last dot", "www.evil[.]com", "www.evil.com"},
		{"partial scheme only", "hxxp://www.evil.com", "http://www.evil.com"},
		{"broken open bracket", "evil[.com", "evil.com"},
		{"broken ip", "1.2.3[.4", "1.2.3.4"},
		{"broken close bracket", "evil.]com", "evil.com"},
		{"json escaped slashes", `http:\/\/evil.com\/a`, "http://evil.com/a"},
		{"ip last dot", "172.104.72[.]4", "172.104.72.4"},
		{"plain", "evil.com", "evil.com"},
		{"http untouched", "http://evil.com", "http://evil.com"},
		{"ideographic dot at end is prose", "evil.comです。", "evil.comです。"},
		{"dot word inside name untouched", "dotcom.com", "dotcom.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Refang(tt.in); got != tt.want {
				t.Errorf("Refang(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendRefangPositions(t *testing.T) {
	src := []byte("a hxxp[:]//evil[.]com b")
	out, pos, changed := AppendRefang(nil, []int32{}, src, RefangOptions{})
	if !changed || string(out) != "a http://evil.com b" {
		t.Fatalf("got %q changed=%v", out, changed)
	}
	if len(pos) != len(out)+1 || pos[len(pos)-1] != int32(len(src)) {
		t.Fatalf("pos has %d entries (last %d), want %d ending in %d", len(pos), pos[len(pos)-1], len(out)+1, len(src))
	}
	// "evil.com" in out maps back to "evil[.]com" in src.
	i := 9 // index of 'e' in out
	j := i + len("evil.com")
	if got := string(src[pos[i]:pos[j]]); got != "evil[.]com" {
		t.Errorf("span maps to %q, want %q", got, "evil[.]com")
	}
}
