package iptoasn

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
)

func TestLookup(t *testing.T) {
	v4, err := Open(filepath.Join("testdata", "ip2asn-v4.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	v6, err := Open(filepath.Join("testdata", "ip2asn-v6.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		table *Table
		ip    string
		want  intel.Enrichment
	}{
		{"first address of a range", v4, "1.0.0.0", intel.Enrichment{ASN: "AS13335", ISP: "CLOUDFLARENET", Country: "US"}},
		{"last address of a range", v4, "1.0.0.255", intel.Enrichment{ASN: "AS13335", ISP: "CLOUDFLARENET", Country: "US"}},
		{"not routed is not kept", v4, "1.0.2.1", intel.Enrichment{}},
		{"between ranges", v4, "9.9.9.9", intel.Enrichment{}},
		{"before the first range", v4, "0.0.0.1", intel.Enrichment{}},
		{"after the last range", v4, "255.255.255.255", intel.Enrichment{}},
		{"seed C2", v4, "172.104.72.4", intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"}},
		{"second half of a /15", v4, "172.105.223.216", intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"}},
		{"ZZ country is dropped", v4, "203.0.113.9", intel.Enrichment{ASN: "AS64500", ISP: "DOC-NET Documentation"}},
		{"IPv4-mapped IPv6", v4, "::ffff:45.77.28.124", intel.Enrichment{ASN: "AS20473", ISP: "AS-CHOOPA", Country: "JP"}},
		{"IPv6 in a v4 table", v4, "2001:200::1", intel.Enrichment{}},
		{"IPv6", v6, "2400:8901::f03c:91ff:fe2c:1", intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"}},
		{"IPv6 end of range", v6, "2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff", intel.Enrichment{ASN: "AS24940", ISP: "HETZNER-AS", Country: "DE"}},
		{"IPv6 gap", v6, "2400:8908::1", intel.Enrichment{}},
		{"IPv4 in a v6 table", v6, "172.104.72.4", intel.Enrichment{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.table.Lookup(context.Background(), netip.MustParseAddr(tt.ip))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%s) (-want +got):\n%s", tt.ip, diff)
			}
		})
	}
}

func TestMalformedRows(t *testing.T) {
	tab, err := Open(filepath.Join("testdata", "malformed.tsv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tab.Info().Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`malformed.tsv:3: want 5 tab-separated fields (start, end, AS number, country, description), got 3`,
		`malformed.tsv:4: AS number "AS38803" is not a number from 0 to 4294967295`,
		`malformed.tsv:5: country "Japan" is not an ISO 3166 alpha-2 code or None`,
		`malformed.tsv:6: range end 1.0.32.0 is before its start 1.0.64.0`,
		`malformed.tsv:7: range 1.0.0.128-1.0.0.200 overlaps or precedes the range on line 2: rows must be sorted`,
		`malformed.tsv:8: range end "1.0.255.256" is not an IPv4 address like its start`,
		`malformed.tsv:9: range end "2001:db8::" is not an IPv4 address like its start`,
		`malformed.tsv:10: description is not valid UTF-8 text`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejected rows (-want +got):\n%s", diff)
	}
	in := tab.Info()
	if in.Rows != 10 || in.Rejected != 8 || in.V4Ranges != 2 {
		t.Errorf("Info = %d rows, %d rejected, %d ranges; want 10, 8, 2", in.Rows, in.Rejected, in.V4Ranges)
	}
	var re *RowError
	if !errors.As(tab.Info().Errors[0], &re) || !errors.Is(re, intel.ErrInvalid) {
		t.Errorf("errors are not *RowError wrapping intel.ErrInvalid")
	}
}

func TestRefused(t *testing.T) {
	row := "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
	tests := []struct {
		name string
		data string
		opts Options
		want string
	}{
		{"strict refuses the first bad row", row + "x\n", Options{MaxRejected: -1}, "iptoasn: t.tsv:2: want 5 tab-separated fields"},
		{"too many bad rows", strings.Repeat("x\ty\n", 3), Options{MaxRejected: 2}, "more than 2 malformed rows"},
		{"nothing valid", "hello\n", Options{}, "no valid row; first error: t.tsv:1:"},
		{"too many rows", strings.Repeat(row, 3), Options{MaxRows: 2}, "t.tsv:3: more than 2 rows: too large"},
		{"too many bytes", strings.Repeat(row, 3), Options{MaxBytes: int64(len(row)) + 10}, "too large"},
		{"line too long", strings.Repeat("1", MaxLineLen+1) + "\n", Options{MaxRejected: -1}, "t.tsv:1: line longer than 4096 bytes"},
		{"line longer than the buffer", strings.Repeat("1", 100<<10) + "\n" + row, Options{MaxRejected: -1}, "t.tsv:1: line longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.data), "dir/t.tsv", tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestExactLimit(t *testing.T) {
	row := "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
	if _, err := Parse(strings.NewReader(row), "t.tsv", Options{MaxBytes: int64(len(row))}); err != nil {
		t.Errorf("a file of exactly MaxBytes: %v", err)
	}
}

func TestGzip(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "ip2asn-v4.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	p := filepath.Join(t.TempDir(), "ip2asn-v4.tsv.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tab.Lookup(context.Background(), netip.MustParseAddr("45.77.28.124"))
	if diff := cmp.Diff(intel.Enrichment{ASN: "AS20473", ISP: "AS-CHOOPA", Country: "JP"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// A gzip bomb: 64 MiB of zeros compress to about 64 KiB.
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	zw.Write([]byte(strings.Repeat("1.0.0.0\t1.0.0.255\t13335\tUS\tX\n", 10)))
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	bomb := buf.Bytes()
	_, err = Parse(bytes.NewReader(bomb), "bomb.tsv.gz", Options{MaxBytes: 8 << 20})
	if !errors.Is(err, intel.ErrTooLarge) {
		t.Errorf("gzip bomb: error = %v; want ErrTooLarge", err)
	}

	// A truncated gzip stream is an error, not a short table.
	_, err = Parse(bytes.NewReader(bomb[:len(bomb)/2]), "cut.tsv.gz", Options{})
	if err == nil {
		t.Errorf("truncated gzip: no error")
	}
}

func TestParseIPv4(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0.0.0.0", 0, true},
		{"255.255.255.255", 0xffffffff, true},
		{"172.104.72.4", 0xac684804, true},
		{"16777216", 0x01000000, true}, // ip2asn-v4-u32.tsv
		{"4294967296", 0, false},
		{"1.2.3", 0, false},
		{"1.2.3.4.5", 0, false},
		{"1.2.3.04", 0, false},
		{"1..3.4", 0, false},
		{"256.1.1.1", 0, false},
		{"1.2.3.4 ", 0, false},
		{"::1", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseIPv4([]byte(tt.in))
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseIPv4(%q) = %#x, %v; want %#x, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
