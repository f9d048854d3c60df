package intel

import (
	"fmt"
	"strings"
)

// Kind names the type of an indicator. Its string values are part of
// iocast's stable machine output ("type" in JSON) and never change.
type Kind string

// The indicator kinds iocast knows.
const (
	KindIPv4     Kind = "ipv4"
	KindIPv6     Kind = "ipv6"
	KindDomain   Kind = "domain"
	KindURL      Kind = "url"
	KindEmail    Kind = "email"
	KindMD5      Kind = "md5"
	KindSHA1     Kind = "sha1"
	KindSHA256   Kind = "sha256"
	KindSHA512   Kind = "sha512"
	KindCVE      Kind = "cve"
	KindASN      Kind = "asn"
	KindFilename Kind = "filename"
)

// Kinds lists every kind in a stable, documented order.
var Kinds = []Kind{
	KindIPv4, KindIPv6, KindDomain, KindURL, KindEmail,
	KindMD5, KindSHA1, KindSHA256, KindSHA512,
	KindCVE, KindASN, KindFilename,
}

// ParseKind returns the Kind named by s (case-insensitive, with a few common
// aliases such as "ip" → ipv4, "hostname" → domain, "sha-256" → sha256).
func ParseKind(s string) (Kind, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "ip", "ip-dst", "ip-src":
		return KindIPv4, nil
	case "hostname", "fqdn", "host":
		return KindDomain, nil
	case "uri", "link":
		return KindURL, nil
	case "email-src", "email-dst", "e-mail", "mail":
		return KindEmail, nil
	case "sha-1":
		return KindSHA1, nil
	case "sha-256":
		return KindSHA256, nil
	case "sha-512":
		return KindSHA512, nil
	case "as":
		return KindASN, nil
	case "file", "file-name", "file_name":
		return KindFilename, nil
	}
	for _, kk := range Kinds {
		if string(kk) == k {
			return kk, nil
		}
	}
	return "", fmt.Errorf("unknown indicator kind %q (want one of %s): %w", s, kindList(), ErrInvalid)
}

func kindList() string {
	var b strings.Builder
	for i, k := range Kinds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(k))
	}
	return b.String()
}

// IsHash reports whether k is one of the file hash kinds.
func (k Kind) IsHash() bool {
	switch k {
	case KindMD5, KindSHA1, KindSHA256, KindSHA512:
		return true
	}
	return false
}

// IsNetwork reports whether k names a network location (IP, domain, URL,
// e-mail address): the kinds that must be defanged in a post.
func (k Kind) IsNetwork() bool {
	switch k {
	case KindIPv4, KindIPv6, KindDomain, KindURL, KindEmail:
		return true
	}
	return false
}

// Indicator is one indicator of compromise in canonical form.
//
// Value is always canonical (see Canonical): refanged, lower-case where case
// does not matter, domains in IDNA ASCII (punycode) form. Display, when not
// empty, is the form to show people (the Unicode form of an IDN domain).
type Indicator struct {
	Kind    Kind   `json:"type" yaml:"type"`
	Value   string `json:"value" yaml:"value"`
	Display string `json:"display,omitempty" yaml:"display,omitempty"`
}

// New returns the indicator of kind k for the value s, canonicalised and
// validated. s may be defanged.
func New(k Kind, s string) (Indicator, error) {
	v, err := Canonical(k, s)
	if err != nil {
		return Indicator{}, err
	}
	return withDisplay(k, v), nil
}

// NewRefanged is New for a value that is already refanged, as the
// extractor's candidates are: it skips the refang pass, which makes it
// cheaper on hot paths. The result is the same as New's for such values.
func NewRefanged(k Kind, s string) (Indicator, error) {
	v, err := canonical(k, s)
	if err != nil {
		return Indicator{}, err
	}
	// The indicator is built here, not by withDisplay: one call and one
	// copy of the struct fewer, for every value the extractor reports.
	return Indicator{Kind: k, Value: v, Display: display(k, v)}, nil
}

// withDisplay returns the indicator of canonical value v, with the Unicode
// display form of an IDN domain (also in URLs and e-mail addresses).
func withDisplay(k Kind, v string) Indicator {
	return Indicator{Kind: k, Value: v, Display: display(k, v)}
}

// display returns the Unicode display form of the canonical value v when
// it differs from v, or "".
func display(k Kind, v string) string {
	if k == KindDomain || k == KindURL || k == KindEmail {
		if d := displayForm(k, v); d != v {
			return d
		}
	}
	return ""
}

// String returns "kind:value".
func (i Indicator) String() string { return string(i.Kind) + ":" + i.Value }

// Defanged returns the indicator's value in iocast's defang style (see Defang).
func (i Indicator) Defanged() string { return Defang(i.Kind, i.Value) }
