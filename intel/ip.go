package intel

import "net/netip"

// IPFlag describes what kind of address an IP is. Addresses with any flag
// set are rarely real IoCs (a C2 on 10.0.0.1 is a lab artefact or a typo).
type IPFlag uint16

// The IP flags.
const (
	IPPrivate       IPFlag = 1 << iota // RFC 1918, fc00::/7
	IPLoopback                         // 127.0.0.0/8, ::1
	IPLinkLocal                        // 169.254.0.0/16, fe80::/10
	IPMulticast                        // 224.0.0.0/4, ff00::/8
	IPUnspecified                      // 0.0.0.0, ::
	IPDocumentation                    // 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32
	IPCGNAT                            // 100.64.0.0/10 (RFC 6598)
	IPReserved                         // 0.0.0.0/8, 240.0.0.0/4, 255.255.255.255, 198.18.0.0/15, 192.0.0.0/24, …
)

var flagNames = []struct {
	f    IPFlag
	name string
}{
	{IPPrivate, "private"}, {IPLoopback, "loopback"}, {IPLinkLocal, "link-local"},
	{IPMulticast, "multicast"}, {IPUnspecified, "unspecified"},
	{IPDocumentation, "documentation"}, {IPCGNAT, "cgnat"}, {IPReserved, "reserved"},
}

// Names returns the names of the flags set, in a stable order.
func (f IPFlag) Names() []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

var (
	docNets = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("3fff::/20"),
	}
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	reservedNets = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("100::/64"),
		netip.MustParsePrefix("2001::/23"),
	}
)

// IPFlags classifies addr. A public, routable address has no flags.
func IPFlags(addr netip.Addr) IPFlag {
	addr = addr.Unmap()
	var f IPFlag
	if addr.IsPrivate() {
		f |= IPPrivate
	}
	if addr.IsLoopback() {
		f |= IPLoopback
	}
	if addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() {
		f |= IPLinkLocal
	}
	if addr.IsMulticast() {
		f |= IPMulticast
	}
	if addr.IsUnspecified() {
		f |= IPUnspecified
	}
	for _, p := range docNets {
		if p.Contains(addr) {
			f |= IPDocumentation
		}
	}
	if cgnat.Contains(addr) {
		f |= IPCGNAT
	}
	for _, p := range reservedNets {
		if p.Contains(addr) {
			f |= IPReserved
		}
	}
	return f
}
