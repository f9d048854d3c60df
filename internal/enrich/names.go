package enrich

import (
	"strings"
	"unicode"

	"github.com/iocast/iocast/intel"
)

// display returns e with its ISP as a display name.
func (r *Runner) display(e intel.Enrichment) intel.Enrichment {
	e.ISP = r.DisplayName(e.ISP)
	return e
}

// DisplayName returns the name to show for an AS organisation or
// description: the one Config.Names maps it to, else the name without a
// leading registry handle ("LINODE-AP Linode, LLC" → "Linode, LLC"), which
// iptoasn and Team Cymru put in front of the organisation. Names maps
// either form.
func (r *Runner) DisplayName(raw string) string {
	raw = strings.Join(strings.Fields(raw), " ")
	if raw == "" {
		return ""
	}
	if v, ok := r.names[strings.ToLower(raw)]; ok {
		return v
	}
	short := stripHandle(raw)
	if v, ok := r.names[strings.ToLower(short)]; ok {
		return v
	}
	return short
}

// stripHandle drops a leading registry handle: a first word of capitals,
// digits and - _ . when the rest reads as a name (mixed case, no digits).
// "CHINANET-BACKBONE No.31,Jin-rong Street" and "OVH OVH SAS" stay whole.
func stripHandle(s string) string {
	handle, rest, ok := strings.Cut(s, " ")
	if !ok || rest == "" {
		return s
	}
	letter := false
	for _, c := range handle {
		switch {
		case c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.':
		default:
			return s
		}
	}
	if !letter || !strings.ContainsFunc(rest, unicode.IsLower) || strings.ContainsFunc(rest, unicode.IsDigit) {
		return s
	}
	return rest
}
