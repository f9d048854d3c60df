package misp

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
	lodeinfo := []string{"LODEINFO"}
	r := func(k intel.Kind, v string) intel.Record {
		return intel.Record{Indicator: intel.Indicator{Kind: k, Value: v}, FirstSeen: t0, LastSeen: t0.Add(time.Hour), Families: lodeinfo}
	}
	recs := []intel.Record{
		r(intel.KindURL, "http://172.104.72.4/"),
		r(intel.KindIPv4, "172.104.72.4"),
		r(intel.KindIPv6, "2001:db8::1"),
		r(intel.KindDomain, "evil.example.com"),
		r(intel.KindEmail, "phish@evil.example.com"),
		r(intel.KindMD5, "da1c9006b493d7e95db4d354c5f0e99f"),
		r(intel.KindSHA1, "0123456789abcdef0123456789abcdef01234567"),
		r(intel.KindSHA256, "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"),
		r(intel.KindFilename, "invoice.docm"),
		r(intel.KindCVE, "CVE-2022-30190"),
		r(intel.KindASN, "AS63949"),
	}
	recs[0].Role = "c2"
	recs[1].Port, recs[1].TLP, recs[1].Role = 443, "AMBER", "c2"
	recs[3].Port = 8080
	recs[5].Revoked = true
	recs[6].Families = nil
	return recs
}

func encode(t *testing.T, recs []intel.Record, samples []intel.Sample) []byte {
	var buf bytes.Buffer
	e := NewEncoder(&buf, Options{Info: "LODEINFO C2 and samples", Date: t0})
	for i := range recs {
		if err := e.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range samples {
		if err := e.WriteSample(s, SampleInfo{Families: []string{"LODEINFO"}, FirstSeen: t0, LastSeen: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if len(samples) > 0 && len(recs) > 0 {
		if err := e.Write(&recs[0]); err == nil {
			t.Error("Write after WriteSample succeeded")
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var sample = intel.Sample{MD5: "da1c9006b493d7e95db4d354c5f0e99f", SHA256: "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c", Filename: "lodeinfo.exe"}

func TestGolden(t *testing.T) {
	got := encode(t, records(), []intel.Sample{sample})
	if *update {
		os.WriteFile("testdata/event.json", got, 0o644)
	}
	want, err := os.ReadFile("testdata/event.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	res, err := Decode(context.Background(), bytes.NewReader(encode(t, records(), nil)), DecodeOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	want := records()
	for i := range want {
		want[i].Sightings = 0 // not in MISP
	}
	if diff := cmp.Diff(want, res.Records); diff != "" {
		t.Errorf("Decode(Encode(records)) (-want +got):\n%s", diff)
	}
}

func TestDecodeComposite(t *testing.T) {
	in := `{"response":[{"Event":{"date":"2022-05-10","Tag":[{"name":"tlp:green"},{"name":"misp-galaxy:malpedia=\"PlugX\""}],"Attribute":[
{"type":"domain|ip","value":"evil.example.com|10.0.0.1"},
{"type":"filename|sha256","value":"a.exe|ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c","Tag":[{"name":"tlp:red"}]},
{"type":"text","value":"hello"},
{"type":"ip-dst|port","value":"10.0.0.2|99999"}]}}]}`
	res, err := Decode(context.Background(), strings.NewReader(in), DecodeOptions{Name: "e.json"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Records {
		got = append(got, r.Indicator.String()+" "+r.TLP+" "+strings.Join(r.Families, ","))
	}
	want := []string{"domain:evil.example.com GREEN PlugX", "ipv4:10.0.0.1 GREEN PlugX", "filename:a.exe RED PlugX", "sha256:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c RED PlugX"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	var paths []string
	for _, is := range res.Skipped {
		paths = append(paths, is.Path)
	}
	if diff := cmp.Diff([]string{"response[0].Event.Attribute[2].type", "response[0].Event.Attribute[3].value"}, paths); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int64
		want     string
		is       error
	}{
		{"empty", "", 0, "e.json: empty input", intel.ErrInvalid},
		{"syntax", `{"Event":{"Attribute":[}`, 0, "e.json: offset 24", intel.ErrInvalid},
		{"type", `{"Event":{"Attribute":[{"value":7}]}}`, 0, "e.json: Event.Attribute.value (offset", intel.ErrInvalid},
		{"trailing", `{"Event":{}} 0`, 0, "e.json: offset 14: data after the JSON value", intel.ErrInvalid},
		{"not misp", `{"foo":1}`, 0, "not MISP event JSON", intel.ErrInvalid},
		{"too large", `{"Event":{}}`, 5, "larger than 5 bytes", intel.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(context.Background(), strings.NewReader(tc.in), DecodeOptions{Name: "e.json", MaxBytes: tc.max})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %q wrapping %v", err, tc.want, tc.is)
			}
		})
	}
}

// FuzzDecode checks that Decode never panics and that its errors wrap
// intel.ErrInvalid or intel.ErrTooLarge, and that what it reads exports and
// imports back to as many records.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("testdata/event.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"Attribute":[{"type":"domain|ip","value":"a.example.com|1.2.3.4","Tag":[{"name":"tlp:amber"}]}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := Decode(context.Background(), bytes.NewReader(in), DecodeOptions{MaxBytes: 1 << 20})
		if err != nil {
			if !errors.Is(err, intel.ErrInvalid) && !errors.Is(err, intel.ErrTooLarge) {
				t.Fatalf("error wraps neither ErrInvalid nor ErrTooLarge: %v", err)
			}
			return
		}
		back, err := Decode(context.Background(), bytes.NewReader(encode(t, res.Records, nil)), DecodeOptions{Strict: true})
		if err != nil {
			t.Fatalf("re-import: %v", err)
		}
		if len(back.Records) != len(res.Records) {
			t.Fatalf("re-import gave %d records, want %d", len(back.Records), len(res.Records))
		}
	})
}
