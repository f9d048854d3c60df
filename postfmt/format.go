package postfmt

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormatVersion is the version of the post format that Compose writes and
// Parse reads; docs/FORMAT.md is its specification.
const FormatVersion = "v1"

// Label languages accepted by Options.Lang. Parse reads both.
const (
	LangEN = "en"
	LangJA = "ja"
)

// Alert is the emoji run that opens the header line of every post.
const Alert = "🚨⚡"

// section is one labelled block of a post. The order of the constants is
// the order of the sections in a post.
type section int

const (
	secNone section = iota
	secC2
	secFamily
	secMD5
	secSHA256
	secSHA1
	secSHA512
	secFile
	secSample
	secIoC
	secRef
	secTLP
	numSections
)

// markers are the emoji that open an item line, by section. Hash sections
// share one.
var markers = [numSections]string{
	secC2:     "🌍",
	secFamily: "🦠",
	secMD5:    "🔒",
	secSHA256: "🔒",
	secSHA1:   "🔒",
	secSHA512: "🔒",
	secFile:   "📁",
	secSample: "📄",
	secIoC:    "🔎",
	secRef:    "🔗",
}

// labelSet is the wording of one language.
type labelSet struct {
	section [numSections]string // "C2:" …, with the colon
	credit  string              // before the credit: "H/T to "
	more    [2]string           // fold opener around the count: " and " 2 " more ("
	moreEnd string              // fold closer: ")."
	leftOut func(n int) string  // in the last marker of a capped thread: ", 5 more left out"
}

var labelsEN = labelSet{
	section: [numSections]string{
		secC2: "C2:", secFamily: "Family:", secMD5: "MD5:", secSHA256: "SHA256:", secSHA1: "SHA1:",
		secSHA512: "SHA512:", secFile: "File:", secSample: "Sample:", secIoC: "IoC:", secRef: "Ref:",
	},
	credit:  "H/T to ",
	more:    [2]string{" and ", " more ("},
	moreEnd: ").",
	leftOut: func(n int) string { return ", " + strconv.Itoa(n) + " more left out" },
}

var labelsJA = labelSet{
	section: [numSections]string{
		secC2: "C2:", secFamily: "マルウェア:", secMD5: "MD5:", secSHA256: "SHA256:", secSHA1: "SHA1:",
		secSHA512: "SHA512:", secFile: "ファイル名:", secSample: "検体:", secIoC: "IoC:", secRef: "参考:",
	},
	credit:  "情報提供: ",
	more:    [2]string{" 他", "件 ("},
	moreEnd: ")",
	leftOut: func(n int) string { return ", 他" + strconv.Itoa(n) + "件省略" },
}

// sectionNames maps every label Parse accepts, lower-cased and without
// the colon, to its section: both label sets and common variants.
var sectionNames = map[string]section{
	"c2": secC2, "c&c": secC2, "cnc": secC2, "c2s": secC2, "c2 server": secC2, "c2サーバ": secC2, "c2サーバー": secC2,
	"family": secFamily, "malware": secFamily, "マルウェア": secFamily, "ファミリー": secFamily, "ファミリ": secFamily,
	"md5": secMD5, "md5s": secMD5,
	"sha256": secSHA256, "sha-256": secSHA256, "sha256s": secSHA256,
	"sha1": secSHA1, "sha-1": secSHA1, "sha1s": secSHA1,
	"sha512": secSHA512, "sha-512": secSHA512,
	"file": secFile, "files": secFile, "filename": secFile, "file name": secFile, "ファイル名": secFile, "ファイル": secFile,
	"sample": secSample, "samples": secSample, "検体": secSample,
	"ioc": secIoC, "iocs": secIoC,
	"ref": secRef, "refs": secRef, "reference": secRef, "references": secRef, "参考": secRef, "参考情報": secRef,
	"tlp": secTLP,
}

// markerSections maps every item marker Parse accepts to its section.
// Hash markers map to secMD5 and are told apart by the hash's length.
var markerSections = map[string]section{
	"🌍": secC2, "🌎": secC2, "🌏": secC2, "🌐": secC2,
	"🦠": secFamily,
	"🔒": secMD5, "🔐": secMD5, "🔑": secMD5,
	"📁": secFile, "📂": secFile,
	"📄": secSample, "📦": secSample,
	"🔎": secIoC, "🔍": secIoC,
	"🔗": secRef, "📰": secRef,
}

func labelsFor(lang string) labelSet {
	if lang == LangJA {
		return labelsJA
	}
	return labelsEN
}

// Flag returns the flag emoji of an ISO 3166 alpha-2 code ("JP" → 🇯🇵):
// its two letters as regional indicator symbols. It returns "" for
// anything but two ASCII letters.
func Flag(country string) string {
	if len(country) != 2 {
		return ""
	}
	var b [8]byte
	n := 0
	for i := 0; i < 2; i++ {
		c := country[i] | 0x20
		if c < 'a' || c > 'z' {
			return ""
		}
		n += utf8.EncodeRune(b[n:], rune(0x1F1E6+int(c-'a')))
	}
	return string(b[:n])
}

// isRegional reports whether r is a regional indicator symbol (half a flag).
func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// appendFlagCountries decodes a run of flag emoji ("🇯🇵🇹🇼") into country
// codes and appends them to dst. ok is false when s holds anything else or
// an odd regional indicator.
func appendFlagCountries(dst []string, s string) (codes []string, ok bool) {
	n := len(dst)
	var pending rune
	for _, r := range s {
		switch {
		case r == ' ' || r == 0xFE0F:
			continue
		case !isRegional(r):
			return dst[:n], false
		case pending == 0:
			pending = r
		default:
			dst = append(dst, countryCode(byte('A'+pending-0x1F1E6), byte('A'+r-0x1F1E6)))
			pending = 0
		}
	}
	if pending != 0 || len(dst) == n {
		return dst[:n], false
	}
	return dst, true
}

// countryCodes holds every pair of upper-case ASCII letters, "AAABAC…",
// for countryCode to hand out without allocating.
var countryCodes = func() string {
	b := make([]byte, 0, 2*26*26)
	for a := byte('A'); a <= 'Z'; a++ {
		for c := byte('A'); c <= 'Z'; c++ {
			b = append(b, a, c)
		}
	}
	return string(b)
}()

// countryCode returns the code of upper-case ASCII letters a and b.
func countryCode(a, b byte) string {
	i := 2 * (int(a-'A')*26 + int(b-'A'))
	return countryCodes[i : i+2]
}

// Hashtag returns the hashtag word for a family name or tag: its letters,
// digits and underscores ("HUI Loader" → "HUILoader"), or "" when none
// are left or only digits are (platforms do not link "#123").
func Hashtag(name string) string {
	if h, ok := asciiHashtag(name); ok {
		return h
	}
	var b strings.Builder
	digits := true
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
			if !unicode.IsDigit(r) {
				digits = false
			}
		}
	}
	if digits {
		return ""
	}
	return b.String()
}

// asciiHashtag is Hashtag for names of ASCII letters, digits and '_' only
// (ok set), which it returns as they are.
func asciiHashtag(name string) (string, bool) {
	digits := true
	for i := 0; i < len(name); i++ {
		switch b := name[i]; {
		case '0' <= b && b <= '9':
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', b == '_':
			digits = false
		default:
			return "", false
		}
	}
	if digits {
		return "", true
	}
	return name, true
}
