package corpus

import "strconv"

// iocBlock writes one block of indicator-bearing lines: a list, a table, a
// post, a sample's hashes, a line of glued indicators, or traps.
func (g *gen) iocBlock() {
	switch n := g.r.intn(100); {
	case n < 20:
		g.listBlock()
	case n < 32:
		g.kvBlock()
	case n < 40:
		g.tableBlock()
	case n < 50:
		g.lodeinfoPost()
	case n < 60:
		g.shortPost()
	case n < 68:
		g.hashBlock()
	case n < 74:
		g.csvBlock()
	case n < 84:
		g.gluedBlock()
	default:
		g.trapBlock()
	}
}

// Pieces of indicator lists.
var (
	listHeadings = []string{"## Indicators of Compromise\n\n", "IoCs:\n", "### IOC\n", "IOCs\n", "■ 通信先\n", "【IoC】\n", "## 痕跡情報（IoC）\n\n", "Network indicators:\n", "C2:\n"}
	bullets      = []string{"- ", "- ", "* ", "• ", "・", "", "1. ", "+ ", "> "}
	notesEN      = []string{"", "", "", " (C2)", " - payload", " (download server)", " – phishing", " [active]", " (first seen {D})"}
	notesJA      = []string{"", "", "", "（C2）", " ← 通信先", "（ダウンロードサイト）", "（フィッシング）", "：{F}の通信先"}
)

// listBlock writes a heading and a bulleted list of indicators, some of
// them in backticks or followed by a note.
func (g *gen) listBlock() {
	g.s(pick(g.r, listHeadings))
	bullet := pick(g.r, bullets)
	ja := g.r.chance(40)
	for range g.r.between(3, 12) {
		g.s(bullet)
		k, v, text, _ := g.anyIOC()
		if g.r.chance(20) {
			g.s("`")
			g.emit(k, v, text)
			g.s("`")
		} else {
			g.emit(k, v, text)
		}
		if ja {
			g.template(pick(g.r, notesJA), true)
		} else {
			g.template(pick(g.r, notesEN), false)
		}
		g.s("\n")
	}
	if g.r.chance(15) {
		g.s("(also seen: " + g.brokenDefang(g.domain()) + ")\n")
	}
	g.s("\n")
}

// kvBlock writes "Key: value" lines, English or Japanese (the latter with
// full-width colons glued to the value).
func (g *gen) kvBlock() {
	ja := g.r.chance(45)
	key := func(en, jp string) {
		if ja {
			g.s(jp + pick(g.r, []string{"：", "：", ": "}))
		} else {
			g.s(en + pick(g.r, []string{": ", ":\t", " = "}))
		}
	}
	for range g.r.between(3, 7) {
		switch g.r.intn(7) {
		case 0, 1:
			key("C2", "通信先")
			k, v, text, _ := g.netIOC()
			g.emit(k, v, text)
		case 2:
			k, v, text := g.anyHash()
			key(map[string]string{kindMD5: "MD5", kindSHA1: "SHA1", kindSHA256: "SHA256", kindSHA512: "SHA512"}[k], "ハッシュ値")
			g.emit(k, v, text)
		case 3:
			key("File name", "ファイル名")
			f, _ := g.filename()
			g.emit(kindFilename, f, f)
		case 4:
			key("CVE", "脆弱性")
			c := g.cve()
			g.emit(kindCVE, c, c)
		case 5:
			key("ASN", "AS番号")
			a := g.asn()
			g.emit(kindASN, a, a)
			g.s(" (" + pick(g.r, isps) + ")")
		default:
			key("Sender", "送信元")
			e := g.email()
			g.emit(kindEmail, e, g.spellEmail(e))
		}
		g.s("\n")
	}
	g.s("\n")
}

// tableBlock writes a markdown table of indicators.
func (g *gen) tableBlock() {
	g.s("| Type | Indicator | Comment |\n|------|-----------|---------|\n")
	for range g.r.between(3, 10) {
		k, v, text, _ := g.anyIOC()
		g.s("| " + k + " | ")
		if g.r.chance(50) {
			g.s("`")
			g.emit(k, v, text)
			g.s("`")
		} else {
			g.emit(k, v, text)
		}
		g.s(" | ")
		g.s(pick(g.r, families))
		g.s(" |\n")
	}
	g.s("\n")
}

// isps are hosting company names for posts.
var isps = []string{"Linode, LLC", "Vultr Holdings, LLC", "DigitalOcean, LLC", "Hetzner Online GmbH", "OVH SAS", "Choopa, LLC", "Amazon.com, Inc.", "SAKURA Internet Inc.", "GMO Internet, Inc.", "M247 Europe SRL"}

// flags are the country flags of posts.
var flags = []string{"🇯🇵", "🇯🇵", "🇺🇸", "🇹🇼", "🇰🇷", "🇩🇪", "🇳🇱", "🇸🇬", "🇭🇰"}

// lodeinfoPost writes a post in the fixed format of PRODUCT.md.
func (g *gen) lodeinfoPost() {
	fam := pick(g.r, families)
	g.s(pick(g.r, []string{"🚨⚡", "🚨", "⚠️"}) + " #" + stripSpaces(fam) + " (" + pick(g.r, flags) + ")\nC2:\n🌍 ")
	v, text := g.url()
	g.emit(kindURL, v, text)
	g.s(" (ASN: ")
	a := g.asn()
	g.emit(kindASN, a, a)
	g.s(", ISP: " + pick(g.r, isps) + " " + pick(g.r, flags) + ")")
	if more := g.r.intn(4); more > 0 {
		g.s(" and " + strconv.Itoa(more) + " more (")
		for i := range more {
			if i > 0 {
				g.s(", ")
			}
			ip := g.ipv4()
			g.emit(kindIPv4, ip, g.spellHost(ip))
		}
		g.s(")")
	}
	g.s(".\nFamily:\n🦠 " + fam + " (v" + strconv.Itoa(g.r.intn(3)) + "." + strconv.Itoa(g.r.intn(10)) + "." + strconv.Itoa(g.r.intn(10)) + ")\n")
	k, hv, ht := g.anyHash()
	g.s(map[string]string{kindMD5: "MD5", kindSHA1: "SHA1", kindSHA256: "SHA256", kindSHA512: "SHA512"}[k] + ":\n🔒 ")
	g.emit(k, hv, ht)
	g.s("\nSample:\n📄 https://t.co/" + g.alnum(10) + "\nH/T to " + pick(g.r, []string{"NA4Sec Team", "@nao_sec", "JPCERT/CC", "@malwrhunterteam"}) + "\n\n")
}

// stripSpaces removes spaces, as a hashtag does.
func stripSpaces(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// shortPost writes a compact post: indicators behind emoji markers, glued
// to them or not, with hashtags.
func (g *gen) shortPost() {
	fam := pick(g.r, families)
	if g.r.chance(40) {
		k, v, text := g.anyHash()
		g.s("🦠 " + fam + " (")
		g.emit(k, v, text)
		g.s(")\n")
	} else {
		g.s("#" + stripSpaces(fam) + " " + pick(g.r, []string{"C2s 👇", "IoCs⬇️", "の通信先 👇", "#malware #IOC", "🎣 #phishing"}) + "\n")
	}
	glue := pick(g.r, []string{" ", "", " "})
	for range g.r.between(1, 5) {
		k, v, text, _ := g.netIOC()
		g.s(pick(g.r, []string{"🌍", "🔗", "📡", "➡️", "🔥", "🚩"}) + glue)
		g.emit(k, v, text)
		if g.r.chance(20) {
			g.s(pick(g.r, []string{"🔥", " ✅", "!!", "…"}))
		}
		g.s("\n")
	}
	g.s(pick(g.r, []string{"#IOC #ThreatIntel", "#CyberSecurity", "H/T @nao_sec", "", "#LODEINFO #APT10"}) + "\n\n")
}

// hashBlock writes the hashes of one sample and reference links to the
// same sample: the hash in the link is labelled only where it stands alone.
func (g *gen) hashBlock() {
	f, _ := g.filename()
	g.s("Sample ")
	g.emit(kindFilename, f, f)
	g.s(":\n")
	md5, sha1, sha256 := g.hex(32), g.hex(40), g.hex(64)
	g.s("MD5    ")
	g.emit(kindMD5, md5, g.spellHash(md5))
	g.s("\nSHA1   ")
	g.emit(kindSHA1, sha1, g.spellHash(sha1))
	g.s("\nSHA256 ")
	g.emit(kindSHA256, sha256, g.spellHash(sha256))
	if g.r.chance(30) {
		v, t := g.hash(kindSHA512)
		g.s("\nSHA512 ")
		g.emit(kindSHA512, v, t)
	}
	g.s("\n")
	if g.r.chance(50) {
		g.s("VT: https://www.virustotal.com/gui/file/" + sha256 + "\n")
	}
	if g.r.chance(40) {
		g.s("MalwareBazaar: https://bazaar.abuse.ch/sample/" + sha256 + "/\n")
	}
	g.s("\n")
}

// csvBlock writes indicators in a code fence as CSV.
func (g *gen) csvBlock() {
	g.s("```\nindicator,type,first_seen\n")
	for range g.r.between(3, 10) {
		k, v, text, _ := g.anyIOC()
		if g.r.chance(15) {
			g.s("\"")
			g.emit(k, v, text)
			g.s("\"")
		} else {
			g.emit(k, v, text)
		}
		g.s("," + k + ",")
		g.date()
		g.s("\n")
	}
	g.s("```\n\n")
}

// gluedBlock writes a line of indicators glued to emoji, CJK text,
// brackets, quotes and trailing punctuation.
func (g *gen) gluedBlock() {
	for range g.r.between(2, 5) {
		k, v, text, wide := g.anyIOC()
		switch g.r.intn(6) {
		case 0:
			g.s(pick(g.r, []string{"⚠️", "🔥", "👉", "🚨"}))
			g.emit(k, v, text)
			g.s(pick(g.r, []string{"🔥", "❗", "", "👀"}))
		case 1:
			g.inline(true, k, v, text, wide)
			g.s(pick(g.r, []string{"へ接続", "です。", "を確認", "、", "。"}))
		case 2:
			g.s(pick(g.r, []string{"(", "[", "{", "<"}))
			g.emit(k, v, text)
			g.s(pick(g.r, []string{"),", "]", "}", ">;"}))
		case 3:
			g.s(pick(g.r, []string{"“", "\"", "'", "「"}))
			g.emit(k, v, text)
			g.s(pick(g.r, []string{"”.", "\",", "'!", "」？"}))
		case 4:
			g.emit(k, v, text)
			g.s(pick(g.r, []string{".", ",", ";", ":", "!", "?", "…", "..."}))
		default:
			g.s(pick(g.r, []string{"IOC=", "ioc:", "→", "=>"}))
			g.emit(k, v, text)
		}
		g.s(" ")
	}
	g.s("\n\n")
}
