package postfmt

import (
	"slices"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// c2Line reads "VALUE[ (ENRICHMENT)][ and N more (V, V, …)][.]".
func (p *parser) c2Line(v string) bool {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "."), "。"))
	head, fold, n, hasFold := cutFold(v)
	listed := 0
	if hasFold {
		if listed = foldCount(fold); listed != n {
			p.problem("%q says %d more but lists %d", v, n, listed)
		}
	}
	val, rest, _ := strings.Cut(head, " ")
	e, ok := parseEndpoint(val)
	if !ok {
		return false
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		if len(rest) < 2 || rest[0] != '(' || rest[len(rest)-1] != ')' {
			return false
		}
		if e.Enrichment, ok = parseEnrichment(rest[1 : len(rest)-1]); !ok {
			return false
		}
	}
	n0 := len(p.s.C2)
	p.s.C2 = append(slices.Grow(p.s.C2, 1+listed), e)
	for f, more := nextFold(fold); f != "" || more != ""; f, more = nextFold(more) {
		if f == "" {
			continue
		}
		fe, ok := parseEndpoint(f)
		if !ok {
			p.s.C2 = p.s.C2[:n0]
			if n0 == 0 {
				p.s.C2 = nil // as if nothing had been added
			}
			return false
		}
		p.s.C2 = append(p.s.C2, fe)
	}
	return true
}

// nextFold splits the first value off a fold list "a, b, c": the value,
// trimmed (empty for an empty item), and the rest after its comma.
func nextFold(list string) (v, rest string) {
	v, rest, _ = strings.Cut(list, ",")
	return strings.TrimSpace(v), rest
}

// foldCount counts the non-empty values of a fold list.
func foldCount(list string) int {
	n := 0
	for f, more := nextFold(list); f != "" || more != ""; f, more = nextFold(more) {
		if f != "" {
			n++
		}
	}
	return n
}

// cutFold splits " and N more (a, b)" or " 他N件 (a, b)" off the end of v:
// fold is the list "a, b".
func cutFold(v string) (head, fold string, n int, ok bool) {
	if !strings.HasSuffix(v, ")") {
		return v, "", 0, false
	}
	open := strings.LastIndex(v, " (")
	if open < 0 || strings.ContainsAny(v[open+2:len(v)-1], "()") {
		return v, "", 0, false
	}
	before := v[:open]
	var num string
	if b, found := strings.CutSuffix(before, " more"); found {
		i := strings.LastIndex(b, " and ")
		if i < 0 {
			return v, "", 0, false
		}
		num, head = b[i+5:], b[:i]
	} else if b, found := strings.CutSuffix(before, "件"); found {
		i := strings.LastIndex(b, " 他")
		if i < 0 {
			return v, "", 0, false
		}
		num, head = b[i+len(" 他"):], b[:i]
	} else {
		return v, "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return v, "", 0, false
	}
	return head, v[open+2 : len(v)-1], n, true
}

// parseEnrichment reads "ASN: AS63949, ISP: Linode, LLC 🇯🇵", each part
// optional; a bare "AS63949" is read as the ASN.
func parseEnrichment(in string) (intel.Enrichment, bool) {
	var e intel.Enrichment
	in = strings.TrimSpace(in)
	// The country flag closes it.
	i := strings.LastIndexByte(in, ' ')
	var codeArr [1]string
	if codes, ok := appendFlagCountries(codeArr[:0], in[i+1:]); ok && len(codes) == 1 {
		e.Country = codes[0]
		in = strings.TrimSpace(in[:i+1])
	}
	if rest, ok := cutPrefixFold(in, "ASN:"); ok || (len(in) > 2 && strings.EqualFold(in[:2], "AS") && in[2] >= '0' && in[2] <= '9') {
		if !ok {
			rest = in
		}
		rest = strings.TrimSpace(rest)
		asn, after, _ := strings.Cut(rest, ",")
		a, err := intel.Canonical(intel.KindASN, strings.TrimSpace(asn))
		if err != nil {
			return e, false
		}
		e.ASN = a
		in = strings.TrimSpace(after)
	}
	if rest, ok := cutPrefixFold(in, "ISP:"); ok {
		e.ISP = strings.TrimSpace(rest)
		in = ""
	}
	return e, in == "" && e != (intel.Enrichment{})
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// parseEndpoint reads a C2 value, defanged or not, with an optional port:
// a URL, "[v6]:port", "host:port", an IP address or a domain.
func parseEndpoint(v string) (intel.Endpoint, bool) {
	r := intel.Refang(strings.TrimSpace(v))
	if r == "" {
		return intel.Endpoint{}, false
	}
	if strings.Contains(r, "://") {
		if len(r) <= intel.MaxValueLen && trimmed(r) && intel.Refang(r) == r && plainIPv4URL(r) {
			return intel.Endpoint{Value: r}, true // canonical already (see plainIPv4URL)
		}
		u, err := intel.Canonical(intel.KindURL, r)
		return intel.Endpoint{Value: u}, err == nil
	}
	port := 0
	host := r
	if i := strings.LastIndexByte(r, ':'); i > 0 && i+1 < len(r) && (strings.Count(r, ":") == 1 || r[0] == '[' && r[i-1] == ']') {
		pn, err := strconv.Atoi(r[i+1:])
		if err != nil || pn < 1 || pn > 65535 || r[i+1] == '0' {
			return intel.Endpoint{}, false
		}
		port, host = pn, r[:i]
	}
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	if canonicalIPv4(host) {
		return intel.Endpoint{Value: host, Port: port}, true // what intel.Canonical returns
	}
	for _, k := range []intel.Kind{intel.KindIPv4, intel.KindIPv6, intel.KindDomain} {
		if c, err := intel.Canonical(k, host); err == nil {
			return intel.Endpoint{Value: c, Port: port}, true
		}
	}
	return intel.Endpoint{}, false
}
