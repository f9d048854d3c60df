package stix

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/iocast/iocast/intel"
)

// FuzzDecode checks that no input makes Decode panic, that every error
// wraps intel.ErrInvalid or intel.ErrTooLarge, and that what it accepts
// exports and imports back to the same records.
func FuzzDecode(f *testing.F) {
	for _, p := range []string{"testdata/bundle.json", oasisDir + "/examples/indicator-for-c2-ip-address.json", oasisDir + "/examples/interop-objectmarking-test.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"objects":[{"type":"indicator","pattern":"[ipv4-addr:value = '1.2.3.4'] OR [file:hashes.'SHA-1' = '0123456789abcdef0123456789abcdef01234567']","valid_from":"2020-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"type":"ipv4-addr","value":"10.0.0.1","belongs_to_refs":["autonomous-system--1"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Decode(context.Background(), bytes.NewReader(b), DecodeOptions{MaxBytes: 1 << 20})
		if err != nil {
			if !errors.Is(err, intel.ErrInvalid) && !errors.Is(err, intel.ErrTooLarge) {
				t.Fatalf("error wraps neither ErrInvalid nor ErrTooLarge: %v", err)
			}
			return
		}
		for _, r := range res.Records {
			if err := intel.Validate(r.Kind, r.Value); err != nil {
				t.Fatalf("Decode returned an invalid record %v: %v", r.Indicator, err)
			}
		}
		var buf bytes.Buffer
		if _, err := Encode(context.Background(), &buf, Options{}, seqOf(res.Records)); err != nil {
			t.Fatalf("Encode(Decode(x)): %v", err)
		}
		again, err := Decode(context.Background(), &buf, DecodeOptions{Strict: true})
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(x))): %v\n%s", err, buf.Bytes())
		}
		if len(again.Records) != len(res.Records) {
			t.Fatalf("re-import gave %d records, want %d", len(again.Records), len(res.Records))
		}
	})
}

// FuzzPattern checks that the pattern parser never panics and that every
// error it returns is an unsupported-pattern or invalid-value error.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"[ipv4-addr:value = '10.0.0.1']", "[file:hashes.'SHA-256' = 'a\\'b']", "[a:b = 1 AND c:d = 'x'] OR [e:f = 'y']", "[x:y[*].z = 'q'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := parsePattern(s)
		if err != nil {
			if !errors.Is(err, errUnsupported) {
				t.Fatalf("error %v is not errUnsupported", err)
			}
			return
		}
		for _, conj := range terms {
			recs, err := indicatorsOf(conj)
			if err != nil {
				continue
			}
			for i := range recs {
				p, ok := Pattern(&recs[i])
				if !ok {
					continue
				}
				back, err := parsePattern(p)
				if err != nil {
					t.Fatalf("parsePattern(Pattern(%v)) = %v", recs[i].Indicator, err)
				}
				got, err := indicatorsOf(back[0])
				if err != nil || len(got) != 1 || got[0].Indicator != recs[i].Indicator || got[0].Port != recs[i].Port {
					t.Fatalf("pattern %q gave %v, %v; want %v", p, got, err, recs[i].Indicator)
				}
			}
		}
	})
}
