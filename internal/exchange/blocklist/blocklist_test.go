package blocklist

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
)

func rec(k intel.Kind, v string) intel.Record {
	return intel.Record{Indicator: intel.Indicator{Kind: k, Value: v}}
}

var recs = []intel.Record{
	rec(intel.KindIPv4, "172.104.72.4"),
	{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "172.104.72.4"}, Port: 443},
	rec(intel.KindDomain, "evil.example.com"),
	{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "gone.example.com"}, Revoked: true},
	rec(intel.KindURL, "http://evil.example.com/a.php"),
	rec(intel.KindMD5, "da1c9006b493d7e95db4d354c5f0e99f"),
}

func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"all", Options{}, "172.104.72.4\nevil.example.com\nhttp://evil.example.com/a.php\nda1c9006b493d7e95db4d354c5f0e99f\n"},
		{"firewall", Options{Kinds: []intel.Kind{intel.KindIPv4, intel.KindIPv6}}, "172.104.72.4\n"},
		{"defanged", Options{Kinds: []intel.Kind{intel.KindDomain, intel.KindURL}, Defang: true}, "evil[.]example[.]com\nhttp[:]//evil[.]example[.]com/a[.]php\n"},
		{"revoked", Options{Kinds: []intel.Kind{intel.KindDomain}, Revoked: true}, "evil.example.com\ngone.example.com\n"},
		{"hosts", Options{Style: Hosts}, "0.0.0.0 evil.example.com\n"},
		{"rpz", Options{Style: RPZ, Serial: 7}, "$TTL 300\n@ SOA localhost. root.localhost. 7 3600 600 86400 300\n@ NS localhost.\nevil.example.com CNAME .\n*.evil.example.com CNAME .\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			e, err := NewEncoder(&buf, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range recs {
				if err := e.Write(&recs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, buf.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tc.opts.Style == "" {
				return
			}
			var back []string
			if err := Decode(context.Background(), &buf, DecodeOptions{}, func(r intel.Record) error { back = append(back, r.Value); return nil }); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"evil.example.com"}, back); diff != "" {
				t.Errorf("re-import (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := NewEncoder(&bytes.Buffer{}, Options{Style: "pf"}); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("unknown style: err = %v", err)
	}
}

func decode(in string, opts DecodeOptions) ([]string, error) {
	var got []string
	err := Decode(context.Background(), strings.NewReader(in), opts, func(r intel.Record) error {
		got = append(got, r.Indicator.String())
		return nil
	})
	return got, err
}

func TestDecode(t *testing.T) {
	in := "# C2 list\n\n172.104.72[.]4\nhxxp://evil[.]example[.]com/a.php#frag  # trailing comment\n0.0.0.0 hosts.example.com\n; rpz comment\nrpz.example.com CNAME .\n*.rpz.example.com CNAME .\n"
	got, err := decode(in, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ipv4:172.104.72.4", "url:http://evil.example.com/a.php#frag", "domain:hosts.example.com", "domain:rpz.example.com"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got, err = decode("invoice.zip\n", DecodeOptions{Kind: intel.KindFilename})
	if err != nil || len(got) != 1 || got[0] != "filename:invoice.zip" {
		t.Errorf("given kind: %v, %v", got, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     DecodeOptions
		want     string
		is       error
	}{
		{"bad value", "1.2.3.4\nnot a value at all\n", DecodeOptions{Name: "l.txt"}, "l.txt:2: ", intel.ErrInvalid},
		{"wrong kind", "evil.example.com\n", DecodeOptions{Name: "l.txt", Kind: intel.KindIPv4}, "l.txt:1: ", intel.ErrInvalid},
		{"long line", "1.2.3.4\n" + strings.Repeat("a", 100) + "\n", DecodeOptions{Name: "l.txt", MaxLineBytes: 50}, "l.txt:2: line longer than 50 bytes", intel.ErrTooLarge},
		{"large", strings.Repeat("1.2.3.4\n", 100), DecodeOptions{Name: "l.txt", MaxBytes: 100}, "l.txt:13: input larger than 100 bytes", intel.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(tc.in, tc.opts)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want prefix %q wrapping %v", err, tc.want, tc.is)
			}
		})
	}
}

// FuzzDecode checks that Decode never panics, that its errors wrap
// intel.ErrInvalid or intel.ErrTooLarge, and that what it reads exports
// and imports back the same.
func FuzzDecode(f *testing.F) {
	f.Add("# x\n1.2.3.4\nevil[.]com\n0.0.0.0 a.example.com\n")
	f.Add("a.example.com CNAME .\n$TTL 1\n")
	f.Fuzz(func(t *testing.T, in string) {
		var recs []intel.Record
		err := Decode(context.Background(), strings.NewReader(in), DecodeOptions{MaxBytes: 1 << 16}, func(r intel.Record) error {
			recs = append(recs, r)
			return nil
		})
		if err != nil && !errors.Is(err, intel.ErrInvalid) && !errors.Is(err, intel.ErrTooLarge) {
			t.Fatalf("error wraps neither ErrInvalid nor ErrTooLarge: %v", err)
		}
		// A plain list loses the kinds, and intel.Parse may guess another
		// kind for a value than the one it came with; so the round trip is
		// checked with the kind given.
		for i := range recs {
			var buf bytes.Buffer
			e, _ := NewEncoder(&buf, Options{})
			e.Write(&recs[i])
			e.Close()
			if e.Skipped() > 0 {
				continue
			}
			got, err := decode(buf.String(), DecodeOptions{Kind: recs[i].Kind})
			if err != nil || len(got) != 1 || got[0] != recs[i].Indicator.String() {
				t.Fatalf("re-import of %q as %s = %v, %v; want %v", buf.String(), recs[i].Kind, got, err, recs[i].Indicator)
			}
		}
	})
}
