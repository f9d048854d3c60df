package sightingio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
)

func TestDecode(t *testing.T) {
	want := &intel.Sighting{
		Family: "LODEINFO",
		C2:     []intel.Endpoint{{Value: "http://172.104.72.4/", Enrichment: intel.Enrichment{ASN: "AS63949", Country: "JP"}}},
		TLP:    "CLEAR",
	}
	tests := []struct {
		name string
		in   string
		want *intel.Sighting
		err  string
		is   error
	}{
		{name: "yaml, normalised", in: "family: LODEINFO\nc2:\n  - value: hxxp[:]//172.104.72[.]4/\n    asn: '63949'\n    country: jp\ntlp: white\n", want: want},
		{name: "json", in: `{"family": "LODEINFO", "c2": [{"value": "http://172.104.72.4/", "asn": "AS63949", "country": "JP"}], "tlp": "CLEAR"}`, want: want},
		{name: "json with tabs", in: "{\n\t\"family\": \"LODEINFO\",\n\t\"c2\": [{\"value\": \"http://172.104.72.4/\", \"asn\": \"AS63949\", \"country\": \"JP\"}],\n\t\"tlp\": \"CLEAR\"\n}", want: want},
		{name: "unknown field", in: "family: X\nfamilly: Y\n", err: `s.yaml:2: unknown field "familly"; did you mean "family"?`, is: intel.ErrInvalid},
		{name: "unknown nested field", in: "c2:\n  - value: 1.2.3.4\n    asnn: AS1\n", err: `s.yaml:3: unknown field "c2[0].asnn"; did you mean "asn"?`},
		{name: "unknown json field", in: "{\n  \"family\": \"X\",\n  \"colour\": 1\n}", err: `s.yaml:3: unknown field "colour"`},
		{name: "wrong type", in: "family: X\nc2:\n  - value: 1.2.3.4\n    port: eighty\n", err: "s.yaml:4: cannot unmarshal !!str `eighty` into int"},
		{name: "invalid value at its line", in: "family: X\nsamples:\n  - md5: xyz\n", err: `s.yaml:3: samples[0].md5: `},
		{name: "empty", in: "\n", err: "s.yaml: empty", is: intel.ErrInvalid},
		{name: "two documents", in: "family: X\n---\nfamily: Y\n", err: "s.yaml:2: more than one YAML document"},
		{name: "not a mapping", in: "- a\n", err: "s.yaml:1: want a mapping"},
		{name: "too large", in: "family: X\n" + strings.Repeat("#", MaxSize), err: "s.yaml: larger than", is: intel.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.in), "s.yaml")
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to start %q", err, tt.err)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRoundTrip writes every example as JSON and YAML and reads it back.
func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "sightings", "*.yaml"))
	if len(files) < 3 {
		t.Fatalf("found %d example sightings, want at least 3", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var in bytes.Buffer
			s, err := Read(strings.NewReader(mustRead(t, file)), file)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []func(*bytes.Buffer, *intel.Sighting) error{
				func(b *bytes.Buffer, s *intel.Sighting) error { return WriteJSON(b, s) },
				func(b *bytes.Buffer, s *intel.Sighting) error { return WriteYAML(b, s) },
			} {
				in.Reset()
				if err := w(&in, s); err != nil {
					t.Fatal(err)
				}
				got, err := Decode(in.Bytes(), "written")
				if err != nil {
					t.Fatalf("%v in\n%s", err, in.String())
				}
				if diff := cmp.Diff(s, got); diff != "" {
					t.Errorf("(-read +reread):\n%s\n%s", diff, in.String())
				}
			}
		})
	}
}

func mustRead(t *testing.T, file string) string {
	t.Helper()
	var b bytes.Buffer
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(data)
	return b.String()
}
