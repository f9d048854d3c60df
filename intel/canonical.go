package intel

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxValueLen bounds every indicator value (in bytes). Longer input is
// rejected, never truncated.
const MaxValueLen = 4096

// Canonical returns the canonical form of s as an indicator of kind k, or an
// error wrapping ErrInvalid that says what is wrong. s may be defanged.
//
// Canonical forms: IPs as netip formats them (IPv6 compressed, lower-case);
// domains lower-case IDNA ASCII without a trailing dot, ending in a public
// suffix; URLs with a lower-case scheme and canonical host, path and query
// kept as written except that "[" and "]" are percent-encoded; e-mail
// addresses lower-case with a canonical domain; hashes lower-case hex; CVE
// ids upper-case; ASNs "AS" + decimal number; file names as written, base
// name only.
func Canonical(k Kind, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxValueLen {
		return "", fmt.Errorf("%s value of %d bytes is over the limit of %d: %w", k, len(s), MaxValueLen, ErrTooLarge)
	}
	if s == "" {
		return "", fmt.Errorf("empty %s value: %w", k, ErrInvalid)
	}
	opts := RefangOptions{Words: k != KindFilename}
	if out, _, changed := appendRefang(nil, nil, s, opts, true); changed {
		s = string(out)
		// A value that still refangs after one pass ("a[[.]]b") is
		// ambiguous: its defanged form would not round-trip.
		if _, _, again := appendRefang(nil, nil, out, opts, true); again {
			return "", fmt.Errorf("%q is ambiguously defanged: %w", s, ErrInvalid)
		}
	}
	if k == KindFilename && Refang(s) != s {
		// Defang(filename) must round-trip through Refang, which reads
		// " dot " and " at " as defangs.
		return "", fmt.Errorf("file name %q contains a defang word (\" dot \", \" at \"): %w", s, ErrInvalid)
	}
	return canonical(k, s)
}

// canonical is Canonical after refanging.
func canonical(k Kind, s string) (string, error) {
	if len(s) > MaxValueLen {
		return "", fmt.Errorf("%s value of %d bytes is over the limit of %d: %w", k, len(s), MaxValueLen, ErrTooLarge)
	}
	switch k {
	case KindIPv4, KindIPv6:
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" || (k == KindIPv4) != a.Is4() {
			return "", fmt.Errorf("%q is not an %s address: %w", s, k, ErrInvalid)
		}
		if k == KindIPv4 {
			return s, nil // netip accepts only the canonical dotted quad
		}
		return a.String(), nil
	case KindDomain:
		return canonicalDomain(s)
	case KindURL:
		return canonicalURL(s)
	case KindEmail:
		return canonicalEmail(s)
	case KindMD5, KindSHA1, KindSHA256, KindSHA512:
		return canonicalHash(k, s)
	case KindCVE:
		return canonicalCVE(s)
	case KindASN:
		return canonicalASN(s)
	case KindFilename:
		return canonicalFilename(s)
	}
	return "", fmt.Errorf("unknown indicator kind %q: %w", k, ErrInvalid)
}

// Validate reports whether s is already the canonical form of an indicator
// of kind k.
func Validate(k Kind, s string) error {
	c, err := Canonical(k, s)
	if err != nil {
		return err
	}
	if c != s {
		return fmt.Errorf("%s %q is not canonical (want %q): %w", k, s, c, ErrInvalid)
	}
	return nil
}

var hashLen = map[Kind]int{KindMD5: 32, KindSHA1: 40, KindSHA256: 64, KindSHA512: 128}

// HashKind returns the hash kind for a hex string of length n, or "".
func HashKind(n int) Kind {
	switch n {
	case 32:
		return KindMD5
	case 40:
		return KindSHA1
	case 64:
		return KindSHA256
	case 128:
		return KindSHA512
	}
	return ""
}

func canonicalHash(k Kind, s string) (string, error) {
	if len(s) != hashLen[k] {
		return "", fmt.Errorf("%s must be %d hex digits, got %d characters: %w", k, hashLen[k], len(s), ErrInvalid)
	}
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			upper = true
		default:
			return "", fmt.Errorf("%s %q has a non-hex character at position %d: %w", k, s, i+1, ErrInvalid)
		}
	}
	if !upper {
		return s, nil
	}
	return strings.ToLower(s), nil
}

func canonicalCVE(s string) (string, error) {
	u := s
	if !strings.HasPrefix(u, "CVE-") {
		u = strings.ToUpper(s)
	}
	if !strings.HasPrefix(u, "CVE-") || len(u) < 13 || len(u) > 4+4+1+7 || u[8] != '-' ||
		!allDigits(u[4:8]) || !allDigits(u[9:]) || u[4] < '1' {
		return "", fmt.Errorf("%q is not a CVE id (want CVE-YYYY-NNNN): %w", s, ErrInvalid)
	}
	return u, nil
}

func canonicalASN(s string) (string, error) {
	if len(s) > 2 && s[0] == 'A' && s[1] == 'S' && s[2] != '0' && allDigits(s[2:]) {
		// Already canonical, when in range.
		if n, err := strconv.ParseUint(s[2:], 10, 32); err == nil && n != 4294967295 {
			return s, nil
		}
	}
	u := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	u = strings.TrimPrefix(strings.TrimPrefix(u, "ASN"), "AS")
	u = strings.TrimPrefix(u, ":")
	n, err := strconv.ParseUint(u, 10, 32)
	if err != nil || !allDigits(u) || n == 0 || n == 4294967295 || (len(u) > 1 && u[0] == '0') {
		return "", fmt.Errorf("%q is not an AS number (want AS1 … AS4294967294): %w", s, ErrInvalid)
	}
	return "AS" + strconv.FormatUint(n, 10), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.ValidateLabels(true), idna.StrictDomainName(false), idna.VerifyDNSLength(true))

func canonicalDomain(s string) (string, error) {
	if d, ok := plainDomain(s); ok {
		return d, nil
	}
	return checkDomain(s)
}

// The classes of domainByte.
const (
	dnAlnum  = 1 << iota // a-z, A-Z, 0-9
	dnUpper              // A-Z
	dnHyphen             // -
	dnDot                // .
	dnOther              // anything else: not allowed, or non-ASCII
)

// domainByte classes the bytes of a domain name for plainDomain. '_' has
// no class: it is allowed and is not a letter or digit.
var domainByte = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			t[c] = dnAlnum
		case c >= 'A' && c <= 'Z':
			t[c] = dnAlnum | dnUpper
		case c == '-':
			t[c] = dnHyphen
		case c == '.':
			t[c] = dnDot
		case c == '_':
		default:
			t[c] = dnOther
		}
	}
	return t
}()

// plainDomain is canonicalDomain for the common case, an ASCII name that
// is valid: it classes the bytes in one pass, checks the labels, and hands
// the offsets of the dots to the public suffix walk, with no lower-casing
// unless the name has capitals. It reports false for anything else
// (non-ASCII names, punycode top-level domains, every error), which
// checkDomain then handles in full, with its error messages; it never
// accepts a name that checkDomain rejects, or returns another value
// (FuzzCanonicalAgrees, FuzzPlainDomain).
func plainDomain(s string) (string, bool) {
	d := strings.TrimSuffix(s, ".")
	if d == "" || len(d) > 253 {
		return "", false
	}
	// The classes of all the bytes, eight at a time and without a branch:
	// a name with any byte that is not allowed, or not ASCII, goes to
	// checkDomain.
	var all uint8
	i := 0
	for ; i+8 <= len(d); i += 8 {
		w := d[i : i+8] // constant indexes: no bounds check each
		all |= domainByte[w[0]] | domainByte[w[1]] | domainByte[w[2]] | domainByte[w[3]] |
			domainByte[w[4]] | domainByte[w[5]] | domainByte[w[6]] | domainByte[w[7]]
	}
	for ; i < len(d); i++ {
		all |= domainByte[d[i]]
	}
	if all&dnOther != 0 || all&dnDot == 0 {
		return "", false // also: no dot, a single label
	}
	// The labels, and the offsets of the dots between them. A name of at
	// most 253 bytes with no empty label has at most 126 dots, and a dot is
	// stored only after the label before it has passed.
	var dots [127]uint8
	nd, start := 0, 0
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			if !plainLabel(d[start:i]) {
				return "", false
			}
			dots[nd] = uint8(i)
			nd++
			start = i + 1
		}
	}
	if !plainLabel(d[start:]) {
		return "", false
	}
	tld := d[start:]
	if allDigits(tld) || strings.HasPrefix(tld, "xn--") {
		return "", false
	}
	if all&dnUpper != 0 {
		d = strings.ToLower(d) // ASCII: the dots stay where they are
	}
	// A name made of these bytes, with a top-level domain that is not
	// numeric, is no IP address: publicSuffix's IP test is not needed.
	suffix, icann := pslWalk(d, dots[:nd])
	if !icann && strings.IndexByte(suffix, '.') < 0 || suffix == d && icann {
		return "", false
	}
	return d, true
}

// plainLabel reports whether l, made of allowed bytes, is a valid label:
// not empty, at most 63 bytes, not starting or ending with a hyphen, with
// a letter or digit (most start with one).
func plainLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	if domainByte[l[0]]&dnAlnum != 0 {
		return true
	}
	for i := 1; i < len(l); i++ {
		if domainByte[l[i]]&dnAlnum != 0 {
			return true
		}
	}
	return false
}

// checkDomain is canonicalDomain for any name, with the reason it is not
// a domain.
func checkDomain(s string) (string, error) {
	d := strings.TrimSuffix(s, ".")
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%q is not a domain: %s: %w", s, why, ErrInvalid)
	}
	if d == "" || strings.IndexByte(d, '.') < 0 {
		return bad("it needs at least two labels")
	}
	// One pass for what strings.ToLower would scan for too: lower-case
	// ASCII names (most) are kept as they are.
	ascii, upper := true, false
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 0x80 {
			ascii = false
			break
		} else if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if upper {
			d = strings.ToLower(d)
		}
	} else {
		a, err := idnaProfile.ToASCII(d)
		if err != nil {
			return bad("invalid internationalised name")
		}
		d = a
	}
	if len(d) > 253 {
		return bad("longer than 253 characters")
	}
	var tld string
	for rest := d; ; {
		l := rest
		dot := strings.IndexByte(rest, '.')
		if dot >= 0 {
			l = rest[:dot]
		}
		if l == "" || len(l) > 63 {
			return bad("empty label or label over 63 characters")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return bad("label starts or ends with a hyphen")
		}
		alnum := false
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				alnum = true
			case c == '-' || c == '_':
			default:
				return bad(fmt.Sprintf("character %q is not allowed", c))
			}
		}
		if !alnum {
			return bad("label has no letter or digit")
		}
		if dot < 0 {
			tld = l
			break
		}
		rest = rest[dot+1:]
	}
	if allDigits(tld) {
		return bad("the top-level domain is numeric")
	}
	if strings.HasPrefix(tld, "xn--") {
		if _, err := idna.ToUnicode(tld); err != nil {
			return bad("invalid punycode top-level domain")
		}
	}
	suffix, icann := publicSuffix(d)
	if !icann && strings.IndexByte(suffix, '.') < 0 {
		return bad(fmt.Sprintf("%q is not a public suffix", suffix))
	}
	if suffix == d && icann {
		return bad("it is only a public suffix")
	}
	return d, nil
}

// IsPublicSuffixDomain reports whether the lower-case ASCII domain d ends in
// a known (ICANN or private) public suffix. It is the cheap part of domain
// validation, used by the extractor before the full check.
func IsPublicSuffixDomain(d string) bool {
	suffix, icann := publicSuffix(d)
	return (icann || strings.IndexByte(suffix, '.') >= 0) && suffix != d
}

func canonicalEmail(s string) (string, error) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%q is not an e-mail address (want local@domain): %w", s, ErrInvalid)
	}
	local, dom := s[:at], s[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", fmt.Errorf("%q: invalid local part: %w", s, ErrInvalid)
	}
	upper := false
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isLocalByte(c) {
			return "", fmt.Errorf("%q: character %q not allowed in the local part: %w", s, c, ErrInvalid)
		}
		upper = upper || c >= 'A' && c <= 'Z'
	}
	d, err := canonicalDomain(dom)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, err)
	}
	if !upper && d == dom {
		// Already canonical: the value below would equal s, and building
		// it costs an allocation.
		return s, nil
	}
	return strings.ToLower(local) + "@" + d, nil
}

func isLocalByte(c byte) bool {
	return isASCIIAlnum(c) || strings.IndexByte("!#$%&'*+/=?^_`{|}~.-", c) >= 0
}

// canonicalFilename keeps the base name, trims spaces and quotes, and
// rejects control characters and invalid UTF-8. Its loops are by hand:
// strings.LastIndexAny, strings.Trim and a range loop over runes cost
// about 500 instructions for a short name (canonicalFilenameRef is the
// version with them).
func canonicalFilename(s string) (string, error) {
	i := len(s)
	for i > 0 && s[i-1] != '/' && s[i-1] != '\\' {
		i--
	}
	s = s[i:]
	for len(s) > 0 && isNameQuote(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isNameQuote(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if s == "" || s == "." || s == ".." {
		return "", fmt.Errorf("empty file name: %w", ErrInvalid)
	}
	if len(s) > 255 {
		return "", fmt.Errorf("file name of %d bytes is over 255: %w", len(s), ErrInvalid)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return "", fmt.Errorf("file name %q has a control or invalid character: %w", s, ErrInvalid)
			}
			continue
		}
		// U+FFFD itself, or an invalid byte.
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			return "", fmt.Errorf("file name %q has a control or invalid character: %w", s, ErrInvalid)
		}
		i += w - 1
	}
	return s, nil
}

// isNameQuote reports whether canonicalFilename trims b (the cutset it
// used with strings.Trim).
func isNameQuote(b byte) bool { return b == ' ' || b == '"' || b == '\'' }

// displayForm returns the form of a canonical value to show people: the
// Unicode form of an IDN domain (also inside URLs and e-mail addresses).
func displayForm(k Kind, v string) string {
	if !strings.Contains(v, "xn--") {
		return v
	}
	switch k {
	case KindDomain:
		if u, err := idna.ToUnicode(v); err == nil {
			return u
		}
	case KindEmail:
		at := strings.LastIndexByte(v, '@')
		if u, err := idna.ToUnicode(v[at+1:]); err == nil {
			return v[:at+1] + u
		}
	case KindURL:
		p, err := SplitURL(v)
		if err == nil {
			if u, err := idna.ToUnicode(p.Host); err == nil {
				return p.Scheme + "://" + p.UserInfo + u + p.PortPart() + p.Rest
			}
		}
	}
	return v
}
