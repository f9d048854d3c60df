package extract

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/iocast/iocast/intel"
)

// listIndex merges the exact, hostname and CIDR entries of every warninglist
// an Extractor applies, so that an indicator is looked up once per host
// suffix and once per prefix length instead of once per list.
type listIndex struct {
	lists    []*Warninglist
	exact    map[string][]int // value → lists of type string
	hosts    map[string][]int // host name → lists of type hostname
	prefixes map[netip.Prefix][]int
	bits4    []int // prefix lengths present, IPv4
	bits6    []int // prefix lengths present, IPv6
	slow     []int // substring and regex lists, matched one by one
	// exactAll is set when a string list applies to every kind; exactKinds
	// lists the kinds string lists apply to otherwise.
	exactAll   bool
	exactKinds map[intel.Kind]bool
}

func newListIndex(lists []*Warninglist) *listIndex {
	x := &listIndex{lists: lists, exact: map[string][]int{}, hosts: map[string][]int{}, prefixes: map[netip.Prefix][]int{}}
	seen4, seen6 := map[int]bool{}, map[int]bool{}
	for i, w := range lists {
		switch w.Type {
		case "string":
			for v := range w.exact {
				x.exact[v] = append(x.exact[v], i)
			}
			if w.kinds == nil {
				x.exactAll = true
			}
			for k := range w.kinds {
				if x.exactKinds == nil {
					x.exactKinds = map[intel.Kind]bool{}
				}
				x.exactKinds[k] = true
			}
		case "hostname":
			for v := range w.exact {
				x.hosts[v] = append(x.hosts[v], i)
			}
		case "cidr":
			for _, set := range w.prefixes {
				for p := range set {
					x.prefixes[p] = append(x.prefixes[p], i)
					if p.Addr().Is4() && !seen4[p.Bits()] {
						seen4[p.Bits()] = true
						x.bits4 = append(x.bits4, p.Bits())
					} else if p.Addr().Is6() && !seen6[p.Bits()] {
						seen6[p.Bits()] = true
						x.bits6 = append(x.bits6, p.Bits())
					}
				}
			}
		default:
			x.slow = append(x.slow, i)
		}
	}
	sort.Ints(x.bits4)
	sort.Ints(x.bits6)
	return x
}

// match returns the indices of the lists that match ind, in list order,
// skipping reference lists when skipReference is set.
func (x *listIndex) match(ind intel.Indicator, skipReference bool) []int {
	host := hostOf(ind)
	hk := hostKind(host)
	var hits []int
	add := func(idx []int) {
		for _, i := range idx {
			w := x.lists[i]
			if skipReference && w.Reference || !w.applies(ind.Kind, hk) {
				continue
			}
			hits = append(hits, i)
		}
	}
	if x.exactAll || x.exactKinds[ind.Kind] {
		v := ind.Value
		if ind.Kind == intel.KindFilename || ind.Kind == intel.KindURL || ind.Kind == intel.KindCVE || ind.Kind == intel.KindASN {
			v = strings.ToLower(v)
		}
		add(x.exact[v])
	}
	if host != "" && host != ind.Value && (x.exactAll || x.exactKinds[hk]) {
		add(x.exact[host])
	}
	if hk == intel.KindDomain {
		for h := host; ; {
			add(x.hosts[h])
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	}
	if hk == intel.KindIPv4 || hk == intel.KindIPv6 {
		if a, err := netip.ParseAddr(host); err == nil {
			bits := x.bits4
			if a.Is6() {
				bits = x.bits6
			}
			for _, b := range bits {
				if p, err := a.Prefix(b); err == nil {
					add(x.prefixes[p])
				}
			}
		}
	}
	for _, i := range x.slow {
		w := x.lists[i]
		if skipReference && w.Reference {
			continue
		}
		if w.Match(ind) {
			hits = append(hits, i)
		}
	}
	if len(hits) > 1 {
		sort.Ints(hits)
		hits = dedupInts(hits)
	}
	return hits
}

func dedupInts(a []int) []int {
	out := a[:1]
	for _, v := range a[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}
