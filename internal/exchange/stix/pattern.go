package stix

import (
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// hashNames maps iocast's hash kinds to the STIX hash algorithm names
// (hash-algorithm-ov).
var hashNames = map[intel.Kind]string{
	intel.KindMD5:    "MD5",
	intel.KindSHA1:   "SHA-1",
	intel.KindSHA256: "SHA-256",
	intel.KindSHA512: "SHA-512",
}

// scoTypes maps the network kinds to their cyber-observable type.
var scoTypes = map[intel.Kind]string{
	intel.KindIPv4:   "ipv4-addr",
	intel.KindIPv6:   "ipv6-addr",
	intel.KindDomain: "domain-name",
	intel.KindURL:    "url",
	intel.KindEmail:  "email-addr",
}

// appendPatternString appends s as a STIX pattern string literal: quoted
// with ' and with ' and \ escaped by a backslash.
func appendPatternString(dst []byte, s string) []byte {
	dst = append(dst, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '\'')
}

// Pattern returns the STIX pattern that matches the record's indicator:
// [ipv4-addr:value = '…'], [file:hashes.'SHA-256' = '…'],
// [network-traffic:dst_ref.value = '…' AND network-traffic:dst_port = 443]
// for host:port records, and so on. ok is false for kinds no pattern
// expresses (cve, which becomes a vulnerability object).
func Pattern(r *intel.Record) (pattern string, ok bool) {
	b, ok := appendPattern(nil, r)
	return string(b), ok
}

func appendPattern(dst []byte, r *intel.Record) ([]byte, bool) {
	dst = append(dst, '[')
	switch k := r.Kind; {
	case r.Port != 0 && (k == intel.KindIPv4 || k == intel.KindIPv6 || k == intel.KindDomain):
		dst = append(dst, "network-traffic:dst_ref.type = "...)
		dst = appendPatternString(dst, scoTypes[k])
		dst = append(dst, " AND network-traffic:dst_ref.value = "...)
		dst = appendPatternString(dst, r.Value)
		dst = append(dst, " AND network-traffic:dst_port = "...)
		dst = strconv.AppendInt(dst, int64(r.Port), 10)
	case scoTypes[k] != "":
		dst = append(dst, scoTypes[k]...)
		dst = append(dst, ":value = "...)
		dst = appendPatternString(dst, r.Value)
	case k.IsHash():
		dst = append(dst, "file:hashes."...)
		dst = appendPatternString(dst, hashNames[k])
		dst = append(dst, " = "...)
		dst = appendPatternString(dst, r.Value)
	case k == intel.KindFilename:
		dst = append(dst, "file:name = "...)
		dst = appendPatternString(dst, r.Value)
	case k == intel.KindASN:
		n, err := strconv.ParseInt(strings.TrimPrefix(r.Value, "AS"), 10, 64)
		if err != nil {
			return dst, false
		}
		dst = append(dst, "autonomous-system:number = "...)
		dst = strconv.AppendInt(dst, n, 10)
	default:
		return dst, false
	}
	return append(dst, ']'), true
}
