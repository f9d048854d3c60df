package corpus

import (
	"strings"
	"unicode/utf8"
)

// dotStyles are the ways a dot is defanged in the wild, "[.]" most often.
var dotStyles = []string{"[.]", "[.]", "[.]", "[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", `\.`, "．", "。"}

// zeroWidth are the invisible characters that copy and paste smuggles into
// indicators.
var zeroWidth = []string{"\u200b", "\u200c", "\u200d", "\ufeff"}

// defangDots rewrites the dots of s: all of them (most often), only the
// last one (a partial defang), or none at all.
func (g *gen) defangDots(s string) string {
	switch n := g.r.intn(100); {
	case n < 18:
		return s
	case n < 30:
		i := strings.LastIndexByte(s, '.')
		return s[:i] + pick(g.r, dotStyles) + s[i+1:]
	default:
		return strings.ReplaceAll(s, ".", pick(g.r, dotStyles))
	}
}

// maybeUpper upper-cases s now and then: hosts and hashes are
// case-insensitive, and reports print them either way.
func (g *gen) maybeUpper(s string, pct int) string {
	if g.r.chance(pct) {
		return strings.ToUpper(s)
	}
	return s
}

// maybeZeroWidth inserts an invisible character inside s, rarely. It runs
// before defanging, so it never splits a "[.]".
func (g *gen) maybeZeroWidth(s string) string {
	if len(s) < 4 || !g.r.chance(3) {
		return s
	}
	i := g.r.between(1, len(s)-1)
	for !utf8.RuneStart(s[i]) {
		i--
	}
	if i == 0 {
		return s
	}
	return s[:i] + pick(g.r, zeroWidth) + s[i:]
}

// spellHost spells a domain or IPv4 address as it might appear in a report.
func (g *gen) spellHost(host string) string {
	return g.defangDots(g.maybeZeroWidth(g.maybeUpper(host, 4)))
}

// spellScheme spells a URL scheme and its separator, defanged or not.
func (g *gen) spellScheme(scheme string) string {
	s := scheme
	if g.r.chance(70) {
		switch scheme {
		case "http", "https":
			s = pick(g.r, []string{"hxxp", "hxxp", "hxxp", "hXXp", "h**p", "hXxp"}) + scheme[4:]
		case "ftp":
			s = "fxp"
		}
	} else if g.r.chance(5) {
		s = strings.ToUpper(s)
	}
	return s + pick(g.r, []string{"://", "://", "://", "[:]//", "[://]", "[:]//"})
}

// spellEmail spells an e-mail address with its "@" and dots defanged or not.
func (g *gen) spellEmail(addr string) string {
	addr = g.maybeZeroWidth(addr)
	at := strings.IndexByte(addr, '@')
	sep := pick(g.r, []string{"@", "@", "[@]", "[@]", "(at)", "[at]", " [at] "})
	return addr[:at] + sep + g.defangDots(addr[at+1:])
}

// spellHash spells a hash, upper-case now and then.
func (g *gen) spellHash(h string) string { return g.maybeUpper(h, 15) }

// brokenDefang spells host with a defang that went wrong ("evil[.com"):
// noise that is never labelled, because what it means is a guess.
func (g *gen) brokenDefang(host string) string {
	i := strings.LastIndexByte(host, '.')
	switch g.r.intn(4) {
	case 0:
		return host[:i] + "[." + host[i+1:]
	case 1:
		return host[:i] + ".]" + host[i+1:]
	case 2:
		return host[:i] + "[.)" + host[i+1:]
	default:
		return "hxxp:/" + host[:i] + "[.]" + host[i+1:]
	}
}
