package corpus

import "strconv"

// Prose templates. A template is text with slots: {A} actor, {F} malware
// family, {S}/{s} sector, {C}/{c} country, {M}/{m} month, {Y} year, {D}
// date, {N} small number, {T} tool, and slots that write indicators
// ({I} network indicator, {H} SHA256, {5} MD5, {P} file name, {E} CVE, {B} ASN) or
// traps ({K} number with thousands separators, {V} version string, {W} AV
// signature name, {R} reference link). Upper-case {S} {C} {M} are English,
// lower-case {s} {c} {m} Japanese.
var (
	enSentences = []string{
		"In {M} {Y}, we observed {A} targeting {S} organizations in {C} with spear-phishing emails that delivered {F}.",
		"The loader decrypts the payload with a single-byte XOR key and injects it into a legitimate process.",
		"{F} communicates with its C2 server over HTTPS and encodes beacon data with a custom Base64 alphabet.",
		"The initial access vector was an attachment named {P}, sent from {I}.",
		"Once executed, the implant contacts {I} and downloads the second stage.",
		"We attribute this activity to {A} with medium confidence, based on code overlaps with earlier {F} samples.",
		"The campaign exploited {E} in internet-facing VPN appliances before moving laterally with {T}.",
		"The sample (SHA256 {H}) was first submitted to a public sandbox on {D}.",
		"Our telemetry recorded {K} connection attempts from {N} unique hosts during the first week.",
		"The latest build reports itself as {V} in its configuration block.",
		"Most vendors detect the dropper as {W}, which says little about the family.",
		"The C2 domain {I} resolved to an address announced by {B} at the time of the attack.",
		"Persistence is achieved through a scheduled task that runs {T} every {N} minutes.",
		"The decoy document is written in Japanese and impersonates a {S} think tank.",
		"Analysts should block {I} at the proxy and hunt for the mutex in memory images.",
		"The archive {P} contains a shortcut file that launches {T} with an encoded command line.",
		"Unlike the previous version, this variant checks the keyboard layout before it unpacks.",
		"We shared the indicators below with JPCERT/CC and the affected vendor before publication.",
		"The attackers reused infrastructure: {I} had hosted a phishing kit two months earlier.",
		"Further analysis is available in the vendor's report ({R}).",
		"The malware exfiltrates files smaller than {K} bytes and skips system folders.",
		"At least {N} victims in the {S} sector were notified by the national CERT.",
		"The same certificate was seen on {I} and on a server in {C}.",
		"A second sample with MD5 {5} shares the same string decryption routine.",
		"The vulnerability, tracked as {E}, was patched in {M} {Y} but many devices remain exposed.",
		"The dropper writes {P} to the user's temporary folder and deletes itself.",
		"Detection names such as {W} appeared within hours of the first submission.",
		"Each request carries a victim identifier derived from the volume serial number.",
		"The operators appear to work Monday to Friday, between 9:00 and 18:00 UTC+8.",
		"Network defenders should review outbound connections on port {N}0 for anomalies.",
		"Infrastructure overlaps with {A} are weak, so we track this cluster separately.",
		"This blog post was updated on {D} with additional indicators.",
		"The configuration is encrypted with RC4 and the key is stored at offset 0x{N}0.",
		"Victims received a message asking them to review {P} before a meeting.",
		"The phishing page at {I} imitates a webmail login of a {S} company.",
	}
	jaSentences = []string{
		"{Y}年{m}月、{A}による{s}を標的とした攻撃を確認しました。",
		"攻撃者は{F}を用いて、侵害した端末から情報を窃取していました。",
		"メールには{P}という名前のファイルが添付されていました。",
		"C2サーバーは{I}です。",
		"本マルウェアは{E}の脆弱性を悪用して侵入します。",
		"検体は多くのベンダーで{W}として検知されます。",
		"通信先の一覧は以下のとおりです。",
		"JPCERT/CCが公開した情報をもとに、ハンティングルールを毎日更新しています。",
		"{F}の新しいバージョン（{V}）では、設定情報の暗号化方式が変更されています。",
		"感染した端末は{I}に定期的に接続し、コマンドを受け取ります。",
		"このIPアドレスは{B}に属しており、{c}のホスティング事業者が運用しています。",
		"調査の結果、{K}件の不審な通信を確認しました。",
		"攻撃は継続的に変化するため、一度の報告で終わりにせず観測を続けることが重要です。",
		"送信元アドレスは{I}でした。",
		"ドロッパーは{T}を悪用して次の段階のペイロードを実行します。",
		"SHA256ハッシュ値は{H}です。",
		"詳細はベンダーのレポート（{R}）を参照してください。",
		"{c}の{s}を狙った攻撃は{Y}年以降増加しています。",
		"アナリストが一目で検証でき、IoCを自動で収集できることが重要です。",
		"そのため、絵文字を目印にした固定フォーマットで投稿しています。",
		"ツイート一つにSHA256とC2と証拠画像を収めるのが一番苦労しました。",
		"圧縮ファイル{P}の中にはショートカットファイルが含まれていました。",
		"{D}に、{A}の活動と思われる新たな検体が公開サンドボックスに投稿されました。",
		"この検体のMD5は{5}で、過去の{F}と同じ復号ルーチンを持っています。",
		"防御側は{I}への通信をブロックし、端末のログを確認してください。",
		"情報提供にご協力いただいた皆様に感謝いたします。",
		"なお、本記事の内容は{D}時点の情報に基づいています。",
		"侵入後、攻撃者は{T}を使って横展開を行いました。",
		"標的型攻撃メールの件名は「{s}に関するアンケートのお願い」でした。",
		"同じ証明書が{I}でも使われていました。",
		"{F}は{N}分ごとにC2サーバーへビーコンを送信します。",
		"脆弱性{E}を悪用した攻撃が国内でも観測されています。",
	}
	headingsEN = []string{"Overview", "Technical analysis", "Initial access", "Infrastructure", "Attribution", "Recommendations", "Timeline", "Conclusion"}
	headingsJA = []string{"概要", "技術的な分析", "初期侵入", "インフラストラクチャ", "攻撃者の特定", "推奨される対策", "タイムライン", "まとめ"}

	actors    = []string{"MirrorFace", "Earth Kasha", "APT10", "BlackTech", "Lazarus", "Tick", "TA505", "Earth Hundun", "APT41", "Kimsuky", "DragonOK", "an unknown actor"}
	families  = []string{"LODEINFO", "NOOPDOOR", "PlugX", "ShadowPad", "Emotet", "IcedID", "Cobalt Strike", "HUI Loader", "QakBot", "AsyncRAT", "Remcos", "AgentTesla", "DOWNIISSA", "ANEL", "Waterbear", "RedLine"}
	sectorsEN = []string{"government", "defense", "media", "academic", "manufacturing", "financial", "healthcare", "semiconductor", "aerospace", "think-tank"}
	sectorsJA = []string{"政府機関", "防衛関連企業", "報道機関", "学術機関", "製造業", "金融機関", "医療機関", "半導体企業", "航空宇宙産業", "シンクタンク"}
	countryEN = []string{"Japan", "Taiwan", "South Korea", "the United States", "Vietnam", "India", "Germany"}
	countryJA = []string{"日本", "台湾", "韓国", "米国", "ベトナム", "インド", "ドイツ"}
	monthsEN  = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	tools     = []string{"PowerShell", "rundll32", "mshta", "certutil", "WMI", "PsExec", "regsvr32", "schtasks", "AnyDesk", "Impacket"}
)

// proseBlock writes a paragraph of English or Japanese prose, sometimes
// under a markdown heading.
func (g *gen) proseBlock() {
	ja := g.r.chance(45)
	if g.r.chance(12) {
		g.s(pick(g.r, []string{"## ", "### ", "**"}))
		if ja {
			g.s(pick(g.r, headingsJA))
		} else {
			g.s(pick(g.r, headingsEN))
		}
		g.s("\n\n")
	}
	for i, n := 0, g.r.between(2, 7); i < n; i++ {
		if ja {
			g.template(pick(g.r, jaSentences), true)
		} else {
			if i > 0 {
				g.s(" ")
			}
			g.template(pick(g.r, enSentences), false)
		}
	}
	g.s("\n\n")
}

// template writes t with its slots filled.
func (g *gen) template(t string, ja bool) {
	for i := 0; i < len(t); i++ {
		if t[i] != '{' || i+2 >= len(t) || t[i+2] != '}' {
			g.buf = append(g.buf, t[i])
			continue
		}
		g.slot(t[i+1], ja)
		i += 2
	}
}

// slot fills one template slot.
func (g *gen) slot(key byte, ja bool) {
	switch key {
	case 'A':
		g.s(pick(g.r, actors))
	case 'F':
		g.s(pick(g.r, families))
	case 'S':
		g.s(pick(g.r, sectorsEN))
	case 's':
		g.s(pick(g.r, sectorsJA))
	case 'C':
		g.s(pick(g.r, countryEN))
	case 'c':
		g.s(pick(g.r, countryJA))
	case 'M':
		g.s(pick(g.r, monthsEN))
	case 'm':
		g.s(strconv.Itoa(g.r.between(1, 12)))
	case 'Y':
		g.s(strconv.Itoa(g.r.between(2019, 2025)))
	case 'D':
		g.date()
	case 'N':
		g.s(strconv.Itoa(g.r.between(2, 60)))
	case 'T':
		g.s(pick(g.r, tools))
	case 'I':
		k, v, text, wide := g.netIOC()
		g.inline(ja, k, v, text, wide)
	case 'H':
		v, text := g.hash(kindSHA256)
		g.inline(ja, kindSHA256, v, text, false)
	case '5':
		v, text := g.hash(kindMD5)
		g.inline(ja, kindMD5, v, text, false)
	case 'P':
		f, wide := g.filename()
		g.inline(ja, kindFilename, f, f, wide)
	case 'E':
		c := g.cve()
		text := c
		if g.r.chance(10) {
			text = "cve" + c[3:]
		}
		g.emit(kindCVE, c, text)
	case 'B':
		a := g.asn()
		g.emit(kindASN, a, a)
	case 'K':
		g.thousands()
	case 'V':
		g.version()
	case 'W':
		g.avName()
	case 'R':
		g.refLink()
	}
}

// date writes a date in one of the styles reports use; "2024.03.15" is a
// trap for loose IPv4 patterns.
func (g *gen) date() {
	y, m, d := strconv.Itoa(g.r.between(2019, 2025)), g.r.between(1, 12), g.r.between(1, 28)
	switch g.r.intn(4) {
	case 0:
		g.s(y + "-" + pad2(m) + "-" + pad2(d))
	case 1:
		g.s(y + "." + pad2(m) + "." + pad2(d))
	case 2:
		g.s(y + "/" + strconv.Itoa(m) + "/" + strconv.Itoa(d))
	default:
		g.s(y + "年" + strconv.Itoa(m) + "月" + strconv.Itoa(d) + "日")
	}
}

// pad2 formats n with at least two digits.
func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
