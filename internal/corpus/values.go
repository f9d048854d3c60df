package corpus

import (
	"strconv"
	"strings"
)

// The kinds of indicator the generator labels, spelled as intel.Kind spells
// them. The package keeps its own copy so that it imports nothing from
// iocast.
const (
	kindIPv4     = "ipv4"
	kindIPv6     = "ipv6"
	kindDomain   = "domain"
	kindURL      = "url"
	kindEmail    = "email"
	kindMD5      = "md5"
	kindSHA1     = "sha1"
	kindSHA256   = "sha256"
	kindSHA512   = "sha512"
	kindCVE      = "cve"
	kindASN      = "asn"
	kindFilename = "filename"
)

// Word lists for synthetic domain names. Combined with digits they give
// millions of distinct names, none of them a well-known site.
var (
	domainWords = []string{
		"secure", "update", "login", "cdn", "cloud", "mail", "portal", "sync",
		"office", "docs", "drive", "static", "api", "auth", "verify", "account",
		"service", "support", "news", "media", "img", "data", "file", "share",
		"online", "web", "net", "micro", "soft", "host", "node", "edge",
		"azure", "global", "asia", "japan", "tokyo", "osaka", "corp", "info",
		"smart", "fast", "safe", "check", "status", "report", "bank", "pay",
		"wallet", "token", "sign", "hub", "zone", "link", "track", "stat",
		"vpn", "proxy", "gate", "relay", "store", "shop", "game", "live",
	}
	tlds = []string{
		"com", "com", "com", "net", "net", "org", "info", "xyz", "top", "jp",
		"co.jp", "ne.jp", "or.jp", "biz", "online", "site", "live", "club",
		"icu", "shop", "ru", "cn", "io", "cc", "tk", "me", "us", "in",
	}
	subdomains = []string{
		"www", "mail", "cdn", "api", "update", "dl", "ns1", "static", "m",
		"img", "portal", "login", "secure", "app", "vpn", "ftp", "blog",
	}
	// idnWords are lower-case NFC labels for IDN domains.
	idnWords = []string{
		"ログイン", "銀行", "テスト", "例え", "セキュリティ", "更新", "お知らせ",
		"サポート", "認証", "宅配", "配送", "郵便", "カード", "ポイント",
		"bücher", "münchen", "sécurité", "mañana", "café", "straße", "пример",
	}
)

// word returns a random domain word.
func (g *gen) word() string { return pick(g.r, domainWords) }

// digits returns n random decimal digits, the first not zero.
func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.intn(10))
	}
	if b[0] == '0' {
		b[0] = byte('1' + g.r.intn(9))
	}
	return string(b)
}

// hex returns n random lower-case hexadecimal digits.
func (g *gen) hex(n int) string {
	const hexDigits = "0123456789abcdef"
	b := make([]byte, n)
	var x uint64
	for i := range b {
		if i%16 == 0 {
			x = g.r.u64()
		}
		b[i] = hexDigits[x&15]
		x >>= 4
	}
	return string(b)
}

// alnum returns n random ASCII letters and digits of mixed case.
func (g *gen) alnum(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[g.r.intn(len(chars))]
	}
	return string(b)
}

// ipv4 returns a random address in public unicast space: no private,
// loopback, link-local, CGNAT, documentation, benchmark, multicast or
// reserved ranges.
func (g *gen) ipv4() string {
	for {
		a, b := g.r.between(1, 223), g.r.intn(256)
		switch {
		case a == 10 || a == 127 || a == 0:
			continue
		case a == 100 && b >= 64 && b < 128:
			continue
		case a == 169 && b == 254, a == 172 && b >= 16 && b < 32, a == 192 && b == 168:
			continue
		case a == 192 && b == 0, a == 198 && (b == 18 || b == 19 || b == 51), a == 203 && b == 0:
			continue
		}
		c, d := g.r.intn(256), g.r.between(1, 254)
		return strconv.Itoa(a) + "." + strconv.Itoa(b) + "." + strconv.Itoa(c) + "." + strconv.Itoa(d)
	}
}

// ipv6Prefixes are hosting and ISP prefixes in global unicast space.
var ipv6Prefixes = []string{"2a01:4f8", "2a01:4f9", "2600:3c00", "2001:19f0", "2604:a880", "2a03:b0c0", "240b:10", "2406:da14", "2402:6b00", "2a05:d014"}

// ipv6 returns a random address under a public prefix, in RFC 5952
// canonical form (lower-case, longest zero run compressed).
func (g *gen) ipv6() string {
	groups := strings.Split(pick(g.r, ipv6Prefixes), ":")
	for len(groups) < 8 {
		switch {
		case g.r.chance(30):
			groups = append(groups, "0")
		case g.r.chance(40):
			groups = append(groups, strconv.FormatUint(uint64(g.r.intn(0x10000)), 16))
		default:
			groups = append(groups, strconv.FormatUint(uint64(g.r.intn(0x100)), 16))
		}
	}
	if groups[7] == "0" {
		groups[7] = "1"
	}
	return compressIPv6(groups)
}

// compressIPv6 joins eight groups (without leading zeros) and replaces the
// longest run of two or more zero groups, the first on a tie, with "::".
func compressIPv6(groups []string) string {
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		if groups[i] != "0" {
			i++
			continue
		}
		j := i
		for j < 8 && groups[j] == "0" {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	if best < 0 {
		return strings.Join(groups, ":")
	}
	return strings.Join(groups[:best], ":") + "::" + strings.Join(groups[best+bestLen:], ":")
}

// domain returns a random lower-case domain name.
func (g *gen) domain() string {
	var b strings.Builder
	if g.r.chance(25) {
		b.WriteString(pick(g.r, subdomains))
		b.WriteByte('.')
	}
	b.WriteString(g.word())
	switch g.r.intn(4) {
	case 0:
		b.WriteString(g.word())
	case 1:
		b.WriteByte('-')
		b.WriteString(g.word())
	case 2:
		b.WriteString(g.digits(g.r.between(2, 4)))
	default:
		b.WriteByte('-')
		b.WriteString(g.word())
		b.WriteString(g.digits(g.r.between(1, 3)))
	}
	b.WriteByte('.')
	b.WriteString(pick(g.r, tlds))
	return b.String()
}

// idnDomain returns an internationalised domain name as people write it
// (Unicode) and in its canonical IDNA ASCII form.
func (g *gen) idnDomain() (unicode, ascii string) {
	label := pick(g.r, idnWords)
	if g.r.chance(50) {
		label += "-" + g.digits(g.r.between(2, 4))
	}
	tld := pick(g.r, []string{"com", "net", "jp", "xyz", "top", "info"})
	unicode, ascii = label+"."+tld, toASCIILabel(label)+"."+tld
	if g.r.chance(30) {
		sub := pick(g.r, subdomains)
		unicode, ascii = sub+"."+unicode, sub+"."+ascii
	}
	return unicode, ascii
}

// Pieces of URL paths and queries, some of them odd on purpose.
var (
	pathDirs  = []string{"wp-content/plugins", "wp-includes", "admin", "api/v1", "api/v2", "static/js", "images", "uploads/2024/03", "~user", "cgi-bin", ".well-known", "assets", "data", "css", "files", "x", "0", "a/b/c", "index.php", "%E3%81%82"}
	pathFiles = []string{"gate.php", "index.php", "submit.php", "login.html", "update.bin", "config.dat", "payload.exe", "invoice.zip", "jquery.min.js", "favicon.ico", "track", "beacon", "download", "s.php", "post.aspx", "file.hta", "a.ps1", "check", "doc.iso", "setup.msi"}
	queryKeys = []string{"id", "q", "uid", "token", "v", "ref", "u", "key", "session", "p", "lang", "t"}
)

// urlPath returns a random path, sometimes with a query or fragment. It
// never ends in punctuation, so trailing punctuation in the corpus is
// never part of a URL.
func (g *gen) urlPath() string {
	var b strings.Builder
	b.WriteByte('/')
	if g.r.chance(10) {
		return "/"
	}
	for range g.r.intn(3) {
		b.WriteString(pick(g.r, pathDirs))
		b.WriteByte('/')
	}
	if g.r.chance(85) {
		b.WriteString(pick(g.r, pathFiles))
	} else {
		b.WriteString(g.alnum(g.r.between(4, 12)))
	}
	if g.r.chance(40) {
		for i := range g.r.between(1, 3) {
			if i == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(pick(g.r, queryKeys))
			b.WriteByte('=')
			switch g.r.intn(5) {
			case 0:
				b.WriteString(g.hex(g.r.between(8, 24)))
			case 1:
				b.WriteString(g.alnum(g.r.between(6, 40)))
			case 2:
				b.WriteString("a%20b%2Fc")
			case 3:
				b.WriteString(g.digits(g.r.between(1, 6)))
			default:
				b.WriteString("x=1;y=2")
			}
		}
	}
	if g.r.chance(5) {
		b.WriteString("#" + g.alnum(6))
	}
	return b.String()
}

// ports are the ports C2 endpoints use.
var ports = []string{"443", "80", "8080", "8443", "4444", "1337", "53", "8000", "9001", "2083", "7443", "10443", "50050"}

// port returns a random port number.
func (g *gen) port() string { return pick(g.r, ports) }

// emailLocals are local parts of sender addresses.
var emailLocals = []string{"info", "admin", "support", "noreply", "hr", "sales", "contact", "office", "jimu", "soumu", "tanaka", "suzuki", "sato", "yamada", "j.smith", "a.lee", "billing", "security"}

// email returns a random lower-case e-mail address.
func (g *gen) email() string {
	local := pick(g.r, emailLocals)
	if g.r.chance(50) {
		local += g.digits(g.r.between(1, 4))
	}
	return local + "@" + g.domain()
}

// cve returns a random CVE id in canonical (upper-case) form.
func (g *gen) cve() string {
	return "CVE-" + strconv.Itoa(g.r.between(2014, 2025)) + "-" + g.digits(g.r.between(4, 5))
}

// asn returns a random AS number in canonical "AS" + digits form.
func (g *gen) asn() string { return "AS" + g.digits(g.r.between(3, 6)) }

// File name parts; Japanese bases are common in lures aimed at Japan.
var (
	fileBases   = []string{"invoice", "report", "payment", "order", "scan", "document", "resume", "contract", "update", "setup", "readme", "photo", "salary", "meeting_notes", "shipping"}
	fileBasesJA = []string{"請求書", "見積書", "履歴書", "会議資料", "給与明細", "発注書", "契約書", "案内", "お知らせ", "議事録", "名簿"}
	fileExts    = []string{"zip", "docx", "doc", "xlsx", "xls", "pdf", "exe", "dll", "lnk", "iso", "js", "hta", "rar", "7z", "one", "vbs", "ps1", "msi", "img"}
)

// filename returns a random lure or payload file name, and whether it is
// Japanese (and so must not be glued to Japanese text, where nothing would
// mark where it starts).
func (g *gen) filename() (name string, ja bool) {
	var base string
	if ja = g.r.chance(35); ja {
		base = pick(g.r, fileBasesJA)
	} else {
		base = pick(g.r, fileBases)
	}
	switch g.r.intn(4) {
	case 0:
		base += "_" + g.digits(g.r.between(4, 8))
	case 1:
		base += "-" + strconv.Itoa(g.r.between(2019, 2025))
	}
	if g.r.chance(5) {
		return base + ".pdf.exe", ja
	}
	return base + "." + pick(g.r, fileExts), ja
}
