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

// oddValues are values that Normalize rewrites or rejects, or that
// normalized must judge with care.
var oddValues = []string{"", " ", " padded ", "x\t", "LODEINFO", "HUI Loader", "ロードインフォ", "e\u0301", "\u00a0x",
	"evil.com", "Evil.Com", "evil.com.", "evil[.]com", "evil.zip", "a.b", "xn--80ak6aa92e.com", "例え.jp",
	"1.2.3.4", "01.2.3.4", "1.2.3[.]4", "256.1.1.1", "1.2.3.4:80", "::ffff:1.2.3.4", "2001:db8::1", "2001:DB8::1", "[2001:db8::1]",
	"http://172.104.72.4/", "HTTP://172.104.72.4/", "hxxp://172.104.72[.]4/", "http://172.104.72.4", "http://172.104.72.4:8080/x",
	"http://172.104.72.4:080/x", "http://172.104.72.4:0/", "http://172.104.72.4:65536/", "http://172.104.72.4:/x", "http://u@172.104.72.4/",
	"http://172.104.72.4/a[b]", "http://172.104.72.4/a b", "http://172.104.72.4/a\"b", "http://172.104.72.4/hxxp://x", "http://172.104.72.4/a(dot)b",
	"http://172.104.72.4/é", "https://evil.com/a.php?x=1.2", "https://EVIL.com/", "http://[2001:db8::1]:443/", "ftp://1.2.3.4/",
	"https://t.co/MvDcBjsfwV", "http://t.co/x", "https://", "https:///x", "https://t.co/a b", "https://t.co/\u00e9",
	"da1c9006b493d7e95db4d354c5f0e99f", "DA1C9006B493D7E95DB4D354C5F0E99F", "da1c9006b493d7e95db4d354c5f0e99", "fxp:",
	"invoice.exe", "in voice.exe", "invoice dot exe", "a/b.exe", "'q.exe'", ".", "..", "hxxp.exe", "資料.exe",
	"AS63949", "as63949", "AS063949", "AS0", "AS4294967295", "AS4294967294", "AS 1", "ASN1",
	"JP", "jp", "J", "JPN", " JP", "CLEAR", "clear", "TLP:RED", "WHITE", "AMBER+STRICT", "#tag", "tag", "a b", "Earth_Kasha",
	"CVE-2023-1234", "cve-2023-1234", "admin@evil.com", "Admin@evil.com"}

// wildSighting is genSighting with some fields replaced by odd values.
func wildSighting(r *rand.Rand) intel.Sighting {
	s := genSighting(r)
	odd := func(v *string) {
		if r.IntN(8) == 0 {
			*v = oddValues[r.IntN(len(oddValues))]
		}
	}
	odd(&s.Family)
	odd(&s.Version)
	odd(&s.Credit)
	odd(&s.TLP)
	for i := range s.Samples {
		sm := &s.Samples[i]
		for _, v := range []*string{&sm.MD5, &sm.SHA1, &sm.SHA256, &sm.SHA512, &sm.Filename, &sm.Link} {
			odd(v)
		}
	}
	for i := range s.C2 {
		e := &s.C2[i]
		for _, v := range []*string{&e.Value, &e.ASN, &e.ISP, &e.Country} {
			odd(v)
		}
		if r.IntN(10) == 0 {
			e.Port = []int{-1, 0, 1, 443, 65535, 65536}[r.IntN(6)]
		}
	}
	for _, list := range [][]string{s.Targets, s.Tags, s.References} {
		for i := range list {
			odd(&list[i])
		}
	}
	for i := range s.Indicators {
		odd(&s.Indicators[i].Value)
		if r.IntN(8) == 0 {
			s.Indicators[i].Kind = []intel.Kind{intel.KindMD5, intel.KindSHA256, intel.KindDomain, intel.KindURL, intel.KindIPv4}[r.IntN(5)]
		}
	}
	return s
}

// checkNormalized fails when normalized(s) holds but Normalize would
// reject s or change what a post carries.
func checkNormalized(t *testing.T, s *intel.Sighting) bool {
	t.Helper()
	if !normalized(s) {
		return false
	}
	n := cloneSighting(s)
	if err := n.Normalize(); err != nil {
		t.Fatalf("normalized, but Normalize fails: %v\n%+v", err, *s)
	}
	n.Source = s.Source // not carried, not checked
	if diff := cmp.Diff(*s, n, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("normalized, but Normalize changes (-before +after):\n%s", diff)
	}
	return true
}

// TestNormalizedAgreesWithNormalize holds the fast path of newComposer
// to Normalize: whenever normalized says a sighting is normalised,
// Normalize accepts it and leaves it as it is.
func TestNormalizedAgreesWithNormalize(t *testing.T) {
	for _, name := range goldenExamples {
		if s := readExample(t, name); !checkNormalized(t, s) {
			t.Errorf("example %s read from its file is not seen as normalised", name)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	yes := 0
	for range 3000 {
		s := genSighting(r)
		if checkNormalized(t, &s) {
			yes++
		}
		w := wildSighting(r)
		checkNormalized(t, &w)
	}
	if yes < 1000 {
		t.Errorf("only %d of 3000 generated (normalised) sightings take the fast path", yes)
	}
	for _, v := range oddValues {
		for _, port := range []int{0, 443} {
			s := intel.Sighting{C2: []intel.Endpoint{{Value: v, Port: port, Enrichment: intel.Enrichment{ASN: v, ISP: v, Country: v}}}}
			checkNormalized(t, &s)
		}
		s := intel.Sighting{Family: v, Version: v, Credit: v, TLP: v, Targets: []string{v}, Tags: []string{v}, References: []string{v},
			Samples: []intel.Sample{{MD5: v, SHA1: v, SHA256: v, SHA512: v, Filename: v, Link: v}, {Filename: v}, {Link: v}, {MD5: v}}}
		checkNormalized(t, &s)
		for _, k := range []intel.Kind{intel.KindMD5, intel.KindDomain, intel.KindURL, intel.KindIPv4, intel.KindFilename} {
			s := intel.Sighting{Indicators: []intel.Indicator{{Kind: k, Value: v}}}
			checkNormalized(t, &s)
		}
	}
}

// FuzzNormalized is TestNormalizedAgreesWithNormalize on fuzzed values.
func FuzzNormalized(f *testing.F) {
	f.Add("LODEINFO", "http://172.104.72.4/", "AS63949", "JP", "da1c9006b493d7e95db4d354c5f0e99f", "https://t.co/MvDcBjsfwV", "invoice.exe", uint16(0))
	f.Add(" x", "hxxp://1.2.3[.]4:080/", "as1", "jp", "DA1C", "http:///", "a/b", uint16(443))
	f.Add("x", "evil.com", "AS1", "US", "", "https://a.b/(c)", "", uint16(8080))
	f.Fuzz(func(t *testing.T, text, c2, asn, country, hash, link, file string, port uint16) {
		s := intel.Sighting{Family: text, Credit: text, Tags: []string{text}, Targets: []string{country}, References: []string{link},
			C2:      []intel.Endpoint{{Value: c2, Port: int(port), Enrichment: intel.Enrichment{ASN: asn, ISP: text, Country: country}}},
			Samples: []intel.Sample{{MD5: hash, SHA256: hash, Filename: file, Link: link}},
			Indicators: []intel.Indicator{{Kind: intel.KindMD5, Value: hash}, {Kind: intel.KindURL, Value: c2},
				{Kind: intel.KindFilename, Value: file}}}
		checkNormalized(t, &s)
		s.Samples[0].Filename = ""
		s.Indicators = nil
		checkNormalized(t, &s)
	})
}

// TestComposeLeavesSightingAlone checks that Compose never writes to the
// caller's sighting, normalised (read in place) or not (normalised as a
// copy).
func TestComposeLeavesSightingAlone(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var ss []intel.Sighting
	for _, name := range goldenExamples {
		ss = append(ss, *readExample(t, name))
	}
	for range 200 {
		ss = append(ss, genSighting(r), wildSighting(r))
	}
	// Not normalised: defanged, upper case, padded.
	ss = append(ss, intel.Sighting{Family: " LODEINFO ", Tags: []string{"#APT10"}, Targets: []string{"jp"}, TLP: "tlp:amber",
		C2:         []intel.Endpoint{{Value: "hxxp://172.104.72[.]4/", Enrichment: intel.Enrichment{ASN: "as63949", ISP: " Linode ", Country: "jp"}}, {Value: " EVIL[.]com "}},
		Samples:    []intel.Sample{{MD5: "DA1C9006B493D7E95DB4D354C5F0E99F", Link: " https://t.co/MvDcBjsfwV "}},
		References: []string{" https://blogs.jpcert.or.jp/en/ "}, Indicators: []intel.Indicator{{Kind: intel.KindDomain, Value: "Evil[.]net"}}})
	for i := range ss {
		s := &ss[i]
		before := cloneSighting(s)
		for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
			for _, lang := range []string{LangEN, LangJA} {
				_, _ = Compose(s, Options{Platform: pl, Lang: lang})
				if diff := cmp.Diff(before, *s); diff != "" {
					t.Fatalf("sighting %d: Compose(%s, %s) changed it (-before +after):\n%s", i, pl, lang, diff)
				}
			}
		}
	}
}

// TestAppendDefang holds appendDefang to intel.Defang.
func TestAppendDefang(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var values []string
	for range 300 {
		s := genSighting(r)
		for _, e := range s.C2 {
			values = append(values, e.Value)
		}
		for _, sm := range s.Samples {
			values = append(values, sm.Filename)
		}
		for _, ind := range s.Indicators {
			values = append(values, ind.Value)
		}
	}
	values = append(values, oddValues...)
	values = append(values, "http://user.name@evil.com:8080/a.b?c.d#e.f", "https://[2001:db8::1]:443/x.y", "http://1.2.3.4", "x://", "://x", "noscheme.com/a.b")
	kinds := []intel.Kind{intel.KindIPv4, intel.KindIPv6, intel.KindDomain, intel.KindFilename, intel.KindURL, intel.KindEmail, intel.KindMD5, intel.KindASN, ""}
	for _, v := range values {
		for _, k := range kinds {
			if got, want := string(appendDefang([]byte("<"), k, v)), "<"+intel.Defang(k, v); got != want {
				t.Errorf("appendDefang(%s, %q) = %q, intel.Defang gives %q", k, v, got[1:], want[1:])
			}
		}
		for _, port := range []int{0, 8443} {
			e := intel.Endpoint{Value: v, Port: port}
			want := intel.Defang(endpointKind(v), v)
			if port != 0 {
				if endpointKind(v) == intel.KindIPv6 {
					want = "[" + want + "]"
				}
				want += fmt.Sprintf(":%d", port)
			}
			if got := string(appendDefangEndpoint(nil, e)); got != want {
				t.Errorf("appendDefangEndpoint(%+v) = %q, want %q", e, got, want)
			}
		}
	}
	if strings.Count(strings.Join(values, " "), "://") < 50 {
		t.Error("too few URLs among the generated values")
	}
}

// TestComposeConcurrent composes one sighting from several goroutines at
// once (composers are pooled, normalised sightings shared): every post
// must be the one composed alone. Run it with -race.
func TestComposeConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	ss := []intel.Sighting{*readExample(t, "lodeinfo"), *readExample(t, "plugx-campaign"), genSighting(r), wildSighting(r)}
	type result struct {
		post *Post
		err  string
	}
	compose := func(s *intel.Sighting, pl string) result {
		p, err := Compose(s, Options{Platform: pl})
		if err != nil {
			return result{err: err.Error()}
		}
		return result{post: p}
	}
	pls := []string{PlatformX, PlatformMastodon, PlatformBluesky}
	want := map[[2]int]result{}
	for i := range ss {
		for k, pl := range pls {
			want[[2]int{i, k}] = compose(&ss[i], pl)
		}
	}
	errs := make(chan string, 8)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for n := range 30 {
				i, k := (g+n)%len(ss), n%len(pls)
				if got := compose(&ss[i], pls[k]); !cmp.Equal(want[[2]int{i, k}], got, cmp.AllowUnexported(result{})) {
					errs <- fmt.Sprintf("sighting %d on %s: %s", i, pls[k], cmp.Diff(want[[2]int{i, k}], got, cmp.AllowUnexported(result{})))
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
