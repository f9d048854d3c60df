package stix

import (
	"bytes"
	"context"
	"flag"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func ind(t testing.TB, k intel.Kind, v string) intel.Indicator {
	t.Helper()
	i, err := intel.New(k, v)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

var (
	t0 = time.Date(2022, 5, 10, 11, 22, 33, 444000000, time.UTC)
	t1 = time.Date(2022, 6, 1, 8, 0, 0, 0, time.UTC)
)

// sampleRecords covers every kind, host:port, TLP levels, families,
// enrichment, sources, revocation and values that need escaping.
func sampleRecords(t testing.TB) []intel.Record {
	lodeinfo := []string{"LODEINFO"}
	return []intel.Record{
		{Indicator: ind(t, intel.KindURL, "http[:]//172.104.72[.]4/"), FirstSeen: t0, LastSeen: t1, Sightings: 3, Families: lodeinfo, Role: "c2", Sources: []string{"https://x.com/nao_sec/status/1"}},
		{Indicator: ind(t, intel.KindIPv4, "172.104.72.4"), FirstSeen: t0, LastSeen: t1, Sightings: 3, Families: lodeinfo, Role: "c2", Confidence: 80, Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Indicator: ind(t, intel.KindIPv4, "45.77.28.124"), Port: 443, FirstSeen: t0, LastSeen: t0, Sightings: 1, Families: lodeinfo, Role: "c2", TLP: "GREEN"},
		{Indicator: ind(t, intel.KindIPv6, "2001:db8::1"), FirstSeen: t0, LastSeen: t0, Sightings: 1, TLP: "AMBER+STRICT"},
		{Indicator: ind(t, intel.KindDomain, "evil.example.co.jp"), Port: 8080, FirstSeen: t0, LastSeen: t1, Sightings: 2, Families: []string{"HUI Loader", "LODEINFO"}},
		{Indicator: ind(t, intel.KindURL, `https://evil.example.com/a'b.php?x=1`), FirstSeen: t0, LastSeen: t1, Sightings: 1, TLP: "AMBER"},
		{Indicator: ind(t, intel.KindEmail, "phish@evil.example.com"), FirstSeen: t0, LastSeen: t0, Sightings: 1, TLP: "RED"},
		{Indicator: ind(t, intel.KindMD5, "da1c9006b493d7e95db4d354c5f0e99f"), FirstSeen: t0, LastSeen: t0, Sightings: 1, Families: lodeinfo, Role: "sample"},
		{Indicator: ind(t, intel.KindSHA1, "0123456789abcdef0123456789abcdef01234567"), FirstSeen: t0, LastSeen: t0, Sightings: 1, Role: "sample"},
		{Indicator: ind(t, intel.KindSHA256, "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"), FirstSeen: t0, LastSeen: t0, Sightings: 1, Role: "sample", Revoked: true},
		{Indicator: ind(t, intel.KindSHA512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"), FirstSeen: t0, LastSeen: t0, Sightings: 1},
		{Indicator: ind(t, intel.KindFilename, "invoice.docm"), FirstSeen: t0, LastSeen: t0, Sightings: 1, Sources: []string{"report.pdf"}},
		{Indicator: ind(t, intel.KindCVE, "CVE-2022-30190"), FirstSeen: t0, LastSeen: t0, Sightings: 1, Families: lodeinfo},
		{Indicator: ind(t, intel.KindASN, "AS20473"), FirstSeen: t0, LastSeen: t0, Sightings: 1},
	}
}

func encodeAll(t testing.TB, recs []intel.Record, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := Encode(context.Background(), &buf, opts, seqOf(recs))
	if err != nil {
		t.Fatal(err)
	}
	if n != len(recs) {
		t.Fatalf("Encode wrote %d records, want %d", n, len(recs))
	}
	return buf.Bytes()
}

// seqOf yields recs as Encode takes them.
func seqOf(recs []intel.Record) iter.Seq2[intel.Record, error] {
	return func(yield func(intel.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

var goldenOpts = Options{
	BundleID: "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
	Now:      t0,
	Family: func(name string) Family {
		if name == "LODEINFO" {
			return Family{Aliases: []string{"MirrorFace LODEINFO"}, Versions: []string{"v0.6.2"}}
		}
		return Family{}
	},
}

func TestEncodeGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"bundle", goldenOpts},
		{"bundle-defanged", Options{BundleID: goldenOpts.BundleID, Now: t0, Defang: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := encodeAll(t, sampleRecords(t), tc.opts)
			validateBundle(t, got)
			golden := filepath.Join("testdata", tc.name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("bundle differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func TestEncodeEmptyBundleIsValid(t *testing.T) {
	validateBundle(t, encodeAll(t, nil, goldenOpts))
}

func TestEncodeStableIDs(t *testing.T) {
	a := encodeAll(t, sampleRecords(t), goldenOpts)
	b := encodeAll(t, sampleRecords(t), goldenOpts)
	if !bytes.Equal(a, b) {
		t.Error("two exports of the same records differ")
	}
}

// TestSCOIDs checks deterministic observable ids against ids computed
// independently (Python's uuid.uuid5 over the canonical JSON); the
// domain-name one is also the id python-stix2 gives example.com.
func TestSCOIDs(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{scoID("ipv4-addr", "value", "10.0.0.1"), "ipv4-addr--7dd44d27-f473-5ba9-b12b-0d3a61bbed2e"},
		{scoID("domain-name", "value", "example.com"), "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
		{fileHashID("SHA-256", "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"), "file--00967b13-6ef8-53e0-ac11-fcfb64b3c756"},
		{scoIDNumber("autonomous-system", "number", 63949), "autonomous-system--13be0bea-801b-56f0-8ec1-933d035503cc"},
	} {
		if tc.got != tc.want {
			t.Errorf("id = %s, want %s", tc.got, tc.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	want := sampleRecords(t)
	for i := range want {
		want[i].Country = "" // only in the description
		if want[i].TLP == "CLEAR" {
			want[i].TLP = ""
		}
	}
	for _, opts := range []Options{goldenOpts, {Now: t0, Defang: true}} {
		res, err := Decode(context.Background(), bytes.NewReader(encodeAll(t, sampleRecords(t), opts)), DecodeOptions{Name: "rt.json", Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Records
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Decode(Encode(records)) (-want +got):\n%s", diff)
		}
	}
}
