package corpus

// hashLen is the number of hex digits of each hash kind.
var hashLen = map[string]int{kindMD5: 32, kindSHA1: 40, kindSHA256: 64, kindSHA512: 128}

// hash returns a random hash of kind and its spelling.
func (g *gen) hash(kind string) (value, text string) {
	v := g.hex(hashLen[kind])
	return v, g.spellHash(v)
}

// anyHash returns a random hash of a random kind, SHA256 most often.
func (g *gen) anyHash() (kind, value, text string) {
	kind = pick(g.r, []string{kindMD5, kindMD5, kindSHA1, kindSHA256, kindSHA256, kindSHA256, kindSHA512})
	value, text = g.hash(kind)
	return kind, value, text
}

// url returns a random URL, canonical and spelled. Hosts are domains, IPv4
// addresses (often with a port) or, rarely, bracketed IPv6 addresses.
func (g *gen) url() (value, text string) {
	scheme := pick(g.r, []string{"http", "http", "https", "https", "https", "ftp"})
	var host, hostText string
	switch n := g.r.intn(100); {
	case n < 68:
		host = g.domain()
		hostText = g.spellHost(host)
	case n < 95:
		host = g.ipv4()
		hostText = g.spellHost(host)
	default:
		host = "[" + g.ipv6() + "]"
		hostText = host
	}
	if g.r.chance(20) {
		p := ":" + g.port()
		host, hostText = host+p, hostText+p
	}
	path := g.urlPath()
	return scheme + "://" + host + path, g.spellScheme(scheme) + hostText + path
}

// netIOC returns a random network indicator: its kind, canonical value,
// spelling, and whether the spelling starts or ends with non-ASCII letters
// (a Unicode IDN), so that it must not be glued to Japanese text.
func (g *gen) netIOC() (kind, value, text string, wide bool) {
	switch n := g.r.intn(100); {
	case n < 22:
		ip := g.ipv4()
		return kindIPv4, ip, g.spellHost(ip), false
	case n < 30:
		ip := g.ipv4()
		return kindIPv4, ip, g.spellHost(ip) + ":" + g.port(), false
	case n < 50:
		d := g.domain()
		return kindDomain, d, g.spellHost(d), false
	case n < 54:
		u, a := g.idnDomain()
		if g.r.chance(25) {
			return kindDomain, a, g.spellHost(a), false
		}
		return kindDomain, a, g.defangDots(u), true
	case n < 57:
		d := g.domain()
		return kindDomain, d, g.spellHost(d) + ":" + g.port(), false
	case n < 80:
		v, t := g.url()
		return kindURL, v, t, false
	case n < 86:
		// A URL without a scheme: canonical form adds "http://".
		host := g.domain()
		hostText := g.spellHost(host)
		if g.r.chance(40) {
			host = g.ipv4()
			p := ":" + g.port()
			host, hostText = host+p, g.spellHost(host)+p
		}
		path := g.urlPath()
		if path == "/" {
			path = "/" + pick(g.r, pathFiles)
		}
		return kindURL, "http://" + host + path, hostText + path, false
	case n < 96:
		e := g.email()
		return kindEmail, e, g.spellEmail(e), false
	default:
		v := g.ipv6()
		return kindIPv6, v, g.maybeUpper(v, 20), false
	}
}

// anyIOC returns an indicator of any kind, as netIOC does.
func (g *gen) anyIOC() (kind, value, text string, wide bool) {
	switch n := g.r.intn(100); {
	case n < 52:
		return g.netIOC()
	case n < 82:
		kind, value, text = g.anyHash()
		return kind, value, text, false
	case n < 89:
		f, ja := g.filename()
		return kindFilename, f, f, ja
	case n < 95:
		c := g.cve()
		return kindCVE, c, c, false
	default:
		a := g.asn()
		return kindASN, a, a, false
	}
}

// Wrappers around an indicator written inside a sentence.
var (
	wrapsEN = [][2]string{{"", ""}, {"", ""}, {"", ""}, {"", ""}, {"(", ")"}, {"\"", "\""}, {"“", "”"}, {"`", "`"}, {"<", ">"}, {"'", "'"}, {"[", "]"}}
	wrapsJA = [][2]string{{"", ""}, {"", ""}, {"", ""}, {"「", "」"}, {"「", "」"}, {"『", "』"}, {"（", "）"}, {" ", " "}, {"“", "”"}, {"【", "】"}, {"(", ")"}}
)

// inline writes an indicator inside a sentence, bare or wrapped in
// brackets or quotes; in Japanese, bare means glued to the text around it.
// wide indicators (Unicode IDNs, Japanese file names) are never glued to
// Japanese text.
func (g *gen) inline(ja bool, kind, value, text string, wide bool) {
	w := pick(g.r, wrapsEN)
	if ja {
		w = pick(g.r, wrapsJA)
		if wide && (w[0] == "" || w[0] == "(") {
			w = [2]string{"「", "」"}
		}
	}
	g.s(w[0])
	g.emit(kind, value, text)
	g.s(w[1])
}
