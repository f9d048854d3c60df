package mmdb

import "strings"

// Field is a set of the values a database provides.
type Field uint8

// The fields.
const (
	FieldASN Field = 1 << iota
	FieldOrg
	FieldCountry
)

// String returns the fields as "asn, as_org, country".
func (f Field) String() string {
	var names []string
	for _, x := range []struct {
		f    Field
		name string
	}{{FieldASN, "asn"}, {FieldOrg, "as_org"}, {FieldCountry, "country"}} {
		if f&x.f != 0 {
			names = append(names, x.name)
		}
	}
	if names == nil {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Layout is the recognised kind of database and the fields it provides.
type Layout struct {
	// Name is "GeoLite2 ASN", "DB-IP Lite Country", "IPinfo Lite", … or
	// "unknown" for a database of another vendor that has usable fields.
	Name string
	// Fields are the values found in the database's records.
	Fields Field
}

// sampleNetworks is how many networks detect decodes to find the fields.
const sampleNetworks = 256

// detect names the layout from the metadata's database type and finds the
// fields in the records of the first networks.
func (r *Reader) detect() Layout {
	l := Layout{Name: layoutName(r.db.Metadata.DatabaseType)}
	if r.tree == nil {
		return l
	}
	n := 0
	r.tree.walk(func(lf leaf) bool {
		n++
		var rec record
		if r.db.LookupOffset(uintptr(lf.offset)).Decode(&rec) == nil {
			e := rec.enrichment()
			if e.ASN != "" {
				l.Fields |= FieldASN
			}
			if e.ISP != "" {
				l.Fields |= FieldOrg
			}
			if e.Country != "" {
				l.Fields |= FieldCountry
			}
		}
		return n < sampleNetworks
	})
	return l
}

// layoutName names the layout of a database type. The types are those the
// vendors write: "GeoLite2-ASN", "GeoIP2-City", "DBIP-ASN-Lite (compat=GeoLite2-ASN)",
// "DBIP-Country-Lite", "ipinfo lite.mmdb", "ipinfo country_asn.mmdb".
func layoutName(t string) string {
	lt := strings.ToLower(t)
	var vendor string
	switch {
	case strings.HasPrefix(lt, "geolite2"):
		vendor = "GeoLite2"
	case strings.HasPrefix(lt, "geoip2"):
		vendor = "GeoIP2"
	case strings.HasPrefix(lt, "dbip") || strings.HasPrefix(lt, "db-ip"):
		vendor = "DB-IP"
		if strings.Contains(lt, "lite") {
			vendor = "DB-IP Lite"
		}
	case lt == "iocast-demo":
		return "iocast demo"
	case strings.Contains(lt, "ipinfo"):
		switch {
		case strings.Contains(lt, "lite"):
			return "IPinfo Lite"
		case strings.Contains(lt, "country_asn"):
			return "IPinfo Country ASN"
		}
		return "IPinfo"
	default:
		return "unknown"
	}
	for _, kind := range []string{"asn", "city", "country"} {
		if strings.Contains(lt, kind) {
			if kind == "asn" {
				return vendor + " ASN"
			}
			return vendor + " " + strings.ToUpper(kind[:1]) + kind[1:]
		}
	}
	return vendor
}
