package store

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/iocast/iocast/intel"
)

// Query is a parsed search: at most one of its parts is the point of it.
type Query struct {
	// Exact lists the canonical indicators the query text is, one per kind
	// that accepts it ("1.2.3.4" is only an ipv4; "evil.com" a domain).
	Exact []intel.Indicator
	// Domain, when set, is a domain whose subdomains match too, given as
	// its ReverseDomain.
	Domain string
	// Prefix, when valid, is a CIDR range whose addresses match.
	Prefix netip.Prefix
}

// ParseQuery reads a search: a value of any kind (defanged or not), for a
// domain also its subdomains, or an IPv4/IPv6 CIDR range ("10.0.0.0/8").
// It returns an error wrapping intel.ErrInvalid for text that is none.
func ParseQuery(q string) (Query, error) {
	s := intel.Refang(strings.TrimSpace(q))
	if s == "" {
		return Query{}, fmt.Errorf("empty search: %w", intel.ErrInvalid)
	}
	if strings.Contains(s, "/") && !strings.Contains(s, "://") {
		if p, err := netip.ParsePrefix(s); err == nil {
			return Query{Prefix: p.Masked()}, nil
		}
	}
	var out Query
	for _, k := range intel.Kinds {
		v, err := intel.Canonical(k, s)
		if err != nil {
			continue
		}
		out.Exact = append(out.Exact, intel.Indicator{Kind: k, Value: v})
		if k == intel.KindDomain {
			out.Domain = ReverseDomain(v)
		}
	}
	if len(out.Exact) == 0 {
		return Query{}, fmt.Errorf("%q is not an indicator or a CIDR range: %w", q, intel.ErrInvalid)
	}
	return out, nil
}

// InPrefix reports whether the canonical IP address v is in p.
func InPrefix(p netip.Prefix, v string) bool {
	a, err := netip.ParseAddr(v)
	return err == nil && p.Contains(a)
}
