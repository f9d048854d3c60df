// Package mmdbtest writes small MaxMind DB files for tests, in the layouts
// of the free data sets, with github.com/maxmind/mmdbwriter.
package mmdbtest

import (
	"net"
	"os"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Network is one network and its record.
type Network struct {
	CIDR   string
	Record mmdbtype.Map
}

// Write writes a database of the given type holding networks to path.
// Reserved networks (documentation ranges) are allowed, and the build time
// is fixed at 2026-01-02, so that the file's bytes depend only on the input.
func Write(tb testing.TB, path, dbType string, networks []Network) {
	tb.Helper()
	if err := WriteFile(path, dbType, 1767312000, networks); err != nil {
		tb.Fatal(err)
	}
}

// WriteFile is Write for programs: it returns the error, and takes the
// build time as Unix seconds.
func WriteFile(path, dbType string, buildEpoch int64, networks []Network) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		BuildEpoch:              buildEpoch,
		IncludeReservedNetworks: true,
		RecordSize:              24,
		Description:             map[string]string{"en": "iocast test database"},
	})
	if err != nil {
		return err
	}
	for _, n := range networks {
		_, ipnet, err := net.ParseCIDR(n.CIDR)
		if err != nil {
			return err
		}
		if err := tree.Insert(ipnet, n.Record); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := tree.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ASN is a GeoLite2 ASN / DB-IP ASN Lite record.
func ASN(number uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(number),
		"autonomous_system_organization": mmdbtype.String(org),
	}
}

// Country is a GeoLite2 / DB-IP Country record (a City record has the
// same country map, and more).
func Country(iso string) mmdbtype.Map {
	return mmdbtype.Map{
		"continent": mmdbtype.Map{"code": mmdbtype.String("AS")},
		"country": mmdbtype.Map{
			"geoname_id": mmdbtype.Uint32(1861060),
			"iso_code":   mmdbtype.String(iso),
			"names":      mmdbtype.Map{"en": mmdbtype.String("Country " + iso), "ja": mmdbtype.String("国")},
		},
		"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String(iso)},
	}
}

// IPinfoLite is an IPinfo Lite record.
func IPinfoLite(asn, asName, countryCode, country string) mmdbtype.Map {
	return mmdbtype.Map{
		"asn":          mmdbtype.String(asn),
		"as_name":      mmdbtype.String(asName),
		"country_code": mmdbtype.String(countryCode),
		"country":      mmdbtype.String(country),
	}
}
