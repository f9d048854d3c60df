package cymru

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/iocast/iocast/intel"
)

// fakeDNS is a UDP DNS server that answers TXT queries from a map and
// NXDOMAIN for anything else, and records the names asked.
type fakeDNS struct {
	conn  net.PacketConn
	txt   map[string][]string // lower-case name with the final dot → records
	mu    sync.Mutex
	asked []string
}

func startDNS(t *testing.T, txt map[string][]string) *fakeDNS {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeDNS{conn: conn, txt: txt}
	t.Cleanup(func() { conn.Close() })
	go f.serve()
	return f
}

func (f *fakeDNS) addr() string { return f.conn.LocalAddr().String() }

func (f *fakeDNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := f.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp, ok := f.answer(buf[:n]); ok {
			f.conn.WriteTo(resp, from)
		}
	}
}

func (f *fakeDNS) answer(req []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	name := strings.ToLower(q.Name.String())
	f.mu.Lock()
	f.asked = append(f.asked, q.Type.String()+" "+name)
	f.mu.Unlock()
	records, ok := f.txt[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true}
	if !ok {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	if ok && q.Type == dnsmessage.TypeTXT {
		for _, r := range records {
			b.TXTResource(dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeTXT, Class: dnsmessage.ClassINET, TTL: 60},
				dnsmessage.TXTResource{TXT: []string{r}})
		}
	}
	msg, err := b.Finish()
	return msg, err == nil
}

func (f *fakeDNS) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}

func TestLookup(t *testing.T) {
	dns := startDNS(t, map[string][]string{
		"4.72.104.172.origin.asn.cymru.com.":    {"63949 | 172.104.0.0/15 | US | arin | 2015-06-02"},
		"216.223.105.172.origin.asn.cymru.com.": {"63949 | 172.105.0.0/16 | jp | apnic | 2015-06-02"},
		"as63949.asn.cymru.com.":                {"63949 | US | arin | 2015-06-02 | LINODE-AP Linode, LLC, US"},
		"124.28.77.45.origin.asn.cymru.com.":    {"20473 64515 | 45.77.0.0/16 | JP | apnic | 2014-01-01"},
		"1.2.0.192.origin.asn.cymru.com.":       {"garbage"},
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.9.8.0.0.4.2.origin6.asn.cymru.com.": {
			"63949 | 2400:8900::/31 | JP | apnic | 2012-05-11",
		},
	})
	c := New(Config{Server: dns.addr()})
	tests := []struct {
		ip      string
		want    intel.Enrichment
		wantErr string
	}{
		{ip: "172.104.72.4", want: intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "US"}},
		{ip: "172.105.223.216", want: intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"}},
		// Several origins: the first; no AS name record: no ISP.
		{ip: "45.77.28.124", want: intel.Enrichment{ASN: "AS20473", Country: "JP"}},
		{ip: "2400:8901::1", want: intel.Enrichment{ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"}},
		{ip: "8.8.8.8", want: intel.Enrichment{}}, // NXDOMAIN: not announced
		{ip: "192.0.2.1", wantErr: `cymru: unexpected answer "garbage": invalid`},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			got, err := c.Lookup(ctx, netip.MustParseAddr(tt.ip))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v; want %s", err, tt.wantErr)
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
	// The AS name was asked once, for both Linode addresses.
	n := 0
	for _, q := range dns.names() {
		if q == "TypeTXT as63949.asn.cymru.com." {
			n++
		}
	}
	if n != 1 {
		t.Errorf("AS63949's name asked %d times; want 1 (cached)", n)
	}
}

func TestServerUnreachable(t *testing.T) {
	// A port nobody listens on: the query is refused or times out.
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = New(Config{Server: addr}).Lookup(ctx, netip.MustParseAddr("172.104.72.4"))
	var ne net.Error
	if !errors.As(err, &ne) {
		t.Fatalf("error = %v; want a net.Error, which the Runner reports as the network being unavailable", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"63949 | US | arin | 2015-06-02 | LINODE-AP Linode, LLC, US", "LINODE-AP Linode, LLC"},
		{"13335 | US | arin | 2010-07-14 | CLOUDFLARENET, US", "CLOUDFLARENET"},
		{"1 | US | arin | 2010-07-14 | NAME | WITH | BARS", "NAME | WITH | BARS"},
		{"1 | US | arin", ""},
		{"1 | US | arin | x | EVIL\x1b[31m", ""},
	}
	for _, tt := range tests {
		if got := parseName(tt.in); got != tt.want {
			t.Errorf("parseName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
