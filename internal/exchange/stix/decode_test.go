package stix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
)

func TestParsePattern(t *testing.T) {
	for _, tc := range []struct {
		name, pattern string
		want          []string // kind:value[:port], or "error: …" substring
	}{
		{"ipv4", "[ipv4-addr:value = '10.0.0.1']", []string{"ipv4:10.0.0.1"}},
		{"spaces", "[ ipv4-addr:value = '10.0.0.0' ]", []string{"ipv4:10.0.0.0"}},
		{"cidr32", "[ipv4-addr:value = '10.0.0.1/32']", []string{"ipv4:10.0.0.1"}},
		{"quoted hash name", "[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']", []string{"sha256:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"}},
		{"bare hash name", "[file:hashes.md5 = '001dd76872d80801692ff942308c64e6']", []string{"md5:001dd76872d80801692ff942308c64e6"}},
		{"escaped quote", `[file:name = 'it\'s a name.exe']`, []string{`filename:it's a name.exe`}},
		{"or", "[domain-name:value = 'a.example.com' OR ipv4-addr:value = '10.0.0.2']", []string{"domain:a.example.com", "ipv4:10.0.0.2"}},
		{"or observations", "[url:value = 'http://a.example.com/'] OR [email-addr:value = 'x@a.example.com']", []string{"url:http://a.example.com/", "email:x@a.example.com"}},
		{"host port", "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '10.0.0.3' AND network-traffic:dst_port = 443]", []string{"ipv4:10.0.0.3:443"}},
		{"asn", "[autonomous-system:number = 63949]", []string{"asn:AS63949"}},
		{"matches", "[email-message:subject MATCHES '^x']", []string{"error: only = is supported"}},
		{"x509", "[x509-certificate:issuer = 'CN=WEBMAIL']", []string{"error: object path x509-certificate:issuer"}},
		{"range", "[ipv4-addr:value = '223.166.0.0/15']", []string{"error: address range"}},
		{"qualifier", "[ipv4-addr:value = '10.0.0.1'] WITHIN 5 SECONDS", []string{"error: only OR is supported"}},
		{"unterminated", "[ipv4-addr:value = '10.0.0.1]", []string{"error: unterminated string"}},
		{"not a pattern", "ipv4-addr:value = '10.0.0.1'", []string{"error: want '['"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			terms, err := parsePattern(tc.pattern)
			if err != nil {
				got = append(got, "error: "+err.Error())
			}
			for _, conj := range terms {
				recs, err := indicatorsOf(conj)
				if err != nil {
					got = append(got, "error: "+err.Error())
				}
				for _, r := range recs {
					s := r.Indicator.String()
					if r.Port != 0 {
						s += fmt.Sprintf(":%d", r.Port)
					}
					got = append(got, s)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				w, isErr := strings.CutPrefix(tc.want[i], "error: ")
				if isErr && !strings.Contains(got[i], w) || !isErr && got[i] != w {
					t.Errorf("got %q, want %q", got[i], tc.want[i])
				}
			}
		})
	}
}

func TestPatternEscapes(t *testing.T) {
	r := &intel.Record{Indicator: intel.Indicator{Kind: intel.KindFilename, Value: `a'b\c.exe`}}
	p, ok := Pattern(r)
	if want := `[file:name = 'a\'b\\c.exe']`; !ok || p != want {
		t.Fatalf("Pattern = %q, want %q", p, want)
	}
	terms, err := parsePattern(p)
	if err != nil || len(terms) != 1 || terms[0][0].value != r.Value {
		t.Fatalf("parsePattern(%q) = %v, %v", p, terms, err)
	}
}

// TestDecodeOASISExamples imports every example bundle of the OASIS
// repository: none may fail, and what is skipped is listed with its path.
func TestDecodeOASISExamples(t *testing.T) {
	dir := oasisPath(t, "examples")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatalf("no examples in %s", dir)
	}
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Decode(context.Background(), bytes.NewReader(b), DecodeOptions{Name: filepath.Base(f)})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		total += len(res.Records)
		for _, is := range res.Skipped {
			if is.Path == "" || is.Reason == "" || !errors.Is(is, intel.ErrInvalid) {
				t.Errorf("issue without path or reason: %#v", is)
			}
			t.Logf("skipped %v", is)
		}
	}
	if total < 50 {
		t.Errorf("only %d records from the OASIS examples", total)
	}
}

func TestDecodeOASISPoisonIvy(t *testing.T) {
	b, err := os.ReadFile(oasisPath(t, "examples/threat-reports/poisonivy.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Decode(context.Background(), bytes.NewReader(b), DecodeOptions{Name: "poisonivy.json"})
	if err != nil {
		t.Fatal(err)
	}
	var fam int
	for _, r := range res.Records {
		if len(r.Families) > 0 {
			fam++
		}
	}
	if fam == 0 {
		t.Errorf("no record carries a family from the indicates relationships: %v", res.Records[:3])
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int64
		want     string
		is       error
	}{
		{"not json", "nope", 0, "x.json: $ (offset 0)", intel.ErrInvalid},
		{"array", "[]", 0, "want a JSON object", intel.ErrInvalid},
		{"truncated", `{"type":"bundle","objects":[{"type":"indicator"`, 0, "x.json: objects[0]", intel.ErrInvalid},
		{"bad object", `{"type":"bundle","objects":[{"type":"indicator"},{"type":7}]}`, 0, "x.json: objects[1] (offset", intel.ErrInvalid},
		{"trailing", `{"type":"bundle","objects":[]} {}`, 0, "x.json: $ (offset 32): data after the JSON value", intel.ErrInvalid},
		{"objects not array", `{"objects":{}}`, 0, "want an array", intel.ErrInvalid},
		{"too large", `{"type":"bundle","objects":[` + strings.Repeat(`{"type":"x"},`, 100) + `{}]}`, 256, "larger than 256 bytes", intel.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(context.Background(), strings.NewReader(tc.in), DecodeOptions{Name: "x.json", MaxBytes: tc.max})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %q wrapping %v", err, tc.want, tc.is)
			}
		})
	}
}

func TestDecodeSkippedAndStrict(t *testing.T) {
	in := `{"type":"bundle","id":"bundle--1","objects":[
{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '10.0.0.1' OR x509-certificate:issuer = 'CN=x']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"},
{"type":"indicator","id":"indicator--2","pattern":"rule x {}","pattern_type":"yara","valid_from":"2020-01-01T00:00:00Z"}]}`
	res, err := Decode(context.Background(), strings.NewReader(in), DecodeOptions{Name: "in.json"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range res.Skipped {
		got = append(got, is.Name+": "+is.Path)
	}
	if diff := cmp.Diff([]string{"in.json: objects[0].pattern", "in.json: objects[1].pattern_type"}, got); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(res.Records) != 1 || res.Records[0].Value != "10.0.0.1" {
		t.Errorf("records = %v", res.Records)
	}
	_, err = Decode(context.Background(), strings.NewReader(in), DecodeOptions{Name: "in.json", Strict: true})
	if err == nil || !strings.Contains(err.Error(), "in.json: objects[0].pattern: ") || !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("strict: err = %v", err)
	}
}

func TestDecodeSingleObject(t *testing.T) {
	in := `{"pattern":"[domain-name:value = 'evil.example.com']","type":"indicator","id":"indicator--1","valid_from":"2020-01-01T00:00:00Z","object_marking_refs":["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]}`
	res, err := Decode(context.Background(), strings.NewReader(in), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || res.Records[0].Value != "evil.example.com" || res.Records[0].TLP != "RED" {
		t.Fatalf("records = %+v", res.Records)
	}
}
