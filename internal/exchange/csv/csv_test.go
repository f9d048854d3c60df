package csv

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var t0 = time.Date(2022, 5, 10, 11, 22, 33, 0, time.UTC)

func records() []intel.Record {
	return []intel.Record{
		{Indicator: intel.Indicator{Kind: intel.KindURL, Value: "http://172.104.72.4/"}, FirstSeen: t0, LastSeen: t0.Add(time.Hour), Sightings: 3, Families: []string{"LODEINFO"}, Sources: []string{"https://x.com/a/status/1", "report, \"v2\".pdf"}},
		{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "172.104.72.4"}, Port: 443, FirstSeen: t0, LastSeen: t0, Sightings: 1, Families: []string{"HUI Loader", "LODEINFO"}, TLP: "AMBER+STRICT", Confidence: 80, Role: "c2", Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Indicator: intel.Indicator{Kind: intel.KindMD5, Value: "da1c9006b493d7e95db4d354c5f0e99f"}, Role: "sample", Revoked: true},
	}
}

func encode(t *testing.T, recs []intel.Record) []byte {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for i := range recs {
		if err := e.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(in []byte, opts DecodeOptions) ([]intel.Record, error) {
	var got []intel.Record
	err := Decode(context.Background(), bytes.NewReader(in), opts, func(r intel.Record) error {
		got = append(got, r)
		return nil
	})
	return got, err
}

func TestGoldenAndRoundTrip(t *testing.T) {
	got := encode(t, records())
	if *update {
		os.WriteFile("testdata/records.csv", got, 0o644)
	}
	want, err := os.ReadFile("testdata/records.csv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
	back, err := decode(got, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(records(), back); diff != "" {
		t.Errorf("Decode(Encode(records)) (-want +got):\n%s", diff)
	}
}

func TestEmptyExportHasHeader(t *testing.T) {
	if got := string(encode(t, nil)); got != strings.Join(Columns, ",")+"\n" {
		t.Errorf("got %q", got)
	}
}

func TestDecodeSubsetOfColumns(t *testing.T) {
	got, err := decode([]byte("value,type\nevil[.]example[.]com,hostname\n"), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []intel.Record{{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "evil.example.com"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		is       error
	}{
		{"empty", "", []string{"in.csv:1: empty input"}, intel.ErrInvalid},
		{"unknown column", "type,value,colour\n", []string{"in.csv:1: colour: unknown column"}, intel.ErrInvalid},
		{"no value column", "type,port\n", []string{"in.csv:1: header needs"}, intel.ErrInvalid},
		{"bad rows", "type,value,port,tlp,first_seen\nipv4,1.2.3.4,99999,,\nbogus,x,,,\nipv4,1.2.3.4,,PINK,\nipv4,1.2.3.4,,,yesterday\nipv4,1.2.3,,,\nipv4,1.2.3.4,,\n",
			[]string{"in.csv:2: port: \"99999\" is not a number", "in.csv:3: type: unknown indicator kind", "in.csv:4: tlp: \"PINK\"", "in.csv:5: first_seen:", "in.csv:6: value:", "in.csv:7: 4 cells, want 5"}, intel.ErrInvalid},
		{"bad role", "type,value,role\nipv4,1.2.3.4,C2\nipv4,1.2.3.5,victim\n", []string{"in.csv:3: role: \"victim\" is no role"}, intel.ErrInvalid},
		{"bare quote", "type,value\nipv4,\"1.2.3.4\n", []string{"in.csv:2: "}, intel.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode([]byte(tc.in), DecodeOptions{Name: "in.csv"})
			if err == nil || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want one wrapping %v", err, tc.is)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("errors:\n%v\nwant %d", err, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	in := "type,value\n" + strings.Repeat("ipv4,1.2.3.4\n", 100)
	if _, err := decode([]byte(in), DecodeOptions{MaxBytes: 100}); !errors.Is(err, intel.ErrTooLarge) {
		t.Errorf("MaxBytes: err = %v", err)
	}
	in = "type,value\ndomain," + strings.Repeat("a", 100) + ".com\n"
	if _, err := decode([]byte(in), DecodeOptions{MaxCellBytes: 50}); !errors.Is(err, intel.ErrTooLarge) {
		t.Errorf("MaxCellBytes: err = %v", err)
	}
}

// FuzzDecode checks that Decode never panics, that its errors wrap
// intel.ErrInvalid or intel.ErrTooLarge, and that accepted rows survive a
// round trip.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("testdata/records.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("type,value\nipv4,1.2.3.4\n"))
	f.Add([]byte("value,type,families\n\"a\"\"b\",url,x|y\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := decode(in, DecodeOptions{MaxBytes: 1 << 20})
		if err != nil && !errors.Is(err, intel.ErrInvalid) && !errors.Is(err, intel.ErrTooLarge) {
			t.Fatalf("error wraps neither ErrInvalid nor ErrTooLarge: %v", err)
		}
		if err != nil {
			return
		}
		back, err := decode(encode(t, got), DecodeOptions{})
		if err != nil {
			t.Fatalf("re-import: %v", err)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
