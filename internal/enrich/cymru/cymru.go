// Package cymru looks IP addresses up in Team Cymru's IP-to-ASN mapping
// over DNS (https://www.team-cymru.com/ip-asn-mapping): a TXT query for the
// reversed address under origin.asn.cymru.com (origin6 for IPv6) gives the
// origin AS, the announced prefix and the country of its registration; a
// TXT query for AS<n>.asn.cymru.com gives the AS's name.
//
//	4.72.104.172.origin.asn.cymru.com  "63949 | 172.104.0.0/15 | US | arin | 2015-06-02"
//	AS63949.asn.cymru.com              "63949 | US | arin | 2015-06-02 | LINODE-AP Linode, LLC, US"
//
// It is an online source: iocast uses it only when asked to, and the
// queries tell the resolver and Team Cymru which addresses are looked at.
package cymru

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/iocast/iocast/intel"
)

// Config says which DNS server to ask.
type Config struct {
	// Server is the DNS server's address, host:port ("127.0.0.1:53"); ""
	// uses the system's resolver.
	Server string
	// Zone is the zone queried, "asn.cymru.com" when empty.
	Zone string
}

// Client is a Team Cymru IP-to-ASN client. It is safe for concurrent use
// and remembers AS names, which many addresses share.
type Client struct {
	zone     string
	resolver *net.Resolver

	mu    sync.Mutex
	names map[uint32]string
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{zone: strings.Trim(cfg.Zone, "."), resolver: net.DefaultResolver, names: map[uint32]string{}}
	if c.zone == "" {
		c.zone = "asn.cymru.com"
	}
	if cfg.Server != "" {
		server := cfg.Server
		c.resolver = &net.Resolver{
			PreferGo: true,
			Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, network, server)
			},
		}
	}
	return c
}

// Name returns "cymru", the source's name in messages.
func (c *Client) Name() string { return "cymru" }

// Lookup returns the origin AS of ip, the AS's name and the country the
// prefix is registered in. An address nobody announces gives the zero
// Enrichment and no error; an unreachable server gives an error.
func (c *Client) Lookup(ctx context.Context, ip netip.Addr) (intel.Enrichment, error) {
	ip = ip.Unmap()
	txt, err := c.txt(ctx, originName(ip, c.zone))
	if err != nil || len(txt) == 0 {
		return intel.Enrichment{}, err
	}
	asn, country, ok := parseOrigin(txt[0])
	if !ok {
		return intel.Enrichment{}, fmt.Errorf("cymru: unexpected answer %q: %w", clip(txt[0]), intel.ErrInvalid)
	}
	e := intel.Enrichment{ASN: "AS" + strconv.FormatUint(uint64(asn), 10), Country: country}
	name, err := c.asName(ctx, asn)
	if err != nil {
		return e, nil // the AS and country are worth having without the name
	}
	e.ISP = name
	return e, nil
}

// asName returns the name of AS asn, from memory when asked before.
func (c *Client) asName(ctx context.Context, asn uint32) (string, error) {
	c.mu.Lock()
	name, ok := c.names[asn]
	c.mu.Unlock()
	if ok {
		return name, nil
	}
	txt, err := c.txt(ctx, "AS"+strconv.FormatUint(uint64(asn), 10)+"."+c.zone+".")
	if err != nil {
		return "", err
	}
	if len(txt) > 0 {
		name = parseName(txt[0])
	}
	c.mu.Lock()
	c.names[asn] = name
	c.mu.Unlock()
	return name, nil
}

// txt returns the TXT records of name; none, and no error, when the name
// does not exist.
func (c *Client) txt(ctx context.Context, name string) ([]string, error) {
	txt, err := c.resolver.LookupTXT(ctx, name)
	var de *net.DNSError
	if errors.As(err, &de) && de.IsNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cymru: %w", err)
	}
	return txt, nil
}

// originName returns the query name for ip: reversed octets under
// origin.<zone> for IPv4, reversed nibbles under origin6.<zone> for IPv6.
func originName(ip netip.Addr, zone string) string {
	var b strings.Builder
	if ip.Is4() {
		a := ip.As4()
		for i := 3; i >= 0; i-- {
			b.WriteString(strconv.Itoa(int(a[i])))
			b.WriteByte('.')
		}
		return b.String() + "origin." + zone + "."
	}
	a := ip.As16()
	const hex = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		b.WriteByte(hex[a[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hex[a[i]>>4])
		b.WriteByte('.')
	}
	return b.String() + "origin6." + zone + "."
}

// parseOrigin reads "63949 | 172.104.0.0/15 | US | arin | 2015-06-02". The
// first field may list several origin ASes; the first is taken.
func parseOrigin(s string) (asn uint32, country string, ok bool) {
	f := strings.Split(s, "|")
	if len(f) < 3 {
		return 0, "", false
	}
	first, _, _ := strings.Cut(strings.TrimSpace(f[0]), " ")
	n, err := strconv.ParseUint(first, 10, 32)
	if err != nil || n == 0 {
		return 0, "", false
	}
	return uint32(n), countryCode(f[2]), true
}

// parseName reads the name of "63949 | US | arin | 2015-06-02 | LINODE-AP
// Linode, LLC, US" and drops the trailing country code: "LINODE-AP Linode, LLC".
func parseName(s string) string {
	f := strings.Split(s, "|")
	if len(f) < 5 {
		return ""
	}
	name := strings.TrimSpace(strings.Join(f[4:], "|"))
	if i := strings.LastIndex(name, ", "); i >= 0 && countryCode(name[i+2:]) != "" {
		name = name[:i]
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	return name
}

func countryCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) != 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return ""
	}
	s = strings.ToUpper(s)
	if s == "ZZ" {
		return ""
	}
	return s
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
