package intel

import (
	"strings"
)

// Defang returns the canonical value v of kind k in iocast's one defang
// style, so that no platform, mail client or chat turns it into a live link:
//
//   - ipv4: the last dot becomes "[.]" (172.104.72[.]4);
//   - ipv6: the first colon becomes "[:]" (2001[:]db8::1);
//   - domain: every dot becomes "[.]" (evil[.]co[.]jp);
//   - url: "://" becomes "[:]//", the host is defanged as above, and every
//     dot after the host becomes "[.]" (http[:]//evil[.]com/a[.]php);
//   - email: "@" becomes "[@]" and the domain is defanged (a[@]evil[.]com);
//   - filename: every dot becomes "[.]" (invoice[.]zip), because many
//     extensions (.zip, .mov, .py) are also top-level domains;
//   - hashes, CVE ids and ASNs are returned unchanged.
//
// Refang(Defang(k, v)) == v for every canonical v.
func Defang(k Kind, v string) string {
	switch k {
	case KindIPv4:
		if i := strings.LastIndexByte(v, '.'); i >= 0 {
			return v[:i] + "[.]" + v[i+1:]
		}
	case KindIPv6:
		if i := strings.IndexByte(v, ':'); i >= 0 {
			return v[:i] + "[:]" + v[i+1:]
		}
	case KindDomain, KindFilename:
		return strings.ReplaceAll(v, ".", "[.]")
	case KindEmail:
		at := strings.LastIndexByte(v, '@')
		if at < 0 {
			return v
		}
		return v[:at] + "[@]" + strings.ReplaceAll(v[at+1:], ".", "[.]")
	case KindURL:
		p, err := SplitURL(v)
		if err != nil {
			return strings.ReplaceAll(strings.Replace(v, "://", "[:]//", 1), ".", "[.]")
		}
		var b strings.Builder
		b.WriteString(p.Scheme)
		b.WriteString("[:]//")
		b.WriteString(strings.ReplaceAll(p.UserInfo, ".", "[.]"))
		switch p.HostKind() {
		case KindIPv4:
			b.WriteString(Defang(KindIPv4, p.Host))
		case KindIPv6:
			b.WriteString("[" + p.Host + "]")
		default:
			b.WriteString(Defang(KindDomain, p.Host))
		}
		b.WriteString(p.PortPart())
		b.WriteString(strings.ReplaceAll(p.Rest, ".", "[.]"))
		return b.String()
	}
	return v
}

// Parse guesses the kind of a single value (possibly defanged) and returns
// it as a canonical indicator. It tries, in order: URL, e-mail, IPv4, IPv6,
// hash (by length), CVE, ASN, domain, file name.
func Parse(s string) (Indicator, error) {
	s = strings.TrimSpace(s)
	r := Refang(s)
	try := func(k Kind) (Indicator, bool) {
		ind, err := New(k, r)
		return ind, err == nil
	}
	switch {
	case strings.Contains(r, "://"):
		if ind, ok := try(KindURL); ok {
			return ind, nil
		}
	case strings.Contains(r, "@"):
		if ind, ok := try(KindEmail); ok {
			return ind, nil
		}
	}
	for _, k := range []Kind{KindIPv4, KindIPv6} {
		if ind, ok := try(k); ok {
			return ind, nil
		}
	}
	if k := HashKind(len(r)); k != "" {
		if ind, ok := try(k); ok {
			return ind, nil
		}
	}
	u := strings.ToUpper(r)
	if strings.HasPrefix(u, "CVE-") {
		if ind, ok := try(KindCVE); ok {
			return ind, nil
		}
	}
	if strings.HasPrefix(u, "AS") {
		if ind, ok := try(KindASN); ok {
			return ind, nil
		}
	}
	if !IsFileExtension(FileExtension(r)) {
		if ind, ok := try(KindDomain); ok {
			return ind, nil
		}
	}
	if strings.Contains(r, ".") && !strings.ContainsAny(r, " \t") {
		if ind, ok := try(KindFilename); ok {
			return ind, nil
		}
	}
	return Indicator{}, &ValueError{Value: s}
}

// ValueError reports a value that is no indicator of any kind.
type ValueError struct{ Value string }

func (e *ValueError) Error() string {
	return "\"" + e.Value + "\" is not an indicator of any kind iocast knows (" + kindList() + ")"
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValueError) Unwrap() error { return ErrInvalid }
