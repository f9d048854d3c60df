package stix

import (
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
)

// The writers of each kind of STIX object an export holds.

func (e *Encoder) marking(tlp string) {
	if e.tlps[tlp] {
		return
	}
	m := tlpMarkings[tlp]
	b := e.begin("marking-definition", m.id)
	b = appendTime(b, `,"created":`, tlp2Created)
	b = append(b, `,"name":"TLP:`...)
	b = append(b, tlp...)
	b = append(b, `","extensions":{"`...)
	b = append(b, tlp2Extension...)
	b = append(b, `":{"extension_type":"property-extension","tlp_2_0":"`...)
	b = append(b, strings.ToLower(tlp)...)
	b = append(b, `"}}`...)
	e.tlps[tlp] = true
	e.end(b)
}

func (e *Encoder) family(name string) {
	if _, ok := e.families[name]; ok {
		return
	}
	id := objectID("malware", uuid5(Namespace, "malware:"+strings.ToLower(name)))
	e.families[name] = id
	var f Family
	if e.opts.Family != nil {
		f = e.opts.Family(name)
	}
	b := e.begin("malware", id)
	b = appendCommon(b, "CLEAR", Created, Created)
	b = append(b, `,"name":`...)
	b = appendJCSString(b, name)
	b = append(b, `,"is_family":true`...)
	if len(f.Aliases) > 0 {
		b = appendStrings(b, `,"aliases":`, f.Aliases)
	}
	if len(f.Versions) > 0 {
		b = append(b, `,"description":`...)
		b = appendJCSString(b, "Versions seen: "+strings.Join(f.Versions, ", "))
	}
	e.end(b)
}

// observable writes the record's cyber-observable and, for an IP address
// with a known ASN, its autonomous system.
func (e *Encoder) observable(r *intel.Record, tlp string) {
	k, v := r.Kind, r.Value
	var asID string
	if (k == intel.KindIPv4 || k == intel.KindIPv6) && r.ASN != "" {
		if n, err := strconv.ParseInt(strings.TrimPrefix(r.ASN, "AS"), 10, 64); err == nil {
			asID = e.autonomousSystem(n, r.ISP)
		}
	}
	var b []byte
	switch {
	case scoTypes[k] != "":
		typ := scoTypes[k]
		defanged := e.opts.Defang && (k == intel.KindDomain || k == intel.KindURL || k == intel.KindEmail)
		if defanged {
			v = intel.Defang(k, v)
		}
		b = e.begin(typ, scoID(typ, "value", v))
		b = append(b, `,"value":`...)
		b = appendJCSString(b, v)
		if defanged {
			b = append(b, `,"defanged":true`...)
		}
		if asID != "" {
			b = append(b, `,"belongs_to_refs":["`...)
			b = append(b, asID...)
			b = append(b, `"]`...)
		}
	case k.IsHash():
		b = e.begin("file", fileHashID(hashNames[k], v))
		b = append(b, `,"hashes":{`...)
		b = appendJCSString(b, hashNames[k])
		b = append(b, ':')
		b = appendJCSString(b, v)
		b = append(b, '}')
	case k == intel.KindFilename:
		b = e.begin("file", scoID("file", "name", v))
		b = append(b, `,"name":`...)
		b = appendJCSString(b, v)
	case k == intel.KindASN:
		if n, err := strconv.ParseInt(strings.TrimPrefix(v, "AS"), 10, 64); err == nil {
			e.autonomousSystem(n, "")
		}
		return
	default:
		return
	}
	b = append(b, `,"object_marking_refs":["`...)
	b = append(b, tlpMarkings[tlp].id...)
	b = append(b, `"]`...)
	e.end(b)
}

func (e *Encoder) autonomousSystem(n int64, name string) string {
	if id, ok := e.asns[n]; ok {
		return id
	}
	id := scoIDNumber("autonomous-system", "number", n)
	e.asns[n] = id
	b := e.begin("autonomous-system", id)
	b = append(b, `,"number":`...)
	b = strconv.AppendInt(b, n, 10)
	if name != "" {
		b = append(b, `,"name":`...)
		b = appendJCSString(b, name)
	}
	e.end(b)
	return id
}

// recordID is the stable id of the indicator or vulnerability of r: UUIDv5
// in Namespace over "type:kind:value" (":port" added for host:port).
func (e *Encoder) recordID(typ string, r *intel.Record) string {
	b := append(e.name[:0], typ...)
	b = append(append(append(b, ':'), r.Kind...), ':')
	b = append(b, r.Value...)
	if r.Port != 0 {
		b = strconv.AppendInt(append(b, ':'), int64(r.Port), 10)
	}
	e.name = b
	return objectID(typ, uuid5(Namespace, b))
}

func (e *Encoder) indicator(r *intel.Record, tlp string, first, last time.Time) string {
	id := e.recordID("indicator", r)
	b := e.begin("indicator", id)
	b = appendCommon(b, tlp, first, last)
	b = append(b, `,"name":`...)
	name := r.Value
	if r.Port != 0 {
		name = hostPort(r.Kind, r.Value, r.Port)
	}
	b = appendJCSString(b, name)
	if d := describe(r); d != "" {
		b = append(b, `,"description":`...)
		b = appendJCSString(b, d)
	}
	b = append(b, `,"indicator_types":["malicious-activity"],"pattern":`...)
	mark := len(b)
	b, _ = appendPattern(b, r)
	pat := string(b[mark:])
	b = appendJCSString(b[:mark], pat)
	b = append(b, `,"pattern_type":"stix","pattern_version":"2.1"`...)
	b = appendTime(b, `,"valid_from":`, first)
	b = e.appendRecordProps(b, r)
	e.end(b)
	return id
}

func (e *Encoder) vulnerability(r *intel.Record, tlp string, first, last time.Time) string {
	id := e.recordID("vulnerability", r)
	b := e.begin("vulnerability", id)
	b = appendCommon(b, tlp, first, last)
	b = append(b, `,"name":`...)
	b = appendJCSString(b, r.Value)
	b = append(b, `,"external_references":[{"source_name":"cve","external_id":`...)
	b = appendJCSString(b, r.Value)
	b = append(b, `}]`...)
	b = e.appendRecordProps(b, r)
	e.end(b)
	return id
}

// appendRecordProps appends what indicators and vulnerabilities share:
// revoked, confidence, the role as a label, sources as external
// references, and the sighting count.
func (e *Encoder) appendRecordProps(b []byte, r *intel.Record) []byte {
	if r.Revoked {
		b = append(b, `,"revoked":true`...)
	}
	if r.Confidence > 0 && r.Confidence <= 100 {
		b = append(b, `,"confidence":`...)
		b = strconv.AppendInt(b, int64(r.Confidence), 10)
	}
	if r.Role != "" {
		b = appendStrings(b, `,"labels":`, []string{r.Role})
	}
	if len(r.Sources) > 0 && r.Kind != intel.KindCVE {
		b = append(b, `,"external_references":[`...)
		for i, s := range r.Sources {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendSource(b, s)
		}
		b = append(b, ']')
	}
	if r.Sightings > 0 {
		b = append(b, `,"x_iocast_sightings":`...)
		b = strconv.AppendInt(b, int64(r.Sightings), 10)
	}
	return b
}

// appendSource writes a source as an external reference: a URL as
// {"source_name":"iocast-source","url":…}, anything else (a file name, a
// feed) as its description.
func appendSource(b []byte, s string) []byte {
	b = append(b, `{"source_name":"`+sourceName+`",`...)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		b = append(b, `"url":`...)
	} else {
		b = append(b, `"description":`...)
	}
	b = appendJCSString(b, s)
	return append(b, '}')
}

// sourceName names the external references that carry a record's sources.
const sourceName = "iocast-source"

func (e *Encoder) relationship(typ, src, dst, tlp string, first, last time.Time) {
	n := append(append(e.name[:0], "relationship:"...), typ...)
	n = append(append(append(append(n, ':'), src...), ':'), dst...)
	e.name = n
	id := objectID("relationship", uuid5(Namespace, n))
	b := e.begin("relationship", id)
	b = appendCommon(b, tlp, first, last)
	b = append(b, `,"relationship_type":"`...)
	b = append(b, typ...)
	b = append(b, `","source_ref":"`...)
	b = append(b, src...)
	b = append(b, `","target_ref":"`...)
	b = append(b, dst...)
	b = append(b, '"')
	e.end(b)
}

func hostPort(k intel.Kind, v string, port int) string {
	if k == intel.KindIPv6 {
		v = "[" + v + "]"
	}
	return v + ":" + strconv.Itoa(port)
}

// describe says what the record is in words: its role and the network of
// its address.
func describe(r *intel.Record) string {
	var parts []string
	if r.Role == "c2" {
		parts = append(parts, "C2")
	}
	var net []string
	for _, s := range []string{r.ASN, r.ISP, r.Country} {
		if s != "" {
			net = append(net, s)
		}
	}
	if len(net) > 0 {
		parts = append(parts, "("+strings.Join(net, ", ")+")")
	}
	return strings.Join(parts, " ")
}
