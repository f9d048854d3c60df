package extract

// The warninglist index of round 9 (docs/PERFORMANCE.md) against a copy of
// the index it replaced (oldListIndex, below, as it was at commit
// 783f08c): the same lists must match every indicator, on the built-in
// lists, the MISP warninglists in ../shared/testdata and lists made up
// here of every type.

import (
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/iocast/iocast/intel"
)

// madeUpLists are lists of the types the built-in and MISP lists lack
// (regex, substring with every kind, string lists for every kind, keys
// with odd dots), to reach every path of the index.
func madeUpLists(t testing.TB) []*Warninglist {
	var out []*Warninglist
	for _, js := range []string{
		`{"name":"re","type":"regex","list":["^evil[0-9]+\\.com$","ab+c","^https?://t\\.co/"]}`,
		`{"name":"sub","type":"substring","list":["pay","EVIL","/gate.php"],"matching_attributes":["url","domain"]}`,
		`{"name":"any-string","type":"string","list":["Evil.com","svchost.exe","1.2.3.4","https://a.b/c","d41d8cd98f00b204e9800998ecf8427e"]}`,
		`{"name":"dom-string","type":"string","list":["example.org","x.y.z.example.net"],"matching_attributes":["domain","email"]}`,
		`{"name":"odd-hosts","type":"hostname","list":["com","..",".a..b","localhost","a.b.c.d.e.f.g.h.i.j","x"],"x-iocast-reference":true}`,
		`{"name":"url-hosts","type":"hostname","list":["github.com","raw.githubusercontent.com"],"matching_attributes":["url"]}`,
		`{"name":"nets","type":"cidr","list":["0.0.0.0/0","255.255.255.255","10.0.0.0/8","10.1.2.3/32","::/0","2001:db8::/32"],"matching_attributes":["ip-dst","url"]}`,
	} {
		w, err := LoadWarninglist(strings.NewReader(js), "made-up")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

// mispLists loads every MISP warninglist in ../shared/testdata.
func mispLists(t testing.TB) []*Warninglist {
	dirs, _ := filepath.Glob(filepath.Join(sharedLists, "*", "list.json"))
	if len(dirs) == 0 {
		t.Fatalf("MISP warninglists not found under %s (they ship in ../shared/testdata beside the repository)", sharedLists)
	}
	var out []*Warninglist
	for _, p := range dirs {
		w, err := LoadWarninglistFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

// indexSets are the sets of lists the tests index: the built-in lists (as
// an Extractor applies them), the built-in reference lists (as
// builtinRefs), the built-in and MISP lists, each MISP list alone, and all
// of them with the made-up lists.
func indexSets(t testing.TB) [][]*Warninglist {
	var refs []*Warninglist
	for _, w := range Builtin() {
		if w.Reference {
			refs = append(refs, w)
		}
	}
	misp := mispLists(t)
	sets := [][]*Warninglist{Builtin(), refs, append(append([]*Warninglist(nil), Builtin()...), misp...)}
	for _, w := range misp {
		sets = append(sets, []*Warninglist{w})
	}
	all := append(append(append([]*Warninglist(nil), Builtin()...), misp...), madeUpLists(t)...)
	return append(sets, all, madeUpLists(t), nil)
}

// indexValues returns indicators from the generated corpus (as extracted
// with KeepWarned) and from the lists' own entries.
func indexValues(t testing.TB, lists []*Warninglist) []intel.Indicator {
	var inds []intel.Indicator
	for _, m := range New(Options{KeepWarned: true}).ExtractString(string(benchCorpus(nil)[:2<<20])) {
		inds = append(inds, m.Indicator)
	}
	add := func(k intel.Kind, v string) {
		if ind, err := intel.New(k, v); err == nil {
			inds = append(inds, ind)
		}
		inds = append(inds, intel.Indicator{Kind: k, Value: v}) // not canonical
	}
	for _, w := range lists {
		for v := range w.exact {
			for _, k := range intel.Kinds {
				add(k, v)
			}
			for _, p := range []string{"sub.", "a.b.", "x", "-", "."} {
				add(intel.KindDomain, p+v)
			}
			if i := strings.IndexByte(v, '.'); i >= 0 {
				add(intel.KindDomain, v[i+1:])
				add(intel.KindDomain, "z"+v[i:])
			}
			add(intel.KindURL, "https://"+v+"/a")
			add(intel.KindURL, "https://x."+v+":8443/a")
			add(intel.KindURL, "https://u:p@"+v+"?q#f")
			add(intel.KindEmail, "a@"+v)
			add(intel.KindEmail, "a@mail."+v)
		}
		for _, set := range w.prefixes {
			for p := range set {
				for _, b := range []netip.Addr{p.Addr(), p.Addr().Next(), p.Addr().Prev()} {
					if b.IsValid() {
						add(intel.KindIPv4, b.String())
						add(intel.KindIPv6, b.String())
						add(intel.KindURL, "http://"+netip.AddrPortFrom(b, 80).String()+"/x")
					}
				}
			}
		}
	}
	return inds
}

// checkAgainstOld compares the index of lists with oldListIndex on ind:
// the host canonicalHostInfo finds, and what appendMatches returns, with
// the host worked out by canonicalHostInfo and by hostInfoOf (as the
// scanner's literals leave kb and hb unset), with and without
// skipReference; with first set only whether anything matched counts.
func checkAgainstOld(t testing.TB, x *listIndex, old *oldListIndex, ind intel.Indicator) {
	h, oh := canonicalHostInfo(ind), oldCanonicalHostInfo(ind)
	if h.name != oh.name || h.kind != oh.kind || h.a4 != oh.a4 || h.has6 != oh.has6 {
		t.Fatalf("%s %q: canonicalHostInfo %+v, old %+v", ind.Kind, ind.Value, h, oh)
	}
	if want := kindBit(ind.Kind); h.kb != want {
		t.Fatalf("%s %q: kb %#x, want %#x", ind.Kind, ind.Value, h.kb, want)
	}
	if want := uint16(0); h.kind != "" && h.hb != kindBit(h.kind) || h.kind == "" && h.hb != want {
		t.Fatalf("%s %q: hb %#x for host kind %q", ind.Kind, ind.Value, h.hb, h.kind)
	}
	hi := hostInfoOf(ind)
	for _, hp := range []*hostInfo{&h, &hi} {
		ohp := *hp
		ohp.kb, ohp.hb = 0, 0
		for _, skip := range []bool{false, true} {
			want := old.appendMatches(nil, ind, &ohp, skip, false)
			got := x.appendMatches(nil, ind, hp, skip, false)
			if !slices.Equal(got, want) {
				t.Fatalf("%s %q (host %+v, skip references %v): %v, old index %v", ind.Kind, ind.Value, *hp, skip, got, want)
			}
			gotFirst := x.appendMatches(make([]int, 0, 4), ind, hp, skip, true)
			if (len(gotFirst) > 0) != (len(want) > 0) {
				t.Fatalf("%s %q (skip references %v): first: %v, old index %v", ind.Kind, ind.Value, skip, gotFirst, want)
			}
			for _, i := range gotFirst {
				if !slices.Contains(want, i) {
					t.Fatalf("%s %q (skip references %v): first: %v, not in %v", ind.Kind, ind.Value, skip, gotFirst, want)
				}
			}
		}
	}
}

// TestIndexAgreesWithOld compares the index with the one it replaced on
// the generated corpus, the lists' own entries, and the values built from
// them, for every set of lists of indexSets.
func TestIndexAgreesWithOld(t *testing.T) {
	sets := indexSets(t)
	inds := indexValues(t, sets[len(sets)-3])
	if len(inds) < 10000 {
		t.Fatalf("only %d indicators", len(inds))
	}
	for k, lists := range sets {
		x, old := newListIndex(lists), newOldListIndex(lists)
		// Each MISP list alone (the sets between the first three and
		// the last three) on a fifth of the values: the lists together
		// get them all.
		step := 1
		if k >= 3 && k < len(sets)-3 {
			step = 5
		}
		for i := 0; i < len(inds); i += step {
			checkAgainstOld(t, x, old, inds[i])
		}
	}
	t.Logf("%d indicators, %d sets of lists", len(inds), len(sets))
}

var fuzzIndex struct {
	once sync.Once
	x    *listIndex
	old  *oldListIndex
}

// FuzzIndexAgrees compares the index of all lists (built-in, MISP and
// made up) with the old index on any kind and value, canonical or not.
func FuzzIndexAgrees(f *testing.F) {
	for _, s := range []string{"evil.com", "www.virustotal.com", "t.co", "x.com", "sub.bazaar.abuse.ch", "a.b.c.d.e.f.g.h.i.j",
		"z.a.b.c.d.e.f.g.h.i.j", "..", "a..b", "com", "https://github.com/x", "http://u@raw.githubusercontent.com:80/a",
		"10.1.2.3", "255.255.255.255", "2001:db8::1", "http://[2001:db8::1]/", "svchost.exe", "SVCHOST.EXE", "請求書.exe",
		"d41d8cd98f00b204e9800998ecf8427e", "a@mail.example.org", "evil123.com", "x.y.z.example.net", "localhost"} {
		for k := range intel.Kinds {
			f.Add(uint8(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, v string) {
		fuzzIndex.once.Do(func() {
			all := indexSets(t)
			lists := all[len(all)-3]
			fuzzIndex.x, fuzzIndex.old = newListIndex(lists), newOldListIndex(lists)
		})
		kind := intel.Kind("other")
		if int(k) < len(intel.Kinds) {
			kind = intel.Kinds[k]
		}
		checkAgainstOld(t, fuzzIndex.x, fuzzIndex.old, intel.Indicator{Kind: kind, Value: v})
		if ind, err := intel.New(kind, v); err == nil {
			checkAgainstOld(t, fuzzIndex.x, fuzzIndex.old, ind)
		}
	})
}

// TestDotBytes checks dotBytes on every byte value at every position, and
// next to a dot (where a borrow would show).
func TestDotBytes(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			for _, other := range []byte{0, '.', '/', '-', 0xff} {
				var b [8]byte
				for i := range b {
					b[i] = other
				}
				b[pos] = byte(c)
				w := uint64(0)
				for i := 7; i >= 0; i-- {
					w = w<<8 | uint64(b[i])
				}
				var want uint64
				for i, x := range b {
					if x == '.' {
						want |= 0x80 << (8 * i)
					}
				}
				if got := dotBytes(w); got != want {
					t.Fatalf("dotBytes(%q) = %#x, want %#x", b[:], got, want)
				}
			}
		}
	}
}

// TestStrTable checks find against a map, for keys and for
// strings near them, and that the table is the same however the map is
// iterated.
func TestStrTable(t *testing.T) {
	keys := map[string][]int{}
	for _, w := range append(append(append([]*Warninglist(nil), Builtin()...), mispLists(t)...), madeUpLists(t)...) {
		for v := range w.exact {
			keys[v] = append(keys[v], len(keys))
		}
	}
	keys[""] = []int{-1}
	for _, suffixes := range []bool{false, true} {
		tab := newStrTable(keys, suffixes)
		if again := newStrTable(keys, suffixes); !slices.Equal(tab.slots, again.slots) {
			t.Fatal("two tables of the same keys differ")
		}
		var probes []string
		for k := range keys {
			probes = append(probes, k, k+"x", "x"+k, strings.ToUpper(k))
			if len(k) > 0 {
				probes = append(probes, k[1:], k[:len(k)-1])
			}
		}
		for _, p := range probes {
			lists, ok := keys[p]
			head := strHead(p)
			e := tab.find(p, head, strHash(p, head))
			switch {
			case e == nil && ok:
				t.Fatalf("%q: not found", p)
			case e != nil && e.key != p:
				t.Fatalf("%q: found %q", p, e.key)
			case e != nil && !slices.Equal(e.lists, lists):
				t.Fatalf("%q: lists %v, want %v", p, e.lists, lists)
			}
		}
		if suffixes {
			// Every suffix after a dot of a key is in the table, marked.
			for k := range keys {
				for s := k; strings.IndexByte(s, '.') >= 0; {
					s = s[strings.IndexByte(s, '.')+1:]
					head := strHead(s)
					if e := tab.find(s, head, strHash(s, head)); e == nil || !e.more {
						t.Fatalf("suffix %q of %q: entry %v", s, k, e)
					}
				}
			}
		}
	}
}

// TestHostSuffixHash checks that appendHosts hashes a suffix as strHash
// does: on hosts of every length up to 24 with dots anywhere.
func TestHostSuffixHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := make([]byte, rng.IntN(25))
		for i := range b {
			b[i] = "ab.c"[rng.IntN(4)]
		}
		host := string(b)
		keys := map[string][]int{}
		// Key some suffixes after dots, and sometimes the host itself.
		for i := 0; i < len(host); i++ {
			if host[i] == '.' && rng.IntN(3) == 0 {
				keys[host[i+1:]] = []int{0}
			}
		}
		if rng.IntN(3) == 0 {
			keys[host] = []int{0}
		}
		w := &Warninglist{Name: "h", Type: "hostname", exact: map[string]bool{}}
		for k := range keys {
			w.exact[k] = true
		}
		x, old := newListIndex([]*Warninglist{w}), newOldListIndex([]*Warninglist{w})
		ind := intel.Indicator{Kind: intel.KindDomain, Value: host}
		h := hostInfo{name: host, kind: intel.KindDomain}
		for _, first := range []bool{false, true} {
			got := x.appendMatches(nil, ind, &h, false, first)
			want := old.appendMatches(nil, ind, &h, false, first)
			if (len(got) > 0) != (len(want) > 0) || !first && !slices.Equal(got, want) {
				t.Fatalf("%q with keys %v (first %v): %v, old %v", host, keys, first, got, want)
			}
		}
	}
}

// BenchmarkIndex measures appendMatches alone on the indicators of the
// corpus, as the scanner calls it.
func BenchmarkIndex(b *testing.B) {
	var inds []intel.Indicator
	for _, m := range New(Options{KeepWarned: true}).ExtractString(string(benchCorpus(b))) {
		inds = append(inds, m.Indicator)
	}
	x := New(Options{}).index
	hs := make([]hostInfo, len(inds))
	for i, ind := range inds {
		hs[i] = canonicalHostInfo(ind)
	}
	var hits []int
	b.ResetTimer()
	for range b.N {
		for i, ind := range inds {
			hits = x.appendMatches(hits[:0], ind, &hs[i], false, true)
		}
	}
}

// The index before round 9, kept as the reference of the tests above.

// oldListIndex is listIndex as it was before round 9.
type oldListIndex struct {
	lists []*Warninglist
	exact map[string][]int // value → lists of type string
	hosts map[string][]int // host name → lists of type hostname
	// exactKeys and hostKeys hold every key of exact and hosts: most
	// values are ruled out without a map lookup.
	exactKeys, hostKeys oldKeyFilter
	// ranges4 and ranges6 map IP addresses to the lists of type cidr.
	ranges4 ipRanges
	ranges6 ipRanges
	slow    []int // substring and regex lists, matched one by one
	// exactKinds has the bits (kindBit) of the kinds that string lists
	// apply to; all bits when one applies to every kind.
	exactKinds uint16
}

func newOldListIndex(lists []*Warninglist) *oldListIndex {
	x := &oldListIndex{lists: lists, exact: map[string][]int{}, hosts: map[string][]int{}}
	var nets4, nets6 []ipNet
	for i, w := range lists {
		switch w.Type {
		case "string":
			for v := range w.exact {
				x.exact[v] = append(x.exact[v], i)
				x.exactKeys.add(v)
			}
			if w.kinds == nil {
				x.exactKinds = ^uint16(0)
			}
			for k := range w.kinds {
				x.exactKinds |= oldKindBit(k)
			}
		case "hostname":
			for v := range w.exact {
				x.hosts[v] = append(x.hosts[v], i)
				x.hostKeys.add(v)
			}
		case "cidr":
			for _, set := range w.prefixes {
				for p := range set {
					if p.Addr().Is4() {
						lo := ipv4Uint(p.Addr())
						nets4 = append(nets4, ipNet{u128{0, uint64(lo)}, u128{0, uint64(lo | uint32(1<<(32-p.Bits())-1))}, i})
					} else {
						lo := ipv6Uint(p.Addr())
						nets6 = append(nets6, ipNet{lo, lo.or(u128Mask(128 - p.Bits())), i})
					}
				}
			}
		default:
			x.slow = append(x.slow, i)
		}
	}
	x.ranges4 = newIPRanges(nets4)
	x.ranges6 = newIPRanges(nets6)
	return x
}

type oldKeyFilter [1 << 10]uint64

// oldFilterHash hashes the length and the first eight bytes of s.
func oldFilterHash(s string) uint64 {
	var x uint64
	if len(s) >= 8 {
		// One load.
		x = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	} else {
		for i := 0; i < len(s); i++ {
			x |= uint64(s[i]) << (8 * i)
		}
	}
	x ^= uint64(len(s)) << 59
	return (x * 0x9E3779B97F4A7C15) >> 48 // 16 bits
}

func (f *oldKeyFilter) add(s string) {
	h := oldFilterHash(s)
	f[h>>6] |= 1 << (h & 63)
}

func (f *oldKeyFilter) has(s string) bool {
	h := oldFilterHash(s)
	return f[h>>6]&(1<<(h&63)) != 0
}

func oldKindBit(k intel.Kind) uint16 {
	switch k {
	case intel.KindIPv4:
		return 1 << 0
	case intel.KindIPv6:
		return 1 << 1
	case intel.KindDomain:
		return 1 << 2
	case intel.KindURL:
		return 1 << 3
	case intel.KindEmail:
		return 1 << 4
	case intel.KindMD5:
		return 1 << 5
	case intel.KindSHA1:
		return 1 << 6
	case intel.KindSHA256:
		return 1 << 7
	case intel.KindSHA512:
		return 1 << 8
	case intel.KindCVE:
		return 1 << 9
	case intel.KindASN:
		return 1 << 10
	case intel.KindFilename:
		return 1 << 11
	}
	return 1 << 15
}

func oldCanonicalHostInfo(ind intel.Indicator) hostInfo {
	switch ind.Kind {
	case intel.KindDomain:
		return hostInfo{name: ind.Value, kind: intel.KindDomain}
	case intel.KindEmail:
		return hostInfo{name: ind.Value[strings.LastIndexByte(ind.Value, '@')+1:], kind: intel.KindDomain}
	case intel.KindIPv4:
		a4, _, _ := validIPv4(ind.Value)
		return hostInfo{name: ind.Value, kind: intel.KindIPv4, a4: a4}
	case intel.KindIPv6:
		return hostInfo{name: ind.Value, kind: intel.KindIPv6}
	case intel.KindURL:
		h := hostInfo{name: canonicalURLHost(ind.Value)} // unchanged by the new index
		h.kind, h.a4 = hostKind4(h.name)
		return h
	}
	return hostInfo{}
}

func (x *oldListIndex) appendMatches(hits []int, ind intel.Indicator, h *hostInfo, skipReference, first bool) []int {
	host, hk, a4 := h.name, h.kind, h.a4
	add := func(idx []int) {
		for _, i := range idx {
			w := x.lists[i]
			if skipReference && w.Reference || !w.applies(ind.Kind, hk) {
				continue
			}
			hits = append(hits, i)
		}
	}
	if x.exactKinds&oldKindBit(ind.Kind) != 0 {
		v := ind.Value
		if ind.Kind == intel.KindFilename || ind.Kind == intel.KindURL || ind.Kind == intel.KindCVE || ind.Kind == intel.KindASN {
			// Lower-case on the stack; strings.ToLower for the rest.
			var buf [255]byte
			if lv, ok := lowerFast(buf[:0], v); ok {
				if x.exactKeys.has(string(lv)) {
					add(x.exact[string(lv)])
				}
			} else if v = strings.ToLower(v); x.exactKeys.has(v) {
				add(x.exact[v])
			}
		} else if x.exactKeys.has(v) {
			add(x.exact[v])
		}
	}
	if host != "" && host != ind.Value && x.exactKinds&oldKindBit(hk) != 0 && x.exactKeys.has(host) {
		add(x.exact[host])
	}
	if first && len(hits) > 0 {
		return hits
	}
	switch hk {
	case intel.KindDomain:
		if len(x.hosts) == 0 {
			break
		}
		for h := host; ; {
			if x.hostKeys.has(h) {
				add(x.hosts[h])
			}
			if first && len(hits) > 0 {
				return hits
			}
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	case intel.KindIPv4:
		add(x.ranges4.lookup(u128{0, uint64(a4)}))
	case intel.KindIPv6:
		if len(x.ranges6.starts) == 0 {
			break
		}
		if h.has6 {
			add(x.ranges6.lookup(h.a6))
		} else if a, err := netip.ParseAddr(host); err == nil {
			add(x.ranges6.lookup(ipv6Uint(a)))
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
