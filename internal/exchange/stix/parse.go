package stix

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// comparison is one "path = literal" of a pattern. path has its quotes
// removed: file:hashes.SHA-256.
type comparison struct {
	path  string
	value string
}

// errUnsupported marks a pattern iocast cannot turn into indicators.
var errUnsupported = errors.New("unsupported pattern")

// parsePattern parses the subset of STIX patterning that describes plain
// indicators: one or more observation expressions joined by OR, each a list
// of equality comparisons joined by AND or OR. It returns the disjunction
// as a list of conjunctions. Anything else (other operators, NOT,
// parentheses, qualifiers, FOLLOWEDBY) is reported as unsupported.
func parsePattern(p string) ([][]comparison, error) {
	lx := lexer{s: p}
	var out [][]comparison
	var cur []comparison
	for {
		if t := lx.next(); t != "[" {
			return nil, lx.fail("want '[', found %q", t)
		}
		for {
			path := lx.next()
			if !strings.Contains(path, ":") || lx.quoted {
				return nil, lx.fail("want an object path, found %q", path)
			}
			if op := lx.next(); op != "=" {
				return nil, lx.fail("operator %q (only = is supported)", op)
			}
			v := lx.next()
			if !lx.quoted && !isNumber(v) {
				return nil, lx.fail("want a string or integer, found %q", v)
			}
			cur = append(cur, comparison{path: path, value: v})
			t := lx.next()
			if t == "AND" {
				continue
			}
			out = append(out, cur)
			cur = nil
			if t == "OR" {
				continue
			}
			if t != "]" {
				return nil, lx.fail("want AND, OR or ']', found %q", t)
			}
			break
		}
		switch t := lx.next(); t {
		case "":
			if lx.err != nil {
				return nil, lx.err
			}
			return out, nil
		case "OR":
		default:
			return nil, lx.fail("%q after an observation expression (only OR is supported)", t)
		}
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// lexer splits a STIX pattern into tokens: brackets, operators, object
// paths (with quoted path segments unquoted), words, and literals.
type lexer struct {
	s      string
	i      int
	quoted bool // the last token was a string literal
	err    error
}

func (lx *lexer) fail(format string, args ...any) error {
	if lx.err != nil {
		return lx.err
	}
	return fmt.Errorf("%s at offset %d: %w", fmt.Sprintf(format, args...), lx.i, errUnsupported)
}

func (lx *lexer) next() string {
	lx.quoted = false
	for lx.i < len(lx.s) && (lx.s[lx.i] == ' ' || lx.s[lx.i] == '\t' || lx.s[lx.i] == '\n' || lx.s[lx.i] == '\r') {
		lx.i++
	}
	if lx.i >= len(lx.s) {
		return ""
	}
	c := lx.s[lx.i]
	switch {
	case c == '[' || c == ']' || c == '(' || c == ')' || c == '=':
		lx.i++
		return string(c)
	case c == '!' || c == '<' || c == '>':
		j := lx.i + 1
		if j < len(lx.s) && lx.s[j] == '=' {
			j++
		}
		t := lx.s[lx.i:j]
		lx.i = j
		return t
	case c == '\'':
		v, n, ok := unquote(lx.s[lx.i:])
		if !ok {
			lx.err = fmt.Errorf("unterminated string at offset %d: %w", lx.i, errUnsupported)
			lx.i = len(lx.s)
			return ""
		}
		lx.i += n
		lx.quoted = true
		return v
	}
	var b strings.Builder
	for lx.i < len(lx.s) {
		c := lx.s[lx.i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ':' || c == '.':
			b.WriteByte(c)
			lx.i++
		case c == '\'' && strings.HasSuffix(b.String(), "."):
			v, n, ok := unquote(lx.s[lx.i:])
			if !ok {
				lx.err = fmt.Errorf("unterminated path segment at offset %d: %w", lx.i, errUnsupported)
				lx.i = len(lx.s)
				return ""
			}
			b.WriteString(v)
			lx.i += n
		case c == '[' && strings.Contains(b.String(), ":"):
			j := strings.IndexByte(lx.s[lx.i:], ']')
			if j < 0 {
				return b.String()
			}
			b.WriteString(lx.s[lx.i : lx.i+j+1])
			lx.i += j + 1
		default:
			if b.Len() == 0 {
				lx.i++
				return string(c)
			}
			return b.String()
		}
	}
	return b.String()
}

// unquote reads a '…' literal at the start of s with \' and \\ escapes and
// returns its value and length.
func unquote(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			b.WriteByte(s[i])
		case '\'':
			return b.String(), i + 1, true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, false
}

// pathKinds maps the object paths of single-value comparisons to kinds.
var pathKinds = map[string]intel.Kind{
	"ipv4-addr:value":                intel.KindIPv4,
	"ipv6-addr:value":                intel.KindIPv6,
	"domain-name:value":              intel.KindDomain,
	"url:value":                      intel.KindURL,
	"email-addr:value":               intel.KindEmail,
	"email-message:from_ref.value":   intel.KindEmail,
	"email-message:sender_ref.value": intel.KindEmail,
	"file:name":                      intel.KindFilename,
	"autonomous-system:number":       intel.KindASN,
}

// hashKind returns the kind of a file:hashes.NAME path.
func hashKind(path string) (intel.Kind, bool) {
	name, ok := strings.CutPrefix(path, "file:hashes.")
	if !ok {
		return "", false
	}
	switch strings.ToUpper(strings.ReplaceAll(name, "-", "")) {
	case "MD5":
		return intel.KindMD5, true
	case "SHA1":
		return intel.KindSHA1, true
	case "SHA256":
		return intel.KindSHA256, true
	case "SHA512":
		return intel.KindSHA512, true
	}
	return "", false
}

// indicatorsOf turns one conjunction of comparisons into indicators with
// their port. A network-traffic destination with a port becomes one
// host:port indicator; other comparisons become one indicator each.
func indicatorsOf(conj []comparison) ([]intel.Record, error) {
	var out []intel.Record
	var dst string
	port := 0
	for _, c := range conj {
		switch c.path {
		case "network-traffic:dst_ref.value":
			dst = c.value
			continue
		case "network-traffic:dst_ref.type":
			continue
		case "network-traffic:dst_port":
			p, err := strconv.Atoi(c.value)
			if err != nil || p < 1 || p > 65535 {
				return nil, fmt.Errorf("dst_port %q out of range 1-65535: %w", c.value, intel.ErrInvalid)
			}
			port = p
			continue
		}
		k, ok := pathKinds[c.path]
		if !ok {
			k, ok = hashKind(c.path)
		}
		if !ok {
			return nil, fmt.Errorf("object path %s: %w", c.path, errUnsupported)
		}
		v := c.value
		if k == intel.KindIPv4 || k == intel.KindIPv6 {
			v = strings.TrimSuffix(strings.TrimSuffix(v, "/32"), "/128")
			if strings.Contains(v, "/") {
				return nil, fmt.Errorf("address range %s: %w", c.value, errUnsupported)
			}
		}
		ind, err := intel.New(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, intel.Record{Indicator: ind})
	}
	if dst != "" {
		ind, err := intel.Parse(dst)
		if err != nil {
			return nil, err
		}
		if ind.Kind != intel.KindIPv4 && ind.Kind != intel.KindIPv6 && ind.Kind != intel.KindDomain {
			return nil, fmt.Errorf("network-traffic destination %q is no address or domain: %w", dst, intel.ErrInvalid)
		}
		out = append(out, intel.Record{Indicator: ind, Port: port})
	} else if port != 0 && len(out) == 0 {
		return nil, fmt.Errorf("dst_port without a destination: %w", errUnsupported)
	}
	return out, nil
}
