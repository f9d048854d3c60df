package postfmt

import (
	"strings"

	"github.com/iocast/iocast/intel"
)

// appendDefang appends intel.Defang(k, v) to dst without building the
// string: the composer writes every defanged value of a post into one
// buffer. It handles the kinds a C2 or a file name can be and hands the
// others to intel.Defang; TestAppendDefang holds it to intel.Defang.
func appendDefang(dst []byte, k intel.Kind, v string) []byte {
	switch k {
	case intel.KindIPv4:
		if i := strings.LastIndexByte(v, '.'); i >= 0 {
			dst = append(dst, v[:i]...)
			dst = append(dst, "[.]"...)
			return append(dst, v[i+1:]...)
		}
		return append(dst, v...)
	case intel.KindIPv6:
		if i := strings.IndexByte(v, ':'); i >= 0 {
			dst = append(dst, v[:i]...)
			dst = append(dst, "[:]"...)
			return append(dst, v[i+1:]...)
		}
		return append(dst, v...)
	case intel.KindDomain, intel.KindFilename:
		return appendDefangDots(dst, v)
	case intel.KindURL:
		p, err := intel.SplitURL(v)
		if err != nil {
			break
		}
		dst = append(dst, p.Scheme...)
		dst = append(dst, "[:]//"...)
		dst = appendDefangDots(dst, p.UserInfo)
		switch p.HostKind() {
		case intel.KindIPv4:
			dst = appendDefang(dst, intel.KindIPv4, p.Host)
		case intel.KindIPv6:
			dst = append(dst, '[')
			dst = append(dst, p.Host...)
			dst = append(dst, ']')
		default:
			dst = appendDefangDots(dst, p.Host)
		}
		if p.Port != "" {
			dst = append(dst, ':')
			dst = append(dst, p.Port...)
		}
		return appendDefangDots(dst, p.Rest)
	}
	return append(dst, intel.Defang(k, v)...)
}

// appendDefangDots appends v with every '.' written "[.]".
func appendDefangDots(dst []byte, v string) []byte {
	for {
		i := strings.IndexByte(v, '.')
		if i < 0 {
			return append(dst, v...)
		}
		dst = append(dst, v[:i]...)
		dst = append(dst, "[.]"...)
		v = v[i+1:]
	}
}
