package enrich

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/iocast/iocast/intel"
)

// EnrichSighting fills the empty ASN, ISP and Country of each C2 endpoint
// of s whose host is an IP address (alone, host:port, or in a URL), and of
// domains too when Config.Resolve is set. Values already in s win: a field
// is only ever filled, never replaced, and an ISP is filled only when the
// endpoint's ASN is empty or is the one looked up. Fields nobody knows stay
// empty. It fails only when an offline data set cannot be read.
func (r *Runner) EnrichSighting(ctx context.Context, s *intel.Sighting) error {
	if !r.Enabled() {
		return nil
	}
	var ips []netip.Addr
	var which []int // index in s.C2 of each ips[i]
	for i := range s.C2 {
		e := &s.C2[i]
		if e.ASN != "" && e.ISP != "" && e.Country != "" {
			continue
		}
		host, isIP := endpointHost(e.Value)
		var addr netip.Addr
		switch {
		case isIP:
			addr, _ = netip.ParseAddr(host)
		case host != "" && r.cfg.Resolve:
			a, err := r.resolve(ctx, host)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.warn("resolve:"+host, fmt.Sprintf("resolve %s: %v", intel.Defang(intel.KindDomain, host), err))
				continue
			}
			addr = a
		default:
			continue
		}
		ips = append(ips, addr)
		which = append(which, i)
	}
	if len(ips) == 0 {
		return nil
	}
	found, err := r.LookupAll(ctx, ips)
	if err != nil {
		return err
	}
	for k, i := range which {
		fill(&s.C2[i].Enrichment, found[k])
	}
	return nil
}

// fill sets the empty fields of have from got, keeping an ISP with its AS.
func fill(have *intel.Enrichment, got intel.Enrichment) {
	if have.ISP == "" && got.ISP != "" && (have.ASN == "" || have.ASN == got.ASN) {
		have.ISP = got.ISP
	}
	if have.ASN == "" {
		have.ASN = got.ASN
	}
	if have.Country == "" {
		have.Country = got.Country
	}
}

// endpointHost returns the host of an endpoint value (an IP, a domain, a
// host:port, or a URL), refanged, and whether it is an IP address.
func endpointHost(v string) (host string, isIP bool) {
	v = intel.Refang(strings.TrimSpace(v))
	if strings.Contains(v, "://") {
		p, err := intel.SplitURL(v)
		if err != nil {
			return "", false
		}
		v = p.Host
	} else if h, _, ok := strings.Cut(v, "/"); ok {
		v = h
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	if a, err := netip.ParseAddr(v); err == nil {
		return a.WithZone("").String(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().String(), true
	}
	if h, _, ok := strings.Cut(v, ":"); ok && strings.Count(v, ":") == 1 {
		v = h // domain:port
	}
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String(), true
	}
	return strings.ToLower(strings.TrimSuffix(v, ".")), false
}

// resolve returns an address of host, IPv4 first, within the timeout.
func (r *Runner) resolve(ctx context.Context, host string) (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	addrs, err := r.cfg.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("no address: %w", intel.ErrNotFound)
	}
	return addrs[0], nil
}
