package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/iocast/iocast/intel"
)

// MaxWarninglistSize bounds a warninglist file (in bytes).
const MaxWarninglistSize = 64 << 20

// Warninglist is a list of values that look like indicators but are not
// IoCs in practice (reference sites, sandboxes, CDN ranges, the hashes of
// the empty file …), in the format MISP publishes.
type Warninglist struct {
	// Name identifies the list in output ("warninglists" in JSON).
	Name string
	// Type is the MISP matching type: string, substring, hostname, cidr or regex.
	Type string
	// Reference marks lists of reference sites (social media, sandboxes,
	// malware repositories, vendor blogs): a value from such a list that the
	// author defanged is kept, because defanging says the author meant it as
	// an IoC (a payload hosted on github.com, say).
	Reference bool

	kinds     map[intel.Kind]bool // nil: every kind
	exact     map[string]bool
	substr    []string
	prefixes  map[int]map[netip.Prefix]bool // by prefix length
	bitsOrder []int
	regexps   []*regexp.Regexp
}

// mispList is the JSON shape of a MISP warninglist.
type mispList struct {
	Name               string          `json:"name"`
	Description        string          `json:"description"`
	Type               string          `json:"type"`
	List               []string        `json:"list"`
	MatchingAttributes []string        `json:"matching_attributes"`
	Version            json.RawMessage `json:"version"`
	Reference          bool            `json:"x-iocast-reference"`
}

// LoadWarninglist reads a MISP warninglist (JSON with "name", "type",
// "list" and optionally "matching_attributes"). name is used in errors and
// when the JSON has no name.
func LoadWarninglist(r io.Reader, name string) (*Warninglist, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWarninglistSize+1))
	if err != nil {
		return nil, fmt.Errorf("warninglist %s: %w", name, err)
	}
	if len(data) > MaxWarninglistSize {
		return nil, fmt.Errorf("warninglist %s: larger than %d MiB: %w", name, MaxWarninglistSize>>20, intel.ErrTooLarge)
	}
	var m mispList
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("warninglist %s: %s: %w", name, jsonErrorPos(data, err), intel.ErrInvalid)
	}
	if m.Name == "" {
		m.Name = name
	}
	return compileList(name, m)
}

// LoadWarninglistFile reads a MISP warninglist JSON file.
func LoadWarninglistFile(path string) (*Warninglist, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("warninglist: %w", err)
	}
	defer f.Close()
	return LoadWarninglist(f, path)
}

// jsonErrorPos turns a JSON error into "line N: message".
func jsonErrorPos(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
		return fmt.Sprintf("line %d: field %q: want %s, got %s", lineOf(data, off), e.Field, e.Type, e.Value)
	}
	if off < 0 {
		return err.Error()
	}
	return fmt.Sprintf("line %d: %v", lineOf(data, off), err)
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// attrKinds maps MISP attribute types to iocast kinds.
var attrKinds = map[string][]intel.Kind{
	"ip-src": {intel.KindIPv4, intel.KindIPv6}, "ip-dst": {intel.KindIPv4, intel.KindIPv6},
	"ip-src|port": {intel.KindIPv4, intel.KindIPv6}, "ip-dst|port": {intel.KindIPv4, intel.KindIPv6},
	"domain|ip": {intel.KindDomain, intel.KindIPv4, intel.KindIPv6},
	"domain":    {intel.KindDomain}, "hostname": {intel.KindDomain},
	"url": {intel.KindURL}, "uri": {intel.KindURL}, "link": {intel.KindURL},
	"email": {intel.KindEmail}, "email-src": {intel.KindEmail}, "email-dst": {intel.KindEmail},
	"md5": {intel.KindMD5}, "sha1": {intel.KindSHA1}, "sha256": {intel.KindSHA256}, "sha512": {intel.KindSHA512},
	"filename|md5": {intel.KindMD5}, "filename|sha1": {intel.KindSHA1}, "filename|sha256": {intel.KindSHA256},
	"filename|sha512": {intel.KindSHA512}, "filename": {intel.KindFilename},
	"vulnerability": {intel.KindCVE}, "AS": {intel.KindASN},
}

func compileList(src string, m mispList) (*Warninglist, error) {
	w := &Warninglist{Name: m.Name, Type: m.Type, Reference: m.Reference}
	if len(m.MatchingAttributes) > 0 {
		w.kinds = map[intel.Kind]bool{}
		for _, a := range m.MatchingAttributes {
			for _, k := range attrKinds[a] {
				w.kinds[k] = true
			}
		}
		// A list whose attributes name only types iocast does not extract
		// (ssdeep, sha224 …) never matches.
	}
	switch m.Type {
	case "string", "hostname":
		w.exact = make(map[string]bool, len(m.List))
		for _, v := range m.List {
			v = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(v), "."))
			if v != "" {
				w.exact[strings.TrimPrefix(v, ".")] = true
			}
		}
	case "substring":
		for _, v := range m.List {
			if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
				w.substr = append(w.substr, v)
			}
		}
	case "cidr":
		w.prefixes = map[int]map[netip.Prefix]bool{}
		for i, v := range m.List {
			v = strings.TrimSpace(v)
			var p netip.Prefix
			var err error
			if strings.Contains(v, "/") {
				p, err = netip.ParsePrefix(strings.ToLower(v))
			} else {
				var a netip.Addr
				a, err = netip.ParseAddr(v)
				p = netip.PrefixFrom(a, a.BitLen())
			}
			if err != nil {
				return nil, fmt.Errorf("warninglist %s: list[%d] %q: not an IP or CIDR block: %w", src, i, v, intel.ErrInvalid)
			}
			p = p.Masked()
			if w.prefixes[p.Bits()] == nil {
				w.prefixes[p.Bits()] = map[netip.Prefix]bool{}
				w.bitsOrder = append(w.bitsOrder, p.Bits())
			}
			w.prefixes[p.Bits()][p] = true
		}
		sort.Ints(w.bitsOrder)
	case "regex":
		for i, v := range m.List {
			re, err := regexp.Compile("(?i)" + v)
			if err != nil {
				return nil, fmt.Errorf("warninglist %s: list[%d]: regex %q does not compile in Go's RE2 syntax: %w", src, i, v, intel.ErrInvalid)
			}
			w.regexps = append(w.regexps, re)
		}
	case "":
		return nil, fmt.Errorf("warninglist %s: missing \"type\" (want string, substring, hostname, cidr or regex): %w", src, intel.ErrInvalid)
	default:
		return nil, fmt.Errorf("warninglist %s: unknown type %q (want string, substring, hostname, cidr or regex): %w", src, m.Type, intel.ErrInvalid)
	}
	return w, nil
}

// applies reports whether the list is for indicators of kind k (whose host,
// for URLs and e-mail addresses, is of kind hk).
func (w *Warninglist) applies(k, hk intel.Kind) bool {
	if w.kinds == nil || w.kinds[k] {
		return true
	}
	return (k == intel.KindURL || k == intel.KindEmail) && hk != "" && w.kinds[hk]
}

// Match reports whether the list matches the indicator.
func (w *Warninglist) Match(ind intel.Indicator) bool {
	host := hostOf(ind)
	return w.match(ind, host, hostKind(host))
}

// match is Match with the indicator's host and its kind worked out once.
func (w *Warninglist) match(ind intel.Indicator, host string, hk intel.Kind) bool {
	v := ind.Value
	if w.kinds != nil && !w.kinds[ind.Kind] {
		// MISP applies hostname and IP lists to the host of URLs and
		// e-mail addresses too; so do we.
		if ind.Kind != intel.KindURL && ind.Kind != intel.KindEmail {
			return false
		}
		if hk == "" || !w.kinds[hk] {
			return false
		}
	}
	switch w.Type {
	case "string":
		// Entries are lower-cased when the list is loaded; so is the value.
		v = strings.ToLower(v)
		return w.exact[v] || (host != "" && host != v && w.exact[host])
	case "hostname":
		if host == "" {
			return false
		}
		for h := host; ; {
			if w.exact[h] {
				return true
			}
			i := strings.IndexByte(h, '.')
			if i < 0 {
				return false
			}
			h = h[i+1:]
		}
	case "substring":
		lv := strings.ToLower(v)
		for _, s := range w.substr {
			if strings.Contains(lv, s) {
				return true
			}
		}
	case "cidr":
		if hk != intel.KindIPv4 && hk != intel.KindIPv6 {
			return false
		}
		a, err := netip.ParseAddr(host)
		if err != nil {
			return false
		}
		for _, bits := range w.bitsOrder {
			if bits > a.BitLen() {
				continue
			}
			p, err := a.Prefix(bits)
			if err == nil && w.prefixes[bits][p] {
				return true
			}
		}
	case "regex":
		for _, re := range w.regexps {
			if re.MatchString(v) {
				return true
			}
		}
	}
	return false
}

// hostKind returns the kind of a host: ipv4, ipv6 or domain ("" if empty).
func hostKind(h string) intel.Kind {
	if h == "" {
		return ""
	}
	if c := h[len(h)-1]; c >= 'a' && c <= 'z' && !strings.Contains(h, ":") {
		return intel.KindDomain // a domain ends in a letter; IPs end in a digit
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Is4() {
			return intel.KindIPv4
		}
		return intel.KindIPv6
	}
	return intel.KindDomain
}

// hostOf returns the host part of a network indicator: the domain or IP
// itself, the host of a URL, the domain of an e-mail address.
func hostOf(ind intel.Indicator) string {
	switch ind.Kind {
	case intel.KindDomain, intel.KindIPv4, intel.KindIPv6:
		return ind.Value
	case intel.KindEmail:
		return ind.Value[strings.LastIndexByte(ind.Value, '@')+1:]
	case intel.KindURL:
		if p, err := intel.SplitURL(ind.Value); err == nil {
			return p.Host
		}
	}
	return ""
}
