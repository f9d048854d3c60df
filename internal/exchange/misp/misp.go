// Package misp reads and writes MISP event JSON: one event whose
// attributes are iocast's records (with category, type, to_ids, tags for
// TLP and malware family) and whose "file" objects group a sample's hashes
// and file name. The mapping is documented in docs/EXCHANGE.md.
package misp

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/iocast/iocast/intel"
)

// namespace is iocast's UUIDv5 namespace (the UUIDv5 of
// "https://github.com/iocast/iocast" in the RFC 9562 URL namespace), the
// same the STIX export uses; uuids in it make re-exports stable.
var namespace = uuid5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, "https://github.com/iocast/iocast")

// uuid5 is the RFC 9562 name-based (SHA-1) UUID of name in ns.
func uuid5(ns [16]byte, name string) [16]byte {
	sum := sha1.Sum(append(ns[:], name...))
	var u [16]byte
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// UUID returns the stable uuid iocast gives the MISP entity named by name.
func UUID(name string) string {
	u := uuid5(namespace, name)
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// attrType is how one kind is written as a MISP attribute.
type attrType struct {
	typ, category string
	toIDs         bool
}

// attrTypes maps kinds to MISP attribute types and categories.
var attrTypes = map[intel.Kind]attrType{
	intel.KindIPv4:     {"ip-dst", "Network activity", true},
	intel.KindIPv6:     {"ip-dst", "Network activity", true},
	intel.KindDomain:   {"domain", "Network activity", true},
	intel.KindURL:      {"url", "Network activity", true},
	intel.KindEmail:    {"email-src", "Payload delivery", true},
	intel.KindMD5:      {"md5", "Payload delivery", true},
	intel.KindSHA1:     {"sha1", "Payload delivery", true},
	intel.KindSHA256:   {"sha256", "Payload delivery", true},
	intel.KindSHA512:   {"sha512", "Payload delivery", true},
	intel.KindFilename: {"filename", "Payload delivery", false},
	intel.KindCVE:      {"vulnerability", "External analysis", false},
	intel.KindASN:      {"AS", "Network activity", false},
}

// typeFor returns the attribute type and value of a record: host:port
// records become ip-dst|port or hostname|port.
func typeFor(r *intel.Record) (attrType, string) {
	t := attrTypes[r.Kind]
	if r.Port == 0 {
		return t, r.Value
	}
	switch r.Kind {
	case intel.KindIPv4, intel.KindIPv6:
		t.typ = "ip-dst|port"
	case intel.KindDomain:
		t.typ = "hostname|port"
	}
	return t, fmt.Sprintf("%s|%d", r.Value, r.Port)
}

// tlpTag returns the MISP tag of a TLP level ("tlp:amber+strict").
func tlpTag(level string) string {
	if level == "" {
		level = "CLEAR"
	}
	return "tlp:" + strings.ToLower(level)
}

// familyTag returns the tag of a malware family.
func familyTag(f string) string { return "malware:" + f }

var tlpRank = map[string]int{"": 0, "CLEAR": 0, "GREEN": 1, "AMBER": 2, "AMBER+STRICT": 3, "RED": 4}

// distribution is the MISP distribution level that matches a TLP level:
// all communities for CLEAR, connected communities for GREEN, this
// community for AMBER, your organisation only for RED.
func distribution(level string) string {
	switch level {
	case "GREEN":
		return "2"
	case "AMBER", "AMBER+STRICT":
		return "1"
	case "RED":
		return "0"
	}
	return "3"
}
