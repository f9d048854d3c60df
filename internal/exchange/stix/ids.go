package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"unicode/utf8"
)

// scoNamespace is the namespace the STIX 2.1 specification (section 2.9)
// fixes for deterministic cyber-observable ids.
var scoNamespace = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// Namespace is iocast's UUIDv5 namespace for the ids of the objects it
// creates (indicators, malware, relationships, its identity): the UUIDv5 of
// "https://github.com/iocast/iocast" in the RFC 9562 URL namespace. Ids in it
// are derived from kind and value, so re-exports are stable.
var Namespace = uuid5(mustUUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://github.com/iocast/iocast")

type uuid [16]byte

func mustUUID(s string) uuid {
	var u uuid
	b, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	if err != nil || len(b) != 16 {
		panic("stix: bad uuid " + s)
	}
	copy(u[:], b)
	return u
}

// uuid5 is the RFC 9562 name-based (SHA-1) UUID of name in ns.
func uuid5[S string | []byte](ns uuid, name S) uuid {
	var buf [160]byte
	sum := sha1.Sum(append(append(buf[:0], ns[:]...), name...))
	var u uuid
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// appendUUID appends u in its 8-4-4-4-12 form.
func appendUUID(dst []byte, u uuid) []byte {
	const hexd = "0123456789abcdef"
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexd[c>>4], hexd[c&0xf])
	}
	return dst
}

func (u uuid) String() string { return string(appendUUID(nil, u)) }

// objectID returns "type--uuid".
func objectID(typ string, u uuid) string {
	return string(appendUUID(append(make([]byte, 0, len(typ)+38), typ+"--"...), u))
}

// scoID returns the deterministic id of a cyber-observable whose id
// contributing properties are the one property prop with the string value v,
// per STIX 2.1 section 2.9: UUIDv5 over the JSON Canonicalization Scheme
// (RFC 8785) serialisation of {"prop": v}.
func scoID(typ, prop, v string) string {
	b := make([]byte, 0, len(prop)+len(v)+8)
	b = append(b, '{')
	b = appendJCSString(b, prop)
	b = append(b, ':')
	b = appendJCSString(b, v)
	b = append(b, '}')
	return objectID(typ, uuid5(scoNamespace, b))
}

// scoIDNumber is scoID for a property with an integer value.
func scoIDNumber(typ, prop string, n int64) string {
	b := appendJCSString([]byte{'{'}, prop)
	b = append(b, ':')
	b = strconv.AppendInt(b, n, 10)
	b = append(b, '}')
	return objectID(typ, uuid5(scoNamespace, b))
}

// fileHashID is the id of a file SCO with one hash, as {"hashes":{"MD5":v}}.
func fileHashID(algo, v string) string {
	b := appendJCSString([]byte(`{"hashes":{`), algo)
	b = append(b, ':')
	b = appendJCSString(b, v)
	b = append(b, "}}"...)
	return objectID("file", uuid5(scoNamespace, string(b)))
}

// appendJCSString appends s as RFC 8785 (ECMAScript JSON.stringify) does:
// only '"', '\\' and control characters are escaped; the rest is literal
// UTF-8. Invalid UTF-8 becomes U+FFFD.
func appendJCSString(dst []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\b':
				dst = append(dst, '\\', 'b')
			case c == '\f':
				dst = append(dst, '\\', 'f')
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, r)
		i += n
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
