package extract

import (
	"encoding/binary"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"

	"github.com/iocast/iocast/intel"
)

// TestIndexAgreesWithLists checks that the merged index finds exactly the
// lists whose own Match accepts an indicator: over the indicators of the
// generated corpus and values built from the lists' own entries.
func TestIndexAgreesWithLists(t *testing.T) {
	lists := append([]*Warninglist(nil), Builtin()...)
	dirs, _ := filepath.Glob(filepath.Join(sharedLists, "*", "list.json"))
	if len(dirs) == 0 {
		t.Logf("MISP warninglists not found under %s; checking the built-in lists only", sharedLists)
	}
	for _, p := range dirs {
		w, err := LoadWarninglistFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, w)
	}
	x := newListIndex(lists)

	var inds []intel.Indicator
	for _, m := range New(Options{KeepWarned: true}).ExtractString(string(benchCorpus(nil)[:1<<20])) {
		inds = append(inds, m.Indicator)
	}
	add := func(k intel.Kind, v string) {
		if ind, err := intel.New(k, v); err == nil {
			inds = append(inds, ind)
		}
	}
	for _, w := range lists {
		for v := range w.exact {
			for _, k := range intel.Kinds {
				add(k, v)
			}
			add(intel.KindDomain, "sub."+v)
			add(intel.KindURL, "https://"+v+"/a")
			add(intel.KindURL, "https://x."+v+":8443/a")
			add(intel.KindEmail, "a@"+v)
		}
		for _, set := range w.prefixes {
			for p := range set {
				a := p.Addr()
				addrs := []netip.Addr{a, a.Next(), a.Prev()}
				if a.Is4() {
					last := ipv4Uint(a) | uint32(1<<(32-p.Bits())-1)
					b := netip.AddrFrom4([4]byte{byte(last >> 24), byte(last >> 16), byte(last >> 8), byte(last)})
					addrs = append(addrs, b, b.Next(), b.Prev())
				} else {
					last := ipv6Uint(a).or(u128Mask(128 - p.Bits()))
					var b16 [16]byte
					binary.BigEndian.PutUint64(b16[:8], last.hi)
					binary.BigEndian.PutUint64(b16[8:], last.lo)
					b := netip.AddrFrom16(b16)
					addrs = append(addrs, b, b.Next(), b.Prev())
				}
				for _, b := range addrs {
					if b.IsValid() {
						add(intel.KindIPv4, b.String())
						add(intel.KindIPv6, b.String())
						add(intel.KindURL, "http://"+netip.AddrPortFrom(b, 80).String()+"/x")
					}
				}
			}
		}
	}
	if len(inds) < 1000 {
		t.Fatalf("only %d indicators", len(inds))
	}
	for _, ind := range inds {
		// The scanner works out the host of a canonical indicator from
		// its kind; it must find what hostOf and hostKind4 find.
		if got, want := canonicalHostInfo(ind), hostInfoOf(ind); got.name != want.name || got.kind != want.kind || got.a4 != want.a4 {
			t.Fatalf("%s %q: canonicalHostInfo %+v, hostInfoOf %+v", ind.Kind, ind.Value, got, want)
		}
		for _, skip := range []bool{false, true} {
			var want []int
			for i, w := range lists {
				if !(skip && w.Reference) && w.Match(ind) {
					want = append(want, i)
				}
			}
			if got := x.match(ind, skip); !slices.Equal(got, want) {
				t.Fatalf("%s %q (skip references %v): index matches %v, lists %v", ind.Kind, ind.Value, skip, got, want)
			}
			if !skip && x.any(ind) != (len(want) > 0) {
				t.Fatalf("%s %q: any = %v, lists %v", ind.Kind, ind.Value, !(len(want) > 0), want)
			}
		}
	}
	t.Logf("%d indicators, %d lists", len(inds), len(lists))
}
