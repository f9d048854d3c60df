// Package rdap looks IP addresses up with the Registration Data Access
// Protocol (RFC 9082 queries, RFC 9083 responses): GET <base>/ip/<address>
// returns the registry's record of the network, with its name, country and
// registrant. Through https://rdap.org (the default base) the query is
// redirected to the registry (ARIN, RIPE NCC, APNIC, LACNIC, AFRINIC) that
// holds the address.
//
// RDAP does not say which AS announces an address; ARIN's responses carry
// it as an extension (arin_originas0_originautnums), which is read when
// present. It is an online source: iocast uses it only when asked to.
package rdap

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// DefaultBaseURL is the bootstrap service that redirects to the registry.
const DefaultBaseURL = "https://rdap.org"

// maxBody bounds a response: network records are a few KiB.
const maxBody = 1 << 20

// Config says which service to ask and how.
type Config struct {
	// BaseURL is the RDAP service, DefaultBaseURL when empty.
	BaseURL string
	// HTTP is the client to use; nil means http.DefaultClient. Its timeout
	// and transport are the caller's.
	HTTP *http.Client
	// UserAgent is sent with each request ("iocast" when empty).
	UserAgent string
}

// Client is an RDAP client for IP networks. It is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
	ua   string
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{base: strings.TrimRight(cfg.BaseURL, "/"), http: cfg.HTTP, ua: cfg.UserAgent}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.ua == "" {
		c.ua = "iocast"
	}
	return c
}

// Name returns "rdap", the source's name in messages.
func (c *Client) Name() string { return "rdap" }

// Lookup asks for the network of ip and returns its registrant
// organisation (else the network's name) as ISP, its country, and its
// origin AS when the registry gives it. An address no registry knows (404)
// gives the zero Enrichment and no error.
func (c *Client) Lookup(ctx context.Context, ip netip.Addr) (intel.Enrichment, error) {
	u := c.base + "/ip/" + ip.Unmap().WithZone("").String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return intel.Enrichment{}, fmt.Errorf("rdap: %w", err)
	}
	req.Header.Set("Accept", "application/rdap+json")
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.http.Do(req)
	if err != nil {
		return intel.Enrichment{}, fmt.Errorf("rdap: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return intel.Enrichment{}, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return intel.Enrichment{}, fmt.Errorf("rdap: %s: %w", u, intel.ErrRateLimited)
	case resp.StatusCode != http.StatusOK:
		return intel.Enrichment{}, fmt.Errorf("rdap: %s: %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return intel.Enrichment{}, fmt.Errorf("rdap: %s: %w", u, err)
	}
	if len(body) > maxBody {
		return intel.Enrichment{}, fmt.Errorf("rdap: %s: response over %d bytes: %w", u, maxBody, intel.ErrTooLarge)
	}
	var n network
	if err := json.Unmarshal(body, &n); err != nil {
		return intel.Enrichment{}, fmt.Errorf("rdap: %s: %w: %w", u, intel.ErrInvalid, err)
	}
	return n.enrichment(), nil
}

// network is the part of an RFC 9083 IP network object iocast reads.
type network struct {
	ObjectClassName string   `json:"objectClassName"`
	Name            string   `json:"name"`
	Country         string   `json:"country"`
	Entities        []entity `json:"entities"`
	// ARIN's extension: the AS numbers that originate the network.
	OriginAS []uint32 `json:"arin_originas0_originautnums"`
}

type entity struct {
	Roles      []string          `json:"roles"`
	VCardArray []json.RawMessage `json:"vcardArray"`
	Entities   []entity          `json:"entities"`
}

func (n *network) enrichment() intel.Enrichment {
	var e intel.Enrichment
	if len(n.OriginAS) > 0 && n.OriginAS[0] != 0 {
		e.ASN = "AS" + strconv.FormatUint(uint64(n.OriginAS[0]), 10)
	}
	e.ISP = registrant(n.Entities, 0)
	if e.ISP == "" {
		e.ISP = n.Name
	}
	e.ISP = clean(e.ISP)
	if c := strings.ToUpper(strings.TrimSpace(n.Country)); len(c) == 2 && isLetters(c) && c != "ZZ" {
		e.Country = c
	}
	return e
}

// registrant returns the formatted name (vCard fn) of the first entity
// with the registrant role, looking into nested entities too.
func registrant(es []entity, depth int) string {
	if depth > 3 {
		return ""
	}
	for _, e := range es {
		for _, r := range e.Roles {
			if r == "registrant" {
				if fn := vcardFN(e.VCardArray); fn != "" {
					return fn
				}
			}
		}
	}
	for _, e := range es {
		if fn := registrant(e.Entities, depth+1); fn != "" {
			return fn
		}
	}
	return ""
}

// vcardFN reads fn from a jCard (RFC 7095): ["vcard", [["fn", {}, "text", "Linode"], …]].
func vcardFN(v []json.RawMessage) string {
	if len(v) != 2 {
		return ""
	}
	var props [][]json.RawMessage
	if json.Unmarshal(v[1], &props) != nil {
		return ""
	}
	for _, p := range props {
		if len(p) < 4 {
			continue
		}
		var name, value string
		if json.Unmarshal(p[0], &name) == nil && name == "fn" && json.Unmarshal(p[3], &value) == nil {
			return value
		}
	}
	return ""
}

// clean drops names with control characters and collapses spaces.
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return ""
		}
	}
	if len(s) > 512 {
		return ""
	}
	return s
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
