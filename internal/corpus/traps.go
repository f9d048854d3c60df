package corpus

import (
	"strconv"
	"strings"
)

// Traps: text that looks like an indicator and is not one. None of it is
// labelled.

// thousands writes a number with thousands separators ("11,194,880").
func (g *gen) thousands() {
	g.s(strconv.Itoa(g.r.between(1, 999)))
	for range g.r.between(1, 3) {
		g.s("," + strconv.Itoa(g.r.between(100, 999)))
	}
}

// version writes a version string, often one that a loose pattern would
// take for an IPv4 address or a domain.
func (g *gen) version() {
	a, b, c, d := strconv.Itoa(g.r.intn(12)), strconv.Itoa(g.r.intn(20)), strconv.Itoa(g.r.intn(30)), strconv.Itoa(g.r.intn(200))
	switch g.r.intn(7) {
	case 0:
		g.s("version " + a + "." + b + "." + c + "." + d)
	case 1:
		g.s("v" + a + "." + b + "." + c)
	case 2:
		g.s("ver. " + a + "." + b)
	case 3:
		g.s("build 10.0." + strconv.Itoa(g.r.between(17000, 26000)) + "." + d)
	case 4:
		g.s("Chrome/" + strconv.Itoa(g.r.between(100, 130)) + ".0." + strconv.Itoa(g.r.between(5000, 7000)) + "." + d)
	case 5:
		g.s("OpenSSL " + a + "." + b + "." + c)
	default:
		g.s("v" + a + "." + b + "." + c + "-beta")
	}
}

// avName writes an antivirus signature name ("Trojan:Win32/Emotet.A!ml").
func (g *gen) avName() {
	fam := pick(g.r, families)
	fam = strings.ReplaceAll(fam, " ", "")
	up := strings.ToUpper(fam)
	sfx := string(rune('A'+g.r.intn(26))) + string(rune('A'+g.r.intn(26)))
	switch g.r.intn(9) {
	case 0:
		g.s("W64/" + up + "." + sfx + "!tr")
	case 1:
		g.s("Trojan:Win32/" + fam + "." + sfx[:1] + "!ml")
	case 2:
		g.s("HEUR:Trojan.Win32.Generic")
	case 3:
		g.s("Backdoor.Win64." + up + "." + sfx[:1])
	case 4:
		g.s("Win.Trojan." + fam + "-" + g.digits(g.r.between(5, 7)) + "-0")
	case 5:
		g.s("Trojan.GenericKD." + g.digits(8))
	case 6:
		g.s("TrojanDownloader:O97M/Donoff." + sfx)
	case 7:
		g.s("Gen:Variant.Razy." + g.digits(6))
	default:
		g.s("W32/" + fam + ".gen!Eldorado")
	}
}

// xUsers are account names for reference links.
var xUsers = []string{"jpcert_en", "nao_sec", "malwrhunterteam", "JAMESWT_MHT", "Unit42_Intel", "ESETresearch", "cyberkatsu", "abuse_ch", "TLP_lab"}

// refLink writes a reference link: a post, a sandbox or repository page,
// a vendor report. The hash in a VirusTotal or MalwareBazaar link is a
// fresh one here; hashBlock writes links to the hashes it lists.
func (g *gen) refLink() {
	switch g.r.intn(9) {
	case 0:
		g.s("https://x.com/" + pick(g.r, xUsers) + "/status/17" + g.digits(17))
	case 1:
		g.s("https://twitter.com/" + pick(g.r, xUsers) + "/status/16" + g.digits(17))
	case 2:
		g.s("https://www.virustotal.com/gui/file/" + g.hex(64))
	case 3:
		g.s("https://bazaar.abuse.ch/sample/" + g.hex(64) + "/")
	case 4:
		g.s("https://www.linkedin.com/in/" + pick(g.r, emailLocals) + "-" + g.hex(8) + "/")
	case 5:
		g.s("https://blogs.jpcert.or.jp/ja/" + strconv.Itoa(g.r.between(2019, 2025)) + "/" + pad2(g.r.between(1, 12)) + "/" + strings.ToLower(strings.ReplaceAll(pick(g.r, families), " ", "_")) + ".html")
	case 6:
		g.s("https://attack.mitre.org/techniques/T1" + g.digits(3) + "/00" + strconv.Itoa(g.r.between(1, 9)) + "/")
	case 7:
		g.s("https://t.co/" + g.alnum(10))
	default:
		g.s("https://github.com/" + pick(g.r, xUsers) + "/iocs/blob/main/" + strings.ToLower(strings.ReplaceAll(pick(g.r, families), " ", "-")) + ".md")
	}
}

// cidr writes a CIDR block, private or public.
func (g *gen) cidr() {
	switch g.r.intn(4) {
	case 0:
		g.s("10.0.0.0/8")
	case 1:
		g.s("192.168." + strconv.Itoa(g.r.intn(256)) + ".0/24")
	case 2:
		g.s("172.16.0.0/12")
	default:
		ip := g.ipv4()
		ip = ip[:strings.LastIndexByte(ip, '.')] + ".0"
		g.s(ip + "/" + strconv.Itoa(g.r.between(16, 24)))
	}
}

// trapBlock writes a block made of traps only: references, detection
// names, allowlisted ranges, release notes.
func (g *gen) trapBlock() {
	switch g.r.intn(5) {
	case 0:
		g.s(pick(g.r, []string{"References:\n", "## References\n\n", "参考情報：\n", "【参考】\n"}))
		for range g.r.between(2, 6) {
			g.s(pick(g.r, []string{"- ", "* ", "・", ""}))
			if g.r.chance(25) {
				g.s("[" + pick(g.r, []string{"report", "sample", "post", "レポート", "検体"}) + "](")
				g.refLink()
				g.s(")")
			} else {
				g.refLink()
			}
			g.s("\n")
		}
	case 1:
		g.s(pick(g.r, []string{"Detection names:\n", "検知名：\n", "AV detections:\n"}))
		for range g.r.between(2, 5) {
			g.s(pick(g.r, []string{"- ", "・", "  "}))
			g.avName()
			g.s("\n")
		}
	case 2:
		g.s(pick(g.r, []string{"Do not block internal ranges such as ", "社内のアドレス帯（", "Excluded from the blocklist: "}))
		for i := range g.r.between(1, 4) {
			if i > 0 {
				g.s(", ")
			}
			g.cidr()
		}
		g.s(pick(g.r, []string{".\n", "）は除外してください。\n", "\n"}))
	case 3:
		g.s("Changelog: ")
		g.version()
		g.s(" fixes a crash; ")
		g.version()
		g.s(" adds support for ")
		g.thousands()
		g.s(" rules. Sample size: ")
		g.thousands()
		g.s(" bytes.\n")
	default:
		g.s("User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ")
		g.version()
		g.s(" Safari/537.36\n")
	}
	g.s("\n")
}
