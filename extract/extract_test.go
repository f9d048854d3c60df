package extract

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// found is the comparable part of a Match.
type found struct {
	Kind, Value string
	Port        int
	Defanged    bool
}

func extractAll(t *testing.T, e *Extractor, text string) []found {
	t.Helper()
	var out []found
	for _, m := range e.ExtractString(text) {
		out = append(out, found{string(m.Kind), m.Value, m.Port, m.SourceDefanged})
		if got := text[m.Start:m.End]; got != m.Raw {
			t.Errorf("span [%d,%d) is %q, Raw is %q", m.Start, m.End, got, m.Raw)
		}
	}
	return out
}

func TestDefangVariants(t *testing.T) {
	tests := []struct {
		name, text string
		want       []found
	}{
		{"square dot", "C2: evil[.]com", []found{{"domain", "evil.com", 0, true}}},
		{"round dot", "evil(.)com", []found{{"domain", "evil.com", 0, true}}},
		{"curly dot", "evil{.}com", []found{{"domain", "evil.com", 0, true}}},
		{"[dot]", "evil[dot]com", []found{{"domain", "evil.com", 0, true}}},
		{"(dot)", "evil(dot)co(dot)jp", []found{{"domain", "evil.co.jp", 0, true}}},
		{"spaced dot word", "evil dot com", []found{{"domain", "evil.com", 0, true}}},
		{"spaced bracket", "evil [.] com", []found{{"domain", "evil.com", 0, true}}},
		{"backslash", `evil\.com`, []found{{"domain", "evil.com", 0, true}}},
		{"colon", "http[:]//evil.com/a", []found{{"url", "http://evil.com/a", 0, true}}},
		{"colon slashes", "http[://]evil.com/a", []found{{"url", "http://evil.com/a", 0, true}}},
		{"hxxp", "hxxp://evil.com/a", []found{{"url", "http://evil.com/a", 0, true}}},
		{"hXXps", "hXXps://evil.com/a", []found{{"url", "https://evil.com/a", 0, true}}},
		{"h**p", "h**p://evil.com/a", []found{{"url", "http://evil.com/a", 0, true}}},
		{"fxp", "fxp://files.evil.com/a", []found{{"url", "ftp://files.evil.com/a", 0, true}}},
		{"[@]", "bad[@]evil.com", []found{{"email", "bad@evil.com", 0, true}}},
		{"(at)", "bad(at)evil.com", []found{{"email", "bad@evil.com", 0, true}}},
		{"at dot words", "bad at evil dot com", []found{{"email", "bad@evil.com", 0, true}}},
		{"full-width dot", "evil．com", []found{{"domain", "evil.com", 0, true}}},
		{"ideographic dot", "evil。com", []found{{"domain", "evil.com", 0, true}}},
		{"zero width", "evil\u200b.com", []found{{"domain", "evil.com", 0, true}}},
		{"only last dot", "www.evil[.]com", []found{{"domain", "www.evil.com", 0, true}}},
		{"only scheme", "hxxp://www.evil.com/x", []found{{"url", "http://www.evil.com/x", 0, true}}},
		{"broken open", "evil[.com", []found{{"domain", "evil.com", 0, true}}},
		{"broken ip", "1.2.3[.4", []found{{"ipv4", "1.2.3.4", 0, true}}},
		{"empty brackets", "162.33.178.[]206", []found{{"ipv4", "162.33.178.206", 0, true}}},
		{"ip dot word", "146.190.29 dot 207", []found{{"ipv4", "146.190.29.207", 0, true}}},
		{"lodeinfo c2", "🌍 http[:]//172.104.72[.]4/ (ASN: AS63949", []found{{"url", "http://172.104.72.4/", 0, true}, {"asn", "AS63949", 0, false}}},
	}
	e := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, extractAll(t, e, tt.text)); diff != "" {
				t.Errorf("Extract(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestContexts(t *testing.T) {
	tests := []struct {
		name, text string
		want       []found
	}{
		{"glued to emoji", "🌍evil[.]com🔥", []found{{"domain", "evil.com", 0, true}}},
		{"glued to CJK", "C2サーバはevil[.]comです。", []found{{"domain", "evil.com", 0, true}}},
		{"CJK brackets", "「evil.xyz」と『1.2.3.4』", []found{{"domain", "evil.xyz", 0, false}, {"ipv4", "1.2.3.4", 0, false}}},
		{"typographic quotes", "“evil.top” ‘evil2.top’", []found{{"domain", "evil.top", 0, false}, {"domain", "evil2.top", 0, false}}},
		{"trailing punctuation", "See evil.com, evil2.com; and evil3.com!", []found{{"domain", "evil.com", 0, false}, {"domain", "evil2.com", 0, false}, {"domain", "evil3.com", 0, false}}},
		{"parentheses", "(evil.com) [1.2.3.4]", []found{{"domain", "evil.com", 0, false}, {"ipv4", "1.2.3.4", 0, false}}},
		{"host port", "45.77.28[.]124:443 evil.com:8080", []found{{"ipv4", "45.77.28.124", 443, true}, {"domain", "evil.com", 8080, false}}},
		{"ip port path", "45.77.28.124:8080/gate.php", []found{{"url", "http://45.77.28.124:8080/gate.php", 0, false}}},
		{"odd url", "hxxps://evil[.]com/wp-admin/../x.php?id=1&a=%20b#frag", []found{{"url", "https://evil.com/wp-admin/../x.php?id=1&a=%20b#frag", 0, true}}},
		{"wikipedia parens", "https://evil.com/wiki/A_(b) end", []found{{"url", "https://evil.com/wiki/A_(b)", 0, false}}},
		{"upper hash", "MD5: DA1C9006B493D7E95DB4D354C5F0E99F", []found{{"md5", "da1c9006b493d7e95db4d354c5f0e99f", 0, false}}},
		{"hash in vt link", "https://www.virustotal.com/gui/file/737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360/detection", []found{{"sha256", "737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360", 0, false}}},
		{"hash in malicious url is not a sample", "hxxp://evil[.]com/737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360", []found{{"url", "http://evil.com/737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360", 0, true}}},
		{"file named by hash", "da1c9006b493d7e95db4d354c5f0e99f.exe", []found{{"md5", "da1c9006b493d7e95db4d354c5f0e99f", 0, false}}},
		{"ipv6 bracket port", "[2a01:4f8::2]:443", []found{{"ipv6", "2a01:4f8::2", 443, false}}},
		{"cve lower", "cve-2021-44228", []found{{"cve", "CVE-2021-44228", 0, false}}},
		{"asn spaced", "ASN 13335", []found{{"asn", "AS13335", 0, false}}},
		{"idn", "bücher-shop[.]de", []found{{"domain", "xn--bcher-shop-9db.de", 0, true}}},
		{"cjk filename", "添付ファイル請求書.docx", []found{{"filename", "添付ファイル請求書.docx", 0, false}}},
		{"unc path", `\\104.168.133[.]38\snd`, []found{{"ipv4", "104.168.133.38", 0, true}}},
		{"windows path", `C:\Users\Public\mal.exe`, []found{{"filename", "mal.exe", 0, false}}},
		{"cve before period", "Exploited CVE-2021-44228. Hosted on ASN: AS63949.", []found{{"cve", "CVE-2021-44228", 0, false}, {"asn", "AS63949", 0, false}}},
		{"key=value hash", "md5=da1c9006b493d7e95db4d354c5f0e99f", []found{{"md5", "da1c9006b493d7e95db4d354c5f0e99f", 0, false}}},
		{"cjk idn defanged", "・ログイン確認[.]com へ誘導", []found{{"domain", "xn--eckxa6p0a9892gimwa.com", 0, true}}},
		{"cjk idn full-width dot", "・セキュリティ更新．net", []found{{"domain", "xn--dckta5b5b2j4a1907fbec.net", 0, true}}},
		{"cjk idn url", "hxxps://ログイン確認[.]com/member/login", []found{{"url", "https://xn--eckxa6p0a9892gimwa.com/member/login", 0, true}}},
		{"mismatched brackets", "secure.wallet-soft[.)io", []found{{"domain", "secure.wallet-soft.io", 0, true}}},
		{"emoji variation selector", "➡️106\\.40\\.49\\.214", []found{{"ipv4", "106.40.49.214", 0, true}}},
		{"spaced dots with port", "(104 dot 61 dot 230 dot 78:8443, x", []found{{"ipv4", "104.61.230.78", 8443, true}}},
		{"spaced dot in url", "ftp[:]//129.120.183 dot 194/a/setup.msi", []found{{"url", "ftp://129.120.183.194/a/setup.msi", 0, true}}},
		{"defanged email with dot word", "admin4490[@]shareupdate dot org：連絡先", []found{{"email", "admin4490@shareupdate.org", 0, true}}},
		{"ascii file name after cjk", "メールにはresume_19302.exeという", []found{{"filename", "resume_19302.exe", 0, false}}},
		{"cjk idn with hyphen", "`カード-1269{.}xyz`", []found{{"domain", "xn---1269-5n4dvh3o.xyz", 0, true}}},
		{"key=ip:port/path", "IOC=3．149．231．217:4444/beacon", []found{{"url", "http://3.149.231.217:4444/beacon", 0, true}}},
		{"zero width before ideographic dot", "“update-data\u200d。co。jp/0/post.aspx”", []found{{"url", "http://update-data.co.jp/0/post.aspx", 0, true}}},
		{"cjk idn under an ascii subdomain", "app.日本[.]net", []found{{"domain", "app.xn--wgv71a.net", 0, true}}},
		{"bracketed file name after cjk", "メールには(contract.vbs)を", []found{{"filename", "contract.vbs", 0, false}}},
		{"duplicates once", "evil.com evil[.]com EVIL.COM", []found{{"domain", "evil.com", 0, false}}},
	}
	e := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, extractAll(t, e, tt.text)); diff != "" {
				t.Errorf("Extract(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestFalsePositives lists texts that hold no indicator at all.
func TestFalsePositives(t *testing.T) {
	tests := []struct{ name, text string }{
		{"thousands separators", "It received 11,194,880 requests and 1.234.567 bytes."},
		{"version string", "version 1.2.3.4, ver. 2.0.1.7, v0.6.2, Version: 10.0.0.1, firmware 4.3.2.1"},
		{"av name slash", "W64/BURNTCIGAR.CA!tr"},
		{"av name colon", "Trojan:Win32/Emotet.A!ml HEUR:Trojan.Win32.Generic Backdoor.Win64.PlugX.ab Backdoor.Win64.DOWNIISSA.Z"},
		{"cidr", "10.0.0.0/8 and 45.77.0.0/16 and 2a01:4f8::/32"},
		{"unknown scheme", "foo://evil.com/x"},
		{"code identifiers", "System.IO Microsoft.NET self.info config.app std::vector os.path.join window.location requests.get"},
		{"times and macs", "12:30:45 00:1a:2b:3c:4d:5e 2024-05-01T10:00:00Z"},
		{"reference links", "https://x.com/Metemcyber/status/1 https://www.linkedin.com/in/x https://bazaar.abuse.ch/browse/ https://t.co/MvDcBjsfwV pic.twitter.com/YUhX1WCrWH"},
		{"empty file hashes", "d41d8cd98f00b204e9800998ecf8427e da39a3ee5e6b4b0d3255bfef95601890afd80709 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"documentation ips", "192.0.2.1 198.51.100.7 203.0.113.9 2001:db8::1 example.com 10.1.2.3 127.0.0.1"},
		{"project files", "README.md config.yaml setup.json"},
		{"windows binaries", "rundll32.exe svchost.exe kernel32.dll"},
		{"fediverse handle", "@alice@infosec.exchange"},
		{"look at prose", "look at the report"},
		{"sentence abbreviations", "e.g. i.e. U.S. etc. Node.js"},
		{"japanese sentence end", "メールを送信していました。ZIPファイル内には文書が含まれていました。"},
		{"prose", "The actor used spear-phishing e-mails with a lure about a research meeting."},
	}
	e := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := extractAll(t, e, tt.text); len(got) > 0 {
				t.Errorf("Extract(%q) = %+v, want nothing", tt.text, got)
			}
		})
	}
}

func TestKeepWarned(t *testing.T) {
	e := New(Options{KeepWarned: true})
	ms := e.ExtractString("https://www.virustotal.com/gui/home 192.0.2.1 evil[.]com")
	var got []string
	for _, m := range ms {
		got = append(got, m.Value+" "+strings.Join(m.Warnings, ","))
	}
	want := []string{
		"https://www.virustotal.com/gui/home sandboxes-and-malware-repositories",
		"192.0.2.1 special-purpose-ip-ranges",
		"evil.com ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDefangedReferenceKept(t *testing.T) {
	e := New(Options{})
	got := extractAll(t, e, "payload: hxxps://github[.]com/badguy/x/raw/main/p.exe ; ref: https://github.com/someone/yara-rules")
	want := []found{{"url", "https://github.com/badguy/x/raw/main/p.exe", 0, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStreaming checks that chunking does not change the result: one byte
// at a time, half-reads, and a document far larger than one chunk.
func TestStreaming(t *testing.T) {
	var doc strings.Builder
	for i := 0; i < 4000; i++ {
		doc.WriteString("Lorem ipsum dolor sit amet, C2 は hxxp://evil")
		doc.WriteString(strings.Repeat("x", i%7))
		doc.WriteString("[.]com/gate.php?id=")
		doc.WriteString(strings.Repeat("1", i%5+1))
		doc.WriteString(" and 45.77.28[.]124 plus evil dot co dot jp.\n")
	}
	text := doc.String()
	e := New(Options{})
	want := e.ExtractString(text)
	if len(want) < 30 {
		t.Fatalf("only %d matches", len(want))
	}
	for name, r := range map[string]io.Reader{
		"one byte": iotest.OneByteReader(strings.NewReader(text)),
		"half":     iotest.HalfReader(strings.NewReader(text)),
	} {
		var got []Match
		if err := e.Extract(r, func(m Match) error { got = append(got, m); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", name, diff)
		}
	}
	for _, m := range want {
		if text[m.Start:m.End] != m.Raw {
			t.Fatalf("span of %v is %q", m.Value, text[m.Start:m.End])
		}
	}
}

func TestLongTokenBounded(t *testing.T) {
	// A 5 MB run without white space must not grow memory or hang, and an
	// indicator after it is still found.
	text := strings.Repeat("A", 5<<20) + " evil[.]com"
	got := extractAll(t, New(Options{}), text)
	if diff := cmp.Diff([]found{{"domain", "evil.com", 0, true}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := New(Options{}).Extract(strings.NewReader("evil.com evil2.com evil3.com"), func(Match) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v after %d calls, want stop after 1", err, n)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	err := New(Options{}).Extract(iotest.ErrReader(boom), func(Match) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

// TestExamples is the golden test: each bundled example report yields
// exactly the indicators of its .want file.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "reports", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no example reports in ../examples/reports")
	}
	_, total := evaluate(t, filepath.Join("..", "examples", "reports"), true)
	if total.fp != 0 || total.fn != 0 {
		t.Errorf("example reports: %d false positives, %d missed (see log)", total.fp, total.fn)
	}
}

func TestInvalidUTF8(t *testing.T) {
	text := "\xff\xfe evil[.]com \xc3\x28 1.2.3[.]4 \xe2\x82"
	got := extractAll(t, New(Options{}), text)
	want := []found{{"domain", "evil.com", 0, true}, {"ipv4", "1.2.3.4", 0, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_ = bytes.MinRead
}
