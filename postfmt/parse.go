package postfmt

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/iocast/iocast/extract"
	"github.com/iocast/iocast/intel"
)

// Problem is a line of a post that Parse could not read as format v1.
type Problem struct {
	// Part is the 1-based part of a thread, 0 for a single post.
	Part int `json:"part,omitempty"`
	// Line is the 1-based line within the post.
	Line int `json:"line"`
	// Msg says what is wrong.
	Msg string `json:"msg"`
}

// Error returns "line 3: unknown section \"C3\"", or with the part first
// for a thread: "part 2, line 3: …".
func (p Problem) Error() string {
	if p.Part > 0 {
		return fmt.Sprintf("part %d, line %d: %s", p.Part, p.Line, p.Msg)
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

// Result is what Parse read from a post or thread.
type Result struct {
	// Sighting is what the post says. Its values are canonical and valid
	// (Normalize returns nil).
	Sighting intel.Sighting
	// Format is FormatVersion when the post was read as format v1, "" when
	// it was not (then the extractor found Sighting.Indicators, roles
	// unknown).
	Format string
	// Problems lists the lines of a v1 post that could not be read, in
	// order. Indicators the extractor finds in them are added to
	// Sighting.Indicators, roles unknown; nothing else is guessed.
	Problems []Problem
	// Parts is n of the last "(k/n)" thread marker seen, 0 for none;
	// LeftOut is what a capped thread's last marker said was left out.
	Parts, LeftOut int
}

// Parse reads one post. It never fails: what it cannot read is in
// Result.Problems, and a post that is not format v1 at all falls back to
// the extractor.
func Parse(text string) *Result { return parse([]string{text}, false) }

// ParseThread reads the parts of a thread, in order, as one sighting.
func ParseThread(parts []string) *Result { return parse(parts, true) }

// extractor is the fallback for text that is not v1.
var extractor = sync.OnceValue(func() *extract.Extractor { return extract.New(extract.Options{}) })

// parser is the state of one Parse.
type parser struct {
	res        *Result
	s          *intel.Sighting
	part, line int
	sec        section
	v1         bool
	famItem    bool
	hashtags   []string
	lists      [numSections][]string // hashes, files and links, by section
	unread     []string
}

func parse(parts []string, thread bool) *Result {
	// The parser stays on the stack; only the Result is allocated.
	p := &parser{res: new(Result)}
	p.s = &p.res.Sighting
	for k, text := range parts {
		if thread {
			p.part = k + 1
		}
		p.sec = secNone
		p.line = 0
		for len(text) > 0 {
			var l string
			l, text, _ = strings.Cut(text, "\n")
			p.line++
			p.readLine(l)
		}
	}
	if !p.v1 {
		all := strings.Join(parts, "\n")
		*p.res = Result{}
		p.s = &p.res.Sighting
		p.s.Indicators = extracted(all)
		return p.res
	}
	p.finish()
	return p.res
}

func extracted(text string) []intel.Indicator {
	var out []intel.Indicator
	for _, m := range extractor().ExtractString(text) {
		out = append(out, m.Indicator)
	}
	return out
}

func (p *parser) problem(format string, args ...any) {
	p.res.Problems = append(p.res.Problems, Problem{Part: p.part, Line: p.line, Msg: fmt.Sprintf(format, args...)})
}

// quote shortens a line for a problem message.
func quote(s string) string {
	if len(s) > 60 {
		cut := 57
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}

// readLine reads one line.
func (p *parser) readLine(raw string) {
	l := cleanLine(raw)
	if l == "" || isAttribution(l) {
		return
	}
	if k, n, left, ok := parseMarker(l); ok {
		_ = k
		p.res.Parts, p.res.LeftOut = n, left
		return
	}
	if sec, rest, ok := markerItem(l); ok {
		p.v1 = true
		if sec == secMD5 && p.sec >= secMD5 && p.sec <= secSHA512 {
			sec = p.sec
		}
		p.item(sec, rest, l)
		return
	}
	if c, ok := creditLine(l); ok {
		if p.s.Credit == "" {
			p.s.Credit = c
		}
		return
	}
	if p.headerLine(l) {
		return
	}
	if name, rest, ok := labelLine(l); ok {
		sec, known := sectionByName(name)
		switch {
		case known:
			p.v1 = true
			p.sec = sec
			if rest != "" {
				p.item(sec, rest, l)
			}
			return
		case rest == "":
			p.v1 = true
			p.sec = secNone
			p.problem("unknown section %q", name)
			return
		}
	}
	if p.sec != secNone && p.sec != secTLP {
		p.item(p.sec, l, l)
		return
	}
	p.problem("not format v1: %s", quote(l))
	p.unread = append(p.unread, l)
}

// item reads the value of one item line of section sec.
func (p *parser) item(sec section, v, line string) {
	ok := true
	switch sec {
	case secC2:
		ok = p.c2Line(v)
	case secFamily:
		ok = p.familyLine(v)
	case secMD5, secSHA256, secSHA1, secSHA512:
		ok = p.hash(v)
	case secFile:
		f, err := intel.Canonical(intel.KindFilename, intel.Refang(v))
		if ok = err == nil; ok {
			p.lists[secFile] = append(p.lists[secFile], f)
		}
	case secSample, secRef:
		l, good := link(v)
		if ok = good; ok {
			p.lists[sec] = append(p.lists[sec], l)
		}
	case secIoC:
		ok = p.ioc(v)
	case secTLP:
		t := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(v), "TLP:"))
		if ok = tlpLevel(t); ok && p.s.TLP == "" {
			p.s.TLP = t
		}
	}
	if !ok {
		p.problem("cannot read %s item %s", sectionName(sec), quote(line))
		p.unread = append(p.unread, line)
	}
}

func tlpLevel(t string) bool {
	switch t {
	case "CLEAR", "WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED":
		return true
	}
	return false
}

// finish builds the samples, family and tags, and extracts from the
// unread lines.
func (p *parser) finish() {
	p.res.Format = FormatVersion
	s := p.s
	if s.TLP == "WHITE" {
		s.TLP = "CLEAR"
	}
	// The family comes from its section only; every other hashtag is a tag.
	fam := Hashtag(s.Family)
	for _, h := range p.hashtags {
		if !strings.EqualFold(h, fam) {
			s.Tags = appendNew(s.Tags, h)
		}
	}
	n := 0
	for _, sec := range []section{secMD5, secSHA1, secSHA256, secSHA512, secFile, secSample} {
		n = max(n, len(p.lists[sec]))
	}
	at := func(sec section, i int) string {
		if i < len(p.lists[sec]) {
			return p.lists[sec][i]
		}
		return ""
	}
	if n > 0 {
		s.Samples = make([]intel.Sample, 0, n)
	}
	for i := range n {
		s.Samples = append(s.Samples, intel.Sample{
			MD5: at(secMD5, i), SHA1: at(secSHA1, i), SHA256: at(secSHA256, i), SHA512: at(secSHA512, i),
			Filename: at(secFile, i), Link: at(secSample, i),
		})
	}
	s.References = p.lists[secRef]
	if len(p.unread) > 0 {
		s.Indicators = append(s.Indicators, extracted(strings.Join(p.unread, "\n"))...)
	}
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return list
		}
	}
	return append(list, v)
}

// sectionByName looks name up in sectionNames, case-insensitively, without
// allocating for short ASCII names.
func sectionByName(name string) (section, bool) {
	var buf [32]byte
	if len(name) > len(buf) {
		sec, ok := sectionNames[strings.ToLower(name)]
		return sec, ok
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			sec, ok := sectionNames[strings.ToLower(name)]
			return sec, ok
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	sec, ok := sectionNames[string(buf[:len(name)])]
	return sec, ok
}
