package postfmt

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/iocast/iocast/intel"
)

// lodeinfo is what the PRODUCT.md post says.
var lodeinfo = intel.Sighting{
	Family:  "LODEINFO",
	Version: "v0.6.2",
	Samples: []intel.Sample{{MD5: "da1c9006b493d7e95db4d354c5f0e99f", Link: "https://t.co/MvDcBjsfwV"}},
	C2: []intel.Endpoint{
		{Value: "http://172.104.72.4/", Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Value: "172.105.223.216"},
		{Value: "45.77.28.124"},
	},
	Targets: []string{"JP"},
	Credit:  "NA4Sec Team",
}

func TestParse(t *testing.T) {
	with := func(f func(s *intel.Sighting)) intel.Sighting {
		s := cloneSighting(&lodeinfo)
		f(&s)
		return s
	}
	tests := []struct {
		name     string
		text     string
		want     intel.Sighting
		format   string
		problems []string
	}{
		{name: "PRODUCT.md verbatim", text: productPost, want: lodeinfo, format: "v1"},
		{
			name: "as embedded in the seed blog post",
			text: "🚨⚡ #LODEINFO (🇯🇵)\n— Metemcyber (@Metemcyber) 2022年8月5日\n" +
				strings.TrimPrefix(productPost, "🚨⚡ #LODEINFO (🇯🇵)\n") + " pic.twitter.com/YUhX1WCrWH",
			want: lodeinfo, format: "v1",
		},
		{name: "CRLF", text: strings.ReplaceAll(productPost, "\n", "\r\n"), want: lodeinfo, format: "v1"},
		{
			name: "extra spaces and tabs",
			text: strings.NewReplacer("🌍 ", "🌍   ", "C2:", "  C2 :\t", "🔒 ", "🔒\u3000").Replace(productPost),
			want: lodeinfo, format: "v1",
		},
		{name: "other alert emoji", text: strings.Replace(productPost, "🚨⚡", "🔥", 1), want: lodeinfo, format: "v1"},
		{
			name: "Japanese labels",
			text: strings.NewReplacer("Family:", "マルウェア：", "Sample:", "検体:", "H/T to ", "情報提供: ",
				" and 2 more (", " 他2件 (", ").", ")").Replace(productPost),
			want: lodeinfo, format: "v1",
		},
		{
			name: "missing labels, markers only",
			text: strings.NewReplacer("C2:\n", "", "Family:\n", "", "MD5:\n", "", "Sample:\n", "").Replace(productPost),
			want: lodeinfo, format: "v1",
		},
		{
			name:   "missing sections",
			text:   "🚨⚡ #LODEINFO\nMD5:\n🔒 da1c9006b493d7e95db4d354c5f0e99f",
			want:   intel.Sighting{Tags: []string{"LODEINFO"}, Samples: []intel.Sample{{MD5: "da1c9006b493d7e95db4d354c5f0e99f"}}},
			format: "v1",
		},
		{
			name:     "unknown section",
			text:     strings.Replace(productPost, "C2:", "C3:", 1),
			want:     lodeinfo,
			format:   "v1",
			problems: []string{`line 2: unknown section "C3"`},
		},
		{
			name: "seed's compact HUI Loader tweet",
			text: "Nice share!\n— m4n0w4r (@kienbigmummy) 2022年8月25日\n🦠 HUI Loader (d839ab2c2ea8f082f98478cb552d6709)\n" +
				"☠️Create a service name \"WxUpdateServiceInfo\" ->spawn thread for load system.ini-> decoding sc and inject decoded sc into svchost.exe (1/4) https://t.co/zs3buBPm3e pic.twitter.com/yrJx99ePpF",
			want:   intel.Sighting{Family: "HUI Loader", Samples: []intel.Sample{{MD5: "d839ab2c2ea8f082f98478cb552d6709"}}},
			format: "v1",
			problems: []string{
				`line 1: not format v1: "Nice share!"`,
				`line 4: not format v1: "☠️Create a service name \"WxUpdateServiceInfo\" ->spawn..."`,
			},
		},
		{
			name:   "not v1: extractor fallback",
			text:   "New C2 for this campaign: evil[.]jp-cdn[.]net and 45.77.28[.]124",
			want:   intel.Sighting{Indicators: []intel.Indicator{{Kind: intel.KindDomain, Value: "evil.jp-cdn.net"}, {Kind: intel.KindIPv4, Value: "45.77.28.124"}}},
			format: "",
		},
		{
			name: "ports, IPv6, tags, TLP, references, aliases",
			text: "🚨⚡ #PlugX #MustangPanda (🇯🇵🇹🇼)\nC2:\n🌍 45.32.100[.]10:443 (ASN: AS20473 🇯🇵) and 2 more ([2001[:]db8::1]:8443, evil[.]com:8080).\n" +
				"Family:\n🦠 PlugX (2.1) aka Korplug, Sogu\nRef:\n🔗 https://blogs.jpcert.or.jp/x\nTLP:AMBER\n(1/1)",
			want: intel.Sighting{
				Family: "PlugX", Version: "2.1", Aliases: []string{"Korplug", "Sogu"},
				C2: []intel.Endpoint{
					{Value: "45.32.100.10", Port: 443, Enrichment: intel.Enrichment{ASN: "AS20473", Country: "JP"}},
					{Value: "2001:db8::1", Port: 8443}, {Value: "evil.com", Port: 8080},
				},
				Targets: []string{"JP", "TW"}, Tags: []string{"MustangPanda"},
				References: []string{"https://blogs.jpcert.or.jp/x"}, TLP: "AMBER",
			},
			format: "v1",
		},
		{
			name:     "fold count that does not match",
			text:     "C2:\n🌍 1.2.3[.]4 and 3 more (5.6.7[.]8).",
			want:     intel.Sighting{C2: []intel.Endpoint{{Value: "1.2.3.4"}, {Value: "5.6.7.8"}}},
			format:   "v1",
			problems: []string{`line 2: "1.2.3[.]4 and 3 more (5.6.7[.]8)" says 3 more but lists 1`},
		},
		{
			name:     "unreadable item keeps its indicators, roles unknown",
			text:     "MD5:\n🔒 not-a-hash but evil[.]com is here",
			want:     intel.Sighting{Indicators: []intel.Indicator{{Kind: intel.KindDomain, Value: "evil.com"}}},
			format:   "v1",
			problems: []string{`line 2: cannot read MD5 item "🔒 not-a-hash but evil[.]com is here"`},
		},
		{
			name:   "aliases",
			text:   strings.Replace(productPost, "(v0.6.2)", "(v0.7.0) aka MirrorFace", 1),
			want:   with(func(s *intel.Sighting) { s.Version, s.Aliases = "v0.7.0", []string{"MirrorFace"} }),
			format: "v1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(tt.text)
			if diff := cmp.Diff(tt.want, r.Sighting, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse sighting (-want +got):\n%s", diff)
			}
			if r.Format != tt.format {
				t.Errorf("Parse format = %q, want %q", r.Format, tt.format)
			}
			var problems []string
			for _, p := range r.Problems {
				problems = append(problems, p.Error())
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("Parse problems (-want +got):\n%s", diff)
			}
			if err := r.Sighting.Normalize(); err != nil {
				t.Errorf("parsed sighting does not validate: %v", err)
			}
		})
	}
}

func TestParseThreadProblemsNamePart(t *testing.T) {
	r := ParseThread([]string{"🚨⚡ #X\nC2:\n🌍 1.2.3[.]4\n(1/2)", "🚨⚡ #X\nC3:\n(2/2)"})
	want := []Problem{{Part: 2, Line: 2, Msg: `unknown section "C3"`}}
	if diff := cmp.Diff(want, r.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if got := r.Problems[0].Error(); got != `part 2, line 2: unknown section "C3"` {
		t.Errorf("Error() = %q", got)
	}
}
