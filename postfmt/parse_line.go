package postfmt

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// cleanLine drops a CR, turns tabs, no-break and ideographic spaces into
// spaces, squeezes runs of spaces, trims, and drops the trailing
// pic.twitter.com / pic.x.com links that X appends to embedded tweets.
func cleanLine(l string) string {
	simple := len(l) == 0 || l[0] != ' ' && l[len(l)-1] != ' '
	for i := 0; simple && i < len(l); i++ {
		c := l[i]
		if !cleanAttention[c] {
			continue // the common case: nothing to clean
		}
		switch {
		case c == '\r' || c == '\t' || c == ' ' && l[i+1] == ' ':
			simple = false
		case c == 0xC2 && i+1 < len(l) && l[i+1] == 0xA0: // no-break space
			simple = false
		case c == 0xE3 && i+2 < len(l) && l[i+1] == 0x80 && l[i+2] == 0x80: // ideographic space
			simple = false
		}
	}
	if !simple {
		var b strings.Builder
		space := true
		for _, r := range l {
			if r == '\r' || r == '\t' || r == 0xA0 || r == 0x3000 || r == ' ' {
				if !space {
					b.WriteByte(' ')
				}
				space = true
				continue
			}
			b.WriteRune(r)
			space = false
		}
		l = strings.TrimSuffix(b.String(), " ")
	}
	if !strings.Contains(l, "pic.") {
		return l
	}
	for {
		i := strings.LastIndexByte(l, ' ') + 1
		last := l[i:]
		if !strings.HasPrefix(last, "pic.twitter.com/") && !strings.HasPrefix(last, "pic.x.com/") {
			return l
		}
		l = strings.TrimSuffix(l[:i], " ")
	}
}

// cleanAttention marks the bytes cleanLine looks at: controls, space and
// the first bytes of a no-break space (0xC2) and an ideographic space (0xE3).
var cleanAttention = func() (t [256]bool) {
	for c := 0; c <= ' '; c++ {
		t[c] = true
	}
	t[0xC2], t[0xE3] = true, true
	return t
}()

// isAttribution reports the "— Name (@handle) date" line of an embedded
// tweet.
func isAttribution(l string) bool {
	if l[0] != '-' && l[0] != 0xE2 { // the dashes below start so
		return false
	}
	for _, p := range []string{"— ", "―", "-- ", "—"} {
		if strings.HasPrefix(l, p) {
			return strings.Contains(l, "(@")
		}
	}
	return false
}

// parseMarker reads a thread marker "(2/3)", "(3/3, 5 more left out)" or
// "(3/3, 他5件省略)".
func parseMarker(l string) (k, n, left int, ok bool) {
	if len(l) < 5 || l[0] != '(' || l[len(l)-1] != ')' {
		return 0, 0, 0, false
	}
	in := l[1 : len(l)-1]
	in, rest, _ := strings.Cut(in, ",")
	ks, ns, found := strings.Cut(in, "/")
	if !found {
		return 0, 0, 0, false
	}
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil || k < 1 || n < k {
		return 0, 0, 0, false
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		num := strings.TrimSuffix(rest, " more left out")
		if num == rest {
			num = strings.TrimSuffix(strings.TrimPrefix(rest, "他"), "件省略")
		}
		left, err1 = strconv.Atoi(num)
		if err1 != nil || left < 0 {
			return 0, 0, 0, false
		}
	}
	return k, n, left, true
}

// creditPrefixes open a credit line, lower-cased.
var creditPrefixes = []string{"h/t to ", "h/t ", "ht to ", "hat tip to ", "thanks to ", "credit: ", "credit to ", "情報提供: ", "情報提供:", "情報提供：", "提供: "}

func creditLine(l string) (string, bool) {
	switch l[0] | 0x20 {
	case 'h', 't', 'c', 0xE6 | 0x20: // 0xE6: 情 and 提
	default:
		return "", false
	}
	for _, p := range creditPrefixes {
		if len(l) > len(p) && strings.EqualFold(l[:len(p)], p) {
			return strings.TrimSpace(l[len(p):]), true
		}
	}
	return "", false
}

// isEmojiToken reports a run of pictographs (the alert: 🚨⚡, ❗, 🔥…).
func isEmojiToken(t string) bool {
	if t == "" {
		return false
	}
	for _, r := range t {
		if !(unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == 0xFE0F || r == 0x200D || r == 0x20E3) {
			return false
		}
	}
	return true
}

// headerLine reads "🚨⚡ #LODEINFO #tag (🇯🇵)": alert emoji, hashtags,
// target flags in parentheses, in that order, each optional but not all.
func (p *parser) headerLine(l string) bool {
	if c := l[0]; c != '#' && c < utf8.RuneSelf {
		return false // a header opens with an emoji or a hashtag
	}
	// The tokens are what strings.Split(l, " ") returns, read in turn:
	// tok is the current one (while have), rest what follows it.
	tok, rest, more := strings.Cut(l, " ")
	have := true
	next := func() {
		if more {
			tok, rest, more = strings.Cut(rest, " ")
		} else {
			have = false
		}
	}
	n := 0 // tokens read
	for have && isEmojiToken(tok) {
		if _, isMarker := markerSections[strings.TrimSuffix(tok, "\uFE0F")]; isMarker {
			return false
		}
		n++
		next()
	}
	tags := len(p.hashtags) // p.hashtags[tags:] are this line's, until it fails
	for have && len(tok) > 1 && (tok[0] == '#' || strings.HasPrefix(tok, "＃")) {
		h := Hashtag(strings.TrimPrefix(strings.TrimPrefix(tok, "#"), "＃"))
		if h == "" {
			p.hashtags = p.hashtags[:tags]
			return false
		}
		p.hashtags = append(p.hashtags, h)
		n++
		next()
	}
	var codeArr [4]string
	var targets []string
	if have {
		t := tok
		ok := len(t) >= 3 && t[0] == '(' && t[len(t)-1] == ')'
		if ok {
			targets, ok = appendFlagCountries(codeArr[:0], t[1:len(t)-1])
		}
		if !ok {
			p.hashtags = p.hashtags[:tags]
			return false
		}
		n++
		next()
	}
	if have || n == 0 {
		p.hashtags = p.hashtags[:tags]
		return false
	}
	for _, c := range targets {
		if !slices.Contains(p.s.Targets, c) {
			p.s.Targets = append(p.s.Targets, c)
		}
	}
	return true
}

// labelLine splits "Label:" or "Label: value" (also with a full-width
// colon). Labels are at most 20 bytes of letters, digits, spaces, '&'
// and '-'.
func labelLine(l string) (name, rest string, ok bool) {
	i := strings.IndexAny(l, ":：")
	if i <= 0 || i > 24 {
		return "", "", false
	}
	name = strings.TrimSpace(l[:i])
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '&' || r == '-' || r == '/') {
			return "", "", false
		}
	}
	_, w := utf8.DecodeRuneInString(l[i:])
	rest = strings.TrimSpace(l[i+w:])
	if strings.HasPrefix(rest, "//") {
		return "", "", false // a URL, not a label
	}
	return name, rest, name != ""
}

// markerItem splits "🌍 value" into its marker's section and its value.
func markerItem(l string) (sec section, rest string, ok bool) {
	// Markers are emoji, so a line that starts with ASCII has none.
	if l == "" || l[0] < utf8.RuneSelf {
		return secNone, "", false
	}
	tok, rest, _ := strings.Cut(l, " ")
	if sec, ok := markerSections[strings.TrimSuffix(tok, "\uFE0F")]; ok {
		return sec, strings.TrimSpace(rest), true
	}
	// A marker glued to its value: "🌍http[:]//…".
	for _, m := range markerList() {
		if v, found := strings.CutPrefix(l, m); found {
			return markerSections[m], strings.TrimSpace(strings.TrimPrefix(v, "\uFE0F")), true
		}
	}
	return secNone, "", false
}

// markerList returns the markers of markerSections, longest first, so that
// the glued-marker search is deterministic.
var markerList = sync.OnceValue(func() []string {
	ms := make([]string, 0, len(markerSections))
	for m := range markerSections {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool {
		if len(ms[i]) != len(ms[j]) {
			return len(ms[i]) > len(ms[j])
		}
		return ms[i] < ms[j]
	})
	return ms
})

// link reads a sample or reference link, refanging it.
func link(v string) (string, bool) {
	v = intel.Refang(strings.TrimSpace(v))
	rest, ok := strings.CutPrefix(v, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(v, "http://")
	}
	if !ok || rest == "" || rest[0] == '/' || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", false
	}
	return v, true
}

// hash reads one hash; its kind is its length.
func (p *parser) hash(v string) bool {
	v = strings.TrimSpace(v)
	k := intel.HashKind(len(v))
	if k == "" {
		return false
	}
	c, err := intel.Canonical(k, v)
	if err != nil {
		return false
	}
	var sec section
	switch k {
	case intel.KindMD5:
		sec = secMD5
	case intel.KindSHA1:
		sec = secSHA1
	case intel.KindSHA256:
		sec = secSHA256
	case intel.KindSHA512:
		sec = secSHA512
	}
	p.lists[sec] = append(p.lists[sec], c)
	return true
}

// ioc reads "value" or "value (kind)".
func (p *parser) ioc(v string) bool {
	if i := strings.LastIndex(v, " ("); i > 0 && strings.HasSuffix(v, ")") {
		if k, err := intel.ParseKind(v[i+2 : len(v)-1]); err == nil {
			ind, err := intel.New(k, v[:i])
			if err != nil {
				return false
			}
			p.s.Indicators = append(p.s.Indicators, ind)
			return true
		}
	}
	ind, err := intel.Parse(v)
	if err != nil {
		return false
	}
	p.s.Indicators = append(p.s.Indicators, ind)
	return true
}

// familyLine reads "LODEINFO (v0.6.2) aka A, B", or the compact
// "HUI Loader (d839ab2c2ea8f082f98478cb552d6709)" whose parentheses hold
// the sample's hash.
func (p *parser) familyLine(v string) bool {
	var aliases []string
	if i := indexFold(v, " aka "); i >= 0 {
		for _, a := range strings.Split(v[i+5:], ",") {
			if a = strings.TrimSpace(a); a != "" {
				aliases = append(aliases, a)
			}
		}
		v = strings.TrimSpace(v[:i])
	}
	name, version := v, ""
	if strings.HasSuffix(v, ")") {
		if i := strings.LastIndex(v, " ("); i >= 0 {
			name, version = strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+2:len(v)-1])
		} else if strings.HasPrefix(v, "(") {
			name, version = "", strings.TrimSpace(v[1:len(v)-1])
		}
	}
	if name == "" || strings.ContainsAny(name, "(),") {
		return false
	}
	if k := intel.HashKind(len(version)); k != "" {
		if p.hash(version) {
			version = ""
		}
	}
	if p.famItem {
		if !strings.EqualFold(p.s.Family, name) {
			p.problem("second family %q after %q", name, p.s.Family)
		}
		return true
	}
	p.famItem = true
	p.s.Family, p.s.Version, p.s.Aliases = name, version, aliases
	return true
}

// indexFold is strings.Index, ignoring ASCII case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
