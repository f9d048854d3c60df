package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iocast/iocast/internal/enrich/iptoasn"
	"github.com/iocast/iocast/internal/enrich/mmdb"
)

// enrichCheck runs "iocast enrich --check": one paragraph per data set,
// then the online sources, and a warning for each stale data set.
//
//	/data/GeoLite2-ASN.mmdb
//	  type      GeoLite2 ASN: asn, as_org (MaxMind DB "GeoLite2-ASN", IPv4 and IPv6)
//	  built     2026-01-02 (12 days ago)
//	  coverage  512,345 networks; 3,012,345,678 IPv4 addresses (70.1%); 123,456 IPv6 networks
func (e *env) enrichCheck(ctx context.Context, en *enricher) error {
	now := time.Now()
	if len(en.datasets) == 0 {
		fmt.Fprintln(e.stdout, "no IP data set loaded")
	}
	var stale []string
	for _, d := range en.datasets {
		var typ, coverage string
		var built time.Time
		switch s := d.source.(type) {
		case *mmdb.Reader:
			in := s.Info()
			ver := "IPv4 only"
			if in.IPVersion == 6 {
				ver = "IPv4 and IPv6"
			}
			typ = fmt.Sprintf("%s: %s (MaxMind DB %q, %s)", in.Layout.Name, in.Layout.Fields, in.DatabaseType, ver)
			built = in.Built
			c, err := s.Coverage(ctx)
			if err != nil {
				return fmt.Errorf("enrich: %w", err)
			}
			coverage = fmt.Sprintf("%s networks; %s IPv4 addresses (%.1f%%); %s IPv6 networks",
				count(uint64(c.Networks)), count(c.V4Addresses), percent(c.V4Addresses), count(uint64(c.V6Networks)))
		case *iptoasn.Table:
			in := s.Info()
			typ = "iptoasn.com TSV: asn, as_org, country"
			built = in.Built
			coverage = fmt.Sprintf("%s IPv4 ranges; %s IPv4 addresses (%.1f%%); %s IPv6 ranges; %s ASes",
				count(uint64(in.V4Ranges)), count(in.V4Addresses), percent(in.V4Addresses), count(uint64(in.V6Ranges)), count(uint64(in.ASNs)))
			if in.Rejected > 0 {
				coverage += fmt.Sprintf("; %s malformed rows skipped", count(uint64(in.Rejected)))
			}
		}
		age := now.Sub(built)
		builtNote := "file modification time"
		if _, ok := d.source.(*mmdb.Reader); ok {
			builtNote = fmt.Sprintf("%d days ago", int(age.Hours()/24))
		} else {
			builtNote = fmt.Sprintf("%d days ago; %s", int(age.Hours()/24), builtNote)
		}
		fmt.Fprintf(e.stdout, "%s\n  type      %s\n  built     %s (%s)\n  coverage  %s\n",
			d.path, typ, built.UTC().Format("2006-01-02"), builtNote, coverage)
		if age > maxDataAge {
			stale = append(stale, fmt.Sprintf("%s was built %d days ago; get a fresh copy (see docs/ENRICHMENT.md)", d.path, int(age.Hours()/24)))
		}
	}
	if len(en.online) > 0 {
		fmt.Fprintf(e.stdout, "online: %s\n", strings.Join(en.online, ", "))
	} else {
		fmt.Fprintln(e.stdout, "online: none (offline only)")
	}
	for _, s := range stale {
		e.warnf("%s", s)
	}
	return nil
}

// count writes n with thousands separators: 1,234,567.
func count(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// percent is the share of the IPv4 address space.
func percent(v4 uint64) float64 { return float64(v4) / float64(uint64(1)<<32) * 100 }
