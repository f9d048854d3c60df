package intel

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Sighting is one observation of a malware sample with its indicators: the
// unit iocast composes into a post, parses back from one, stores and
// exports. Its JSON and YAML forms are documented in docs/SIGHTING.md.
type Sighting struct {
	// Family is the malware family ("LODEINFO"); Aliases are other names
	// for it ("MirrorFace" tooling names, vendor names).
	Family  string   `json:"family,omitempty" yaml:"family,omitempty"`
	Aliases []string `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	// Version is the build found in the sample or its configuration ("v0.6.2").
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	// Samples are the files observed.
	Samples []Sample `json:"samples,omitempty" yaml:"samples,omitempty"`
	// C2 are the command-and-control endpoints, most important first.
	C2 []Endpoint `json:"c2,omitempty" yaml:"c2,omitempty"`
	// Targets are ISO 3166 alpha-2 country codes of the targeted countries ("JP").
	Targets []string `json:"targets,omitempty" yaml:"targets,omitempty"`
	// Tags are free-form hashtags without "#" (campaign, actor).
	Tags []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// References are links to reports or analyses backing the sighting.
	References []string `json:"references,omitempty" yaml:"references,omitempty"`
	// Credit is the credit line ("NA4Sec Team"), shown as "H/T to …".
	Credit string `json:"credit,omitempty" yaml:"credit,omitempty"`
	// TLP is the Traffic Light Protocol marking: CLEAR, GREEN, AMBER,
	// AMBER+STRICT or RED. Empty means CLEAR (public posts).
	TLP string `json:"tlp,omitempty" yaml:"tlp,omitempty"`
	// Observed is when the sample was observed.
	Observed *time.Time `json:"observed,omitempty" yaml:"observed,omitempty"`
	// Indicators holds indicators whose role is unknown (a post that is
	// not in iocast's format, parsed by the extractor).
	Indicators []Indicator `json:"indicators,omitempty" yaml:"indicators,omitempty"`
	// Source is where the sighting was read from: the URL of the post it
	// was parsed from, kept as provenance. Posts do not carry it.
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
}

// Sample is one malware file, identified by its hashes.
type Sample struct {
	MD5    string `json:"md5,omitempty" yaml:"md5,omitempty"`
	SHA1   string `json:"sha1,omitempty" yaml:"sha1,omitempty"`
	SHA256 string `json:"sha256,omitempty" yaml:"sha256,omitempty"`
	SHA512 string `json:"sha512,omitempty" yaml:"sha512,omitempty"`
	// Filename is the sample's file name as observed.
	Filename string `json:"filename,omitempty" yaml:"filename,omitempty"`
	// Link is where the sample can be had (a MalwareBazaar or VirusTotal
	// page, a t.co link): the one kind of link a post keeps live.
	Link string `json:"link,omitempty" yaml:"link,omitempty"`
}

// Endpoint is one network location the malware talks to.
type Endpoint struct {
	// Value is the endpoint as a URL, domain, IPv4 or IPv6 address, in
	// canonical form (refanged). Port is set for host:port endpoints.
	Value string `json:"value" yaml:"value"`
	Port  int    `json:"port,omitempty" yaml:"port,omitempty"`
	// Enrichment of the endpoint's IP address. Its fields are written
	// inline, beside value and port, in JSON and YAML alike.
	Enrichment `yaml:",inline"`
}

// Enrichment is what is known of an IP address's network.
type Enrichment struct {
	// ASN is "AS" + number.
	ASN string `json:"asn,omitempty" yaml:"asn,omitempty"`
	// ISP is the AS organisation or ISP name as shown in posts.
	ISP string `json:"isp,omitempty" yaml:"isp,omitempty"`
	// Country is the ISO 3166 alpha-2 code of where the address is.
	Country string `json:"country,omitempty" yaml:"country,omitempty"`
}

// Kind returns the kind of the endpoint's value (url, domain, ipv4, ipv6),
// or "" when it is none of them.
func (e Endpoint) Kind() Kind {
	for _, k := range []Kind{KindURL, KindIPv4, KindIPv6, KindDomain} {
		if v, err := Canonical(k, e.Value); err == nil && v == e.Value {
			return k
		}
	}
	return ""
}

// tlpLevels are the TLP 2.0 labels.
var tlpLevels = map[string]bool{"CLEAR": true, "GREEN": true, "AMBER": true, "AMBER+STRICT": true, "RED": true}

// Normalize canonicalises every value of s in place (refangs, lower-cases,
// upper-cases country codes and TLP) and returns an error that names each
// field it could not make valid ("c2[1].value: …"), joined with
// errors.Join. It never drops a value.
func (s *Sighting) Normalize() error {
	var errs []error
	fail := func(field string, err error) { errs = append(errs, fmt.Errorf("%s: %w", field, err)) }
	s.Family = strings.TrimSpace(s.Family)
	s.Version = strings.TrimSpace(s.Version)
	s.Credit = strings.TrimSpace(s.Credit)
	for i := range s.Samples {
		sm := &s.Samples[i]
		for _, h := range []struct {
			k Kind
			v *string
		}{{KindMD5, &sm.MD5}, {KindSHA1, &sm.SHA1}, {KindSHA256, &sm.SHA256}, {KindSHA512, &sm.SHA512}} {
			if *h.v == "" {
				continue
			}
			v, err := Canonical(h.k, *h.v)
			if err != nil {
				fail(fmt.Sprintf("samples[%d].%s", i, h.k), err)
				continue
			}
			*h.v = v
		}
		if sm.Filename != "" {
			v, err := Canonical(KindFilename, sm.Filename)
			if err != nil {
				fail(fmt.Sprintf("samples[%d].filename", i), err)
			} else {
				sm.Filename = v
			}
		}
		if sm.Link != "" {
			l, err := checkLink(sm.Link)
			if err != nil {
				fail(fmt.Sprintf("samples[%d].link", i), err)
			} else {
				sm.Link = l
			}
		}
		if sm.MD5 == "" && sm.SHA1 == "" && sm.SHA256 == "" && sm.SHA512 == "" && sm.Filename == "" && sm.Link == "" {
			fail(fmt.Sprintf("samples[%d]", i), fmt.Errorf("empty sample: give at least one hash: %w", ErrInvalid))
		}
	}
	for i := range s.C2 {
		e := &s.C2[i]
		v, k, err := canonicalEndpoint(e.Value)
		if err != nil {
			fail(fmt.Sprintf("c2[%d].value", i), err)
			continue
		}
		e.Value = v
		if e.Port < 0 || e.Port > 65535 {
			fail(fmt.Sprintf("c2[%d].port", i), fmt.Errorf("port %d out of range 1-65535: %w", e.Port, ErrInvalid))
		}
		if e.Port != 0 && k == KindURL {
			fail(fmt.Sprintf("c2[%d].port", i), fmt.Errorf("a URL endpoint carries its port in the URL: %w", ErrInvalid))
		}
		if e.ASN != "" {
			a, err := Canonical(KindASN, e.ASN)
			if err != nil {
				fail(fmt.Sprintf("c2[%d].asn", i), err)
			} else {
				e.ASN = a
			}
		}
		e.ISP = strings.TrimSpace(e.ISP)
		if e.Country != "" {
			c, err := canonicalCountry(e.Country)
			if err != nil {
				fail(fmt.Sprintf("c2[%d].country", i), err)
			} else {
				e.Country = c
			}
		}
	}
	for i, t := range s.Targets {
		c, err := canonicalCountry(t)
		if err != nil {
			fail(fmt.Sprintf("targets[%d]", i), err)
			continue
		}
		s.Targets[i] = c
	}
	for i, t := range s.Tags {
		s.Tags[i] = strings.TrimPrefix(strings.TrimSpace(t), "#")
		if s.Tags[i] == "" || strings.ContainsAny(s.Tags[i], " \t\n#") {
			fail(fmt.Sprintf("tags[%d]", i), fmt.Errorf("tag %q must be one word without '#': %w", t, ErrInvalid))
		}
	}
	for i, r := range s.References {
		l, err := checkLink(r)
		if err != nil {
			fail(fmt.Sprintf("references[%d]", i), err)
			continue
		}
		s.References[i] = l
	}
	s.Source = strings.TrimSpace(s.Source)
	if s.TLP != "" {
		t := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(s.TLP), "TLP:"))
		if t == "WHITE" {
			t = "CLEAR"
		}
		if !tlpLevels[t] {
			fail("tlp", fmt.Errorf("unknown TLP %q (want CLEAR, GREEN, AMBER, AMBER+STRICT or RED): %w", s.TLP, ErrInvalid))
		} else {
			s.TLP = t
		}
	}
	for i, ind := range s.Indicators {
		v, err := Canonical(ind.Kind, ind.Value)
		if err != nil {
			fail(fmt.Sprintf("indicators[%d]", i), err)
			continue
		}
		s.Indicators[i].Value = v
	}
	return errors.Join(errs...)
}

// canonicalEndpoint canonicalises an endpoint value: a URL, IP or domain.
func canonicalEndpoint(v string) (string, Kind, error) {
	r := Refang(strings.TrimSpace(v))
	switch {
	case strings.Contains(r, "://"):
		c, err := Canonical(KindURL, r)
		return c, KindURL, err
	case strings.Count(r, ":") >= 2:
		c, err := Canonical(KindIPv6, strings.Trim(r, "[]"))
		return c, KindIPv6, err
	}
	if maybeIP(r) { // a domain ends in a letter: no IPv4 parse for it
		if c, err := Canonical(KindIPv4, r); err == nil {
			return c, KindIPv4, nil
		}
	}
	c, err := Canonical(KindDomain, r)
	if err != nil {
		return "", "", fmt.Errorf("%q is not a URL, IP address or domain: %w", v, ErrInvalid)
	}
	return c, KindDomain, nil
}

// checkLink trims a sample or reference link and checks that it is an
// absolute http or https URL with a host and no spaces: the one kind of link
// a post keeps live.
func checkLink(l string) (string, error) {
	l = strings.TrimSpace(l)
	rest, ok := strings.CutPrefix(l, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(l, "http://")
	}
	if !ok || rest == "" || rest[0] == '/' || strings.ContainsFunc(l, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fmt.Errorf("link %q is not an http or https URL: %w", l, ErrInvalid)
	}
	return l, nil
}

func canonicalCountry(c string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(c))
	if len(u) != 2 || u[0] < 'A' || u[0] > 'Z' || u[1] < 'A' || u[1] > 'Z' {
		return "", fmt.Errorf("%q is not an ISO 3166 alpha-2 country code (like JP): %w", c, ErrInvalid)
	}
	return u, nil
}

// AllIndicators returns every indicator the sighting carries, in a stable
// order: C2 endpoints, sample hashes and names, then unroled indicators.
func (s *Sighting) AllIndicators() []Indicator {
	var out []Indicator
	add := func(k Kind, v string) {
		if v != "" {
			out = append(out, Indicator{Kind: k, Value: v})
		}
	}
	for _, e := range s.C2 {
		add(e.Kind(), e.Value)
	}
	for _, sm := range s.Samples {
		add(KindMD5, sm.MD5)
		add(KindSHA1, sm.SHA1)
		add(KindSHA256, sm.SHA256)
		add(KindSHA512, sm.SHA512)
		add(KindFilename, sm.Filename)
	}
	out = append(out, s.Indicators...)
	return out
}
