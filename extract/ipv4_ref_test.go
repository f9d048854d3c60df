package extract

import (
	"testing"
)

// looksIPv4Ref and validIPv4Ref are the two passes tryHost made before
// round 9: looksIPv4Ref, then validIPv4Ref when it held.
func looksIPv4Ref(b []byte) bool {
	if len(b) < 7 || len(b) > 15 {
		return false
	}
	dots := 0
	for _, c := range b {
		switch {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots == 3
}

func validIPv4Ref(b []byte) (uint32, bool) {
	var a uint32
	octets, v, digits := 0, 0, 0
	for k := 0; k <= len(b); k++ {
		if k == len(b) || b[k] == '.' {
			if digits == 0 || v > 255 || digits > 1 && b[k-digits] == '0' {
				return 0, false
			}
			a = a<<8 | uint32(v)
			octets++
			v, digits = 0, 0
			continue
		}
		c := b[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
		digits++
		if digits > 3 {
			return 0, false
		}
	}
	return a, octets == 4
}

func ipv4Agrees(t *testing.T, b []byte) {
	t.Helper()
	a, looks, ok := validIPv4(b)
	if wantLooks := looksIPv4Ref(b); looks != wantLooks {
		t.Fatalf("validIPv4(%q): looks %v, want %v", b, looks, wantLooks)
	}
	if !looks {
		return
	}
	wantA, wantOK := validIPv4Ref(b)
	if ok != wantOK || ok && a != wantA {
		t.Fatalf("validIPv4(%q) = %#x, %v, want %#x, %v", b, a, ok, wantA, wantOK)
	}
}

// FuzzIPv4Agrees compares validIPv4 with the two reference passes on the
// input and on each of its suffixes up to 16 bytes in.
func FuzzIPv4Agrees(f *testing.F) {
	for _, s := range []string{
		"1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "0.0.0.0", "1.2.3", "1.2.3.4.5", "1..2.3",
		"1.2.3.04", "1000.1.1.1", "0000.1.1.1", "1.2.3.", ".1.2.3", "12.34.56.789", "1.2.3.4a", "99999999999.1.",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for k := 0; k <= len(b) && k <= 16; k++ {
			ipv4Agrees(t, b[k:])
		}
	})
}

// TestIPv4Agrees checks every string of up to 15 bytes built from the
// bytes "0", "2", "5", "9" and "." of lengths 7 to 9, and a few
// longer ones.
func TestIPv4Agrees(t *testing.T) {
	alphabet := []byte("0259.")
	var rec func(b []byte)
	rec = func(b []byte) {
		if len(b) >= 7 {
			ipv4Agrees(t, b)
		}
		if len(b) == 9 {
			return
		}
		for _, c := range alphabet {
			rec(append(b, c))
		}
	}
	rec(nil)
	for _, s := range []string{"255.255.255.255", "255.255.255.256", "100.200.250.199", "1.22.333.4444", "0.00.000.0000"} {
		ipv4Agrees(t, []byte(s))
	}
}
