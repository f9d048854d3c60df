package extract

// Reference implementations of the fast paths added in round 4 of the
// extractor's performance work (docs/PERFORMANCE.md), and the tests that
// hold the fast code to them.

import (
	"bytes"
	"testing"

	"github.com/iocast/iocast/intel"
)

// cjkRunRef is cjkRun a character at a time, as before.
func cjkRunRef(b []byte) int {
	i := 0
	for i+2 < len(b) {
		c, c1, c2 := b[i], b[i+1], b[i+2]
		if c < 0xE3 || c > 0xE9 || c1&0xC0 != 0x80 || c2&0xC0 != 0x80 || c == 0xE3 && c1 == 0x80 && c2 == 0x82 {
			break
		}
		i += 3
	}
	return i
}

// FuzzCJKRun compares cjkRun with the reference.
func FuzzCJKRun(f *testing.F) {
	for _, s := range []string{"日本語のテキスト", "漢字。かな", "ｱｲ日本", "日本x", "日\xe3\x80", "\xe9\xbf\xbf\xe3\x80\x82", "\xe2\x80\x8b日"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for k := 0; k <= len(b) && k < 4; k++ {
			if got, want := cjkRun(b[k:]), cjkRunRef(b[k:]); got != want {
				t.Fatalf("cjkRun(%q) = %d, want %d", b[k:], got, want)
			}
		}
	})
}

// lowerHexRef is lowerHex a byte at a time, as tryHash did it before.
func lowerHexRef(dst, src []byte) bool {
	for n, c := range src {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			dst[n] = c
		case c >= 'A' && c <= 'F':
			dst[n] = c + 'a' - 'A'
		default:
			return false
		}
	}
	return true
}

// FuzzLowerHex compares lowerHex with the reference, on every byte value.
func FuzzLowerHex(f *testing.F) {
	f.Add([]byte("DA1C9006B493D7E95DB4D354C5F0E99F"))
	f.Add([]byte("da1c9006b493d7e9/db4d354c5f0e99f"))
	f.Add([]byte("0123456789abcdefABCDEF@`Gg:/\x00\x7f\x80\xff\xb0\xc1\xe6"))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)/8*8]
		got, want := make([]byte, len(b)), make([]byte, len(b))
		okGot, okWant := lowerHex(got, b), lowerHexRef(want, b)
		if okGot != okWant || okGot && !bytes.Equal(got, want) {
			t.Fatalf("lowerHex(%q) = %q, %v; want %q, %v", b, got, okGot, want, okWant)
		}
	})
}

// TestLowerHexBytes runs lowerHex on each byte value at each position.
func TestLowerHexBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		for p := 0; p < 8; p++ {
			b := []byte("0123456789abcdefABCDEF0123456789")
			b[p*3] = byte(c)
			got, want := make([]byte, len(b)), make([]byte, len(b))
			okGot, okWant := lowerHex(got, b), lowerHexRef(want, b)
			if okGot != okWant || okGot && !bytes.Equal(got, want) {
				t.Fatalf("lowerHex(%q) = %q, %v; want %q, %v", b, got, okGot, want, okWant)
			}
		}
	}
}

// TestKindSalt checks that kindSalt tells every kind apart.
func TestKindSalt(t *testing.T) {
	seen := map[uint64]intel.Kind{}
	for _, k := range intel.Kinds {
		if o, ok := seen[kindSalt(k)]; ok {
			t.Fatalf("kinds %s and %s have the same salt", o, k)
		}
		seen[kindSalt(k)] = k
	}
}
