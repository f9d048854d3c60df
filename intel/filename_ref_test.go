package intel

import (
	"strings"
	"testing"
)

// oldIsFileExtension is IsFileExtension as it was before the packed table
// (extSlots): a lower-cased copy looked up in fileExtensions.
func oldIsFileExtension(ext string) bool {
	if len(ext) == 0 || len(ext) > 14 {
		return false
	}
	var buf [14]byte
	for i := 0; i < len(ext); i++ {
		buf[i] = lower(ext[i])
	}
	return fileExtensions[string(buf[:len(ext)])]
}

func checkFileExtension(t *testing.T, s string) {
	t.Helper()
	if got, want := IsFileExtension(s), oldIsFileExtension(s); got != want {
		t.Fatalf("IsFileExtension(%q) = %v, want %v", s, got, want)
	}
}

// The table holds every extension of the map, in any case, and near misses
// of each are decided as the map decides them.
func TestFileExtensionTableAgrees(t *testing.T) {
	n := 0
	for _, k := range extSlots {
		if k != (extKey{}) {
			n++
		}
	}
	if n != len(fileExtensions) {
		t.Fatalf("table holds %d extensions, map %d", n, len(fileExtensions))
	}
	for e := range fileExtensions {
		if !IsFileExtension(e) || !IsFileExtension(strings.ToUpper(e)) {
			t.Fatalf("IsFileExtension(%q) is false", e)
		}
		checkFileExtension(t, strings.ToUpper(e[:1])+e[1:])
		for i := 0; i < len(e); i++ {
			for _, d := range []int{-0x20, -1, 1, 0x20, 0x80, -0x80} {
				b := []byte(e)
				b[i] = byte(int(b[i]) + d)
				checkFileExtension(t, string(b))
			}
			checkFileExtension(t, e[:i])
			checkFileExtension(t, e[:i]+e[i+1:])
		}
		for _, x := range []string{"\x00", "a", "s", "x", "Z", ".", "-", "1", "\xc1", "\xe1"} {
			checkFileExtension(t, e+x)
			checkFileExtension(t, x+e)
		}
		checkFileExtension(t, e+e)
		checkFileExtension(t, e+strings.Repeat("a", 14-len(e)))
		checkFileExtension(t, e+strings.Repeat("a", 15-len(e)))
	}
	// Every string of one and two bytes.
	for a := 0; a < 256; a++ {
		checkFileExtension(t, string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			checkFileExtension(t, string([]byte{byte(a), byte(b)}))
		}
	}
	// Every byte at every position of a long extension.
	for _, e := range []string{"application", "appref-ms", "onepkg", "ps1xml", "sqlite"} {
		for i := 0; i < len(e); i++ {
			for c := 0; c < 256; c++ {
				b := []byte(e)
				b[i] = byte(c)
				checkFileExtension(t, string(b))
			}
		}
	}
	checkFileExtension(t, "")
	checkFileExtension(t, strings.Repeat("z", 15))
}

// lowerWord lower-cases exactly what lower lower-cases, byte by byte.
func TestLowerWord(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			x := uint64(c) << (8 * pos)
			x |= 0x5a41_c1e1_7b40_5b60 &^ (0xff << (8 * pos))
			got := lowerWord(x)
			for i := 0; i < 8; i++ {
				if b := byte(x >> (8 * i)); byte(got>>(8*i)) != lower(b) {
					t.Fatalf("lowerWord(%#x) byte %d = %#x, want %#x", x, i, byte(got>>(8*i)), lower(b))
				}
			}
		}
	}
}

func FuzzFileExtensionAgrees(f *testing.F) {
	for _, s := range []string{"exe", "EXE", "Zip", "application", "appref-MS", "ps1xml", "xn", "ex\x00", "", "docx.", "Ä", "7Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFileExtension(t, s)
		if len(s) > 0 {
			checkFileExtension(t, s[1:])
			checkFileExtension(t, strings.ToUpper(s))
		}
	})
}
