package postfmt

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/iocast/iocast/intel"
)

// genSighting returns a random, valid sighting. Its samples all have the
// same set of fields, so that a post carries which value belongs to which
// sample (see docs/FORMAT.md, "What a post does not carry").
func genSighting(r *rand.Rand) intel.Sighting {
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[r.IntN(16)]
		}
		return string(b)
	}
	ip := func() string {
		return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(222), r.IntN(256), r.IntN(256), 1+r.IntN(254))
	}
	domain := func() string {
		return pick("cdn", "update", "mail", "api", "xn--80ak6aa92e") + fmt.Sprint(r.IntN(100)) + "." +
			pick("evil", "jp-office", "microsoft-update") + "." + pick("com", "net", "co.jp", "top", "xyz", "com.br", "zip")
	}
	var s intel.Sighting
	if r.IntN(5) > 0 {
		s.Family = pick("LODEINFO", "HUI Loader", "PlugX", "ShadowPad", "NOOPDOOR", "Cobalt Strike", "ロードインフォ")
		if r.IntN(2) == 0 {
			s.Version = pick("v0.6.2", "2.1", "1.0-beta", "v0.7.3 build 5")
		}
		if r.IntN(4) == 0 {
			s.Aliases = []string{pick("Korplug", "Sogu", "MirrorFace")}
		}
	}
	fields := r.IntN(64)
	for range r.IntN(4) {
		var sm intel.Sample
		if fields&1 != 0 {
			sm.MD5 = hex(32)
		}
		if fields&2 != 0 {
			sm.SHA1 = hex(40)
		}
		if fields&4 != 0 {
			sm.SHA256 = hex(64)
		}
		if fields&8 != 0 {
			sm.SHA512 = hex(128)
		}
		if fields&16 != 0 {
			sm.Filename = pick("invoice", "VERSION", "setup", "資料") + fmt.Sprint(r.IntN(9)) + pick(".exe", ".dll", ".docx.lnk", ".zip")
		}
		if fields&32 != 0 || fields&31 == 0 {
			sm.Link = "https://" + pick("bazaar.abuse.ch/sample/", "t.co/", "www.virustotal.com/gui/file/") + hex(10+r.IntN(54))
		}
		s.Samples = append(s.Samples, sm)
	}
	for range r.IntN(r.IntN(25) + 1) {
		var e intel.Endpoint
		switch r.IntN(5) {
		case 0:
			e.Value = pick("http", "https") + "://" + pick(ip(), domain()) + pick("/", "/api/v2/check.php", "/index.html?id=1.2", ":8443/gate")
		case 1:
			e.Value = fmt.Sprintf("2001:db8:%x::%x", r.IntN(65536), 1+r.IntN(65535))
		case 2:
			e.Value = domain()
		default:
			e.Value = ip()
		}
		if !strings.Contains(e.Value, "://") && r.IntN(3) == 0 {
			e.Port = 1 + r.IntN(65535)
		}
		if r.IntN(3) == 0 {
			e.ASN = fmt.Sprintf("AS%d", 1+r.IntN(400000))
		}
		if r.IntN(3) == 0 {
			e.ISP = pick("Linode, LLC", "The Constant Company, LLC", "China Unicom (Beijing)", "さくらインターネット")
		}
		if r.IntN(3) == 0 {
			e.Country = pick("JP", "US", "HK", "NL")
		}
		s.C2 = append(s.C2, e)
	}
	for range r.IntN(3) {
		s.Targets = append(s.Targets, pick("JP", "TW", "KR", "US"))
	}
	s.Targets = uniq(s.Targets)
	for range r.IntN(3) {
		s.Tags = append(s.Tags, pick("APT10", "MirrorFace", "Earth_Kasha", "標的型攻撃"))
	}
	s.Tags = uniq(s.Tags)
	for range r.IntN(3) {
		s.References = append(s.References, "https://"+pick("blogs.jpcert.or.jp/en/", "www.nttcoms.com/")+hex(8))
	}
	for range r.IntN(3) {
		switch r.IntN(4) {
		case 0:
			s.Indicators = append(s.Indicators, intel.Indicator{Kind: intel.KindDomain, Value: domain()})
		case 1:
			s.Indicators = append(s.Indicators, intel.Indicator{Kind: intel.KindCVE, Value: fmt.Sprintf("CVE-2023-%d", 1000+r.IntN(9000))})
		case 2:
			s.Indicators = append(s.Indicators, intel.Indicator{Kind: intel.KindEmail, Value: "admin@" + domain()})
		default:
			s.Indicators = append(s.Indicators, intel.Indicator{Kind: intel.KindSHA256, Value: hex(64)})
		}
	}
	if r.IntN(2) == 0 {
		s.Credit = pick("NA4Sec Team", "@strinsert1Na", "JPCERT/CC", "m4n0w4r")
	}
	if r.IntN(4) == 0 {
		s.TLP = pick("CLEAR", "GREEN", "AMBER")
	}
	if err := s.Normalize(); err != nil {
		panic(err)
	}
	if s.Family == "" && len(s.C2)+len(s.Samples)+len(s.Indicators) == 0 {
		s.Family = "LODEINFO"
	}
	for i := range s.Indicators { // Display is derived, as Parse derives it
		s.Indicators[i], _ = intel.New(s.Indicators[i].Kind, s.Indicators[i].Value)
	}
	return s
}

func uniq(list []string) []string {
	var out []string
	for _, v := range list {
		if !strings.Contains(strings.Join(out, "\x00")+"\x00", v+"\x00") || len(out) == 0 {
			out = append(out, v)
		}
	}
	return out
}

// carried returns what a post composed from s at the given degradation
// level says: s without the dropped enrichment and the fields no post
// carries (Observed, Source), with tags equal to the family's hashtag
// dropped.
func carried(s intel.Sighting, level int, thread bool) intel.Sighting {
	s = cloneSighting(&s)
	s.Observed, s.Source = nil, ""
	for i := range s.C2 {
		l := level
		if thread && i > 0 {
			l = 0
		}
		e := &s.C2[i].Enrichment
		if (i > 0 && l >= 1) || (i == 0 && l >= 3) {
			e.ISP = ""
		}
		if i > 0 && l >= 2 {
			*e = intel.Enrichment{}
		}
		if i == 0 && l >= 4 {
			e.ASN = ""
		}
	}
	fam := Hashtag(s.Family)
	var tags []string
	for _, t := range s.Tags {
		if !strings.EqualFold(t, fam) {
			tags = append(tags, t)
		}
	}
	s.Tags = tags
	return s
}

// checkPost checks what every composed post must be: each part fits, and
// the platform links nothing but sample and reference links.
func checkPost(t *testing.T, s *intel.Sighting, p *Post, lim Limit) {
	t.Helper()
	live := map[string]bool{}
	for _, sm := range s.Samples {
		live[sm.Link] = true
	}
	for _, r := range s.References {
		live[r] = true
	}
	for k, part := range p.Parts {
		if !lim.Fits(part.Text) || part.Length != lim.Length(part.Text) {
			t.Errorf("part %d does not fit %s %d (length %d):\n%s", k+1, lim.Name, lim.Max, part.Length, part.Text)
		}
		for _, sp := range lim.Links(part.Text) {
			linked := part.Text[sp.Start:sp.End]
			ok := false
			for l := range live {
				ok = ok || l != "" && strings.HasPrefix(l, linked)
			}
			if !ok {
				t.Errorf("part %d: %s links %q, which is no sample or reference link:\n%s", k+1, lim.Name, linked, part.Text)
			}
		}
	}
}

// TestRoundTripProperty composes generated sightings for every platform
// and language and parses the posts back: Parse(Compose(s)) must be what
// the post carries of s, and nothing else.
func TestRoundTripProperty(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		s := genSighting(r)
		for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
			for _, lang := range []string{LangEN, LangJA} {
				opts := Options{Platform: pl, Lang: lang}
				lim, _ := LimitFor(pl)
				p, err := Compose(&s, opts)
				if err != nil {
					t.Fatalf("sighting %d: Compose(%+v): %v\n%+v", i, opts, err, s)
				}
				checkPost(t, &s, p, lim)
				var texts []string
				for _, part := range p.Parts {
					texts = append(texts, part.Text)
				}
				got := ParseThread(texts)
				if len(got.Problems) > 0 {
					t.Fatalf("sighting %d, %s/%s: problems %v in\n%s", i, pl, lang, got.Problems, strings.Join(texts, "\n-----\n"))
				}
				want := carried(s, p.Level, len(p.Parts) > 1)
				if diff := cmp.Diff(want, got.Sighting, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("sighting %d, %s/%s level %d: Parse(Compose(s)) (-want +got):\n%s\n%s", i, pl, lang, p.Level, diff, strings.Join(texts, "\n-----\n"))
				}
			}
		}
	}
}

// TestMaxParts checks that a capped thread says how much it left out.
func TestMaxParts(t *testing.T) {
	s := readExample(t, "plugx-campaign")
	for _, max := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			p, err := Compose(s, Options{Platform: PlatformX, MaxParts: max})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Parts) != max || p.LeftOut == 0 {
				t.Fatalf("%d parts, %d left out; want %d parts and some left out", len(p.Parts), p.LeftOut, max)
			}
			last := p.Parts[max-1].Text
			if want := fmt.Sprintf("(%d/%d, %d more left out)", max, max, p.LeftOut); !strings.HasSuffix(last, want) {
				t.Errorf("last part ends %q, want %q", last[strings.LastIndexByte(last, '\n')+1:], want)
			}
			var texts []string
			for _, part := range p.Parts {
				texts = append(texts, part.Text)
			}
			r := ParseThread(texts)
			items := len(r.Sighting.C2) + len(r.Sighting.References) + len(r.Sighting.Indicators)
			for _, sm := range r.Sighting.Samples {
				for _, v := range []string{sm.MD5, sm.SHA1, sm.SHA256, sm.SHA512, sm.Filename, sm.Link} {
					if v != "" {
						items++
					}
				}
			}
			if r.LeftOut != p.LeftOut || items+p.LeftOut != 18 {
				t.Errorf("parsed %d items and %d left out, composed %d left out; want 18 in all (8 C2s, 6 hashes, 2 files, 1 link, 1 reference)", items, r.LeftOut, p.LeftOut)
			}
		})
	}
}
