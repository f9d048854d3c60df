package stix

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/iocast/iocast/intel"
)

func parseTime(s, fallback string) (time.Time, error) {
	if s == "" {
		s = fallback
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339", s)
	}
	return t.UTC(), nil
}

// merge folds r into cur: the widest time span, the union of families and
// sources, the most restrictive TLP.
func merge(cur, r *intel.Record) {
	if cur.FirstSeen.IsZero() || (!r.FirstSeen.IsZero() && r.FirstSeen.Before(cur.FirstSeen)) {
		cur.FirstSeen = r.FirstSeen
	}
	if r.LastSeen.After(cur.LastSeen) {
		cur.LastSeen = r.LastSeen
	}
	cur.Sightings = max(cur.Sightings, r.Sightings)
	cur.Confidence = max(cur.Confidence, r.Confidence)
	cur.Revoked = cur.Revoked || r.Revoked
	if cur.Role == "" {
		cur.Role = r.Role
	}
	if tlpRank[r.TLP] > tlpRank[cur.TLP] {
		cur.TLP = r.TLP
	}
	for _, s := range r.Sources {
		if !slices.Contains(cur.Sources, s) {
			cur.Sources = append(cur.Sources, s)
		}
	}
}

// link applies relationships and autonomous systems and fills Records.
func (d *decoder) link() {
	for _, rel := range d.rels {
		src, dst := rel.src, rel.dst
		if rel.typ == "exploits" {
			src, dst = dst, src
		}
		name, ok := d.malware[dst]
		if !ok || name == "" || (rel.typ != "indicates" && rel.typ != "exploits") {
			continue
		}
		for _, key := range d.byObj[src] {
			r := d.recs[key]
			if !slices.Contains(r.Families, name) {
				r.Families = append(r.Families, name)
			}
		}
	}
	// An observable only restates a host:port indicator's address, or is
	// the autonomous system of an address: no record of its own.
	drop := map[string]bool{}
	for obs, refs := range d.asRefs {
		for _, ref := range refs {
			as, ok := d.asns[ref]
			if !ok || as.Number <= 0 {
				continue
			}
			for _, key := range d.byObj[ref] {
				drop[key] = d.obsOnly[key]
			}
			for _, key := range d.byObj[obs] {
				d.recs[key].ASN = "AS" + strconv.FormatInt(as.Number, 10)
				d.recs[key].ISP = as.Name
			}
		}
	}
	withPort := map[string]bool{}
	for _, r := range d.recs {
		if r.Port != 0 {
			withPort[string(r.Kind)+"\x00"+r.Value] = true
		}
	}
	for key := range d.obsOnly {
		r := d.recs[key]
		if withPort[string(r.Kind)+"\x00"+r.Value] {
			drop[key] = true
		}
	}
	for _, key := range d.order {
		if drop[key] {
			continue
		}
		r := d.recs[key]
		slices.Sort(r.Families)
		d.res.Records = append(d.res.Records, *r)
	}
}

// limitReader fails with intel.ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, intel.ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, intel.ErrTooLarge
	}
	return n, err
}
