package intel

import "strings"

// fileExtensions are the extensions that make "name.ext" a file name rather
// than a domain, even where ".ext" is also a top-level domain (.zip, .mov,
// .py, .sh, .rs). They are the extensions of samples, lures, scripts and
// documents seen in malware reporting. Country codes that are far more often
// domains in such reporting (.pl, .cc, .ws, .me, .io) are deliberately absent.
var fileExtensions = map[string]bool{}

// extSlots is fileExtensions as an open-addressed table (linear probing)
// of packed keys (extPack), which IsFileExtension looks up without a map
// access. An empty slot is all zeros, which no key is (its length byte).
var extSlots [extSlotCount]extKey

const extSlotCount = 1024 // a power of two, about five times the extensions

// extKey is an extension of at most 14 bytes packed into two words
// (extPack), its length in the top byte of hi.
type extKey struct{ lo, hi uint64 }

func init() {
	for _, e := range strings.Fields(`
		exe dll sys scr cpl ocx drv efi msi msp msu bat cmd ps1 psm1 psd1 vbs vbe js jse wsf wsh hta
		lnk url inf reg chm hlp pif application appref-ms gadget scf
		jar class apk dex ipa dmg pkg elf so ko service plist bin out sh bash zsh py pyc pyw rb php asp aspx
		jsp jspx cgi lua go rs c cpp h cs vb ts
		zip rar 7z gz tgz bz2 xz tar cab iso img vhd vhdx arj lzh ace z zst uue
		doc docx docm dot dotm xls xlsx xlsm xlsb xlam xlt xltm ppt pptx pptm ppsm ppsx pot potm
		rtf pdf one onepkg odt ods odp wbk wiz xps oxps md
		txt log csv tsv json xml yml yaml ini cfg conf dat tmp bak db sqlite
		html htm mht mhtml svg xht xhtml shtml hwp hwpx jtd jtdc
		png jpg jpeg gif bmp ico tif tiff webp mp3 mp4 mov avi wav
		eml msg pst ost iqy slk sct wsc ps1xml xll wll ppa ppam
	`) {
		fileExtensions[e] = true
	}
	for e := range fileExtensions {
		if strings.ToLower(e) != e {
			panic("intel: file extension " + e + " is not lower-case")
		}
		k, ok := extPack(e)
		if !ok {
			panic("intel: file extension " + e + " is empty or too long")
		}
		i := k.slot()
		for extSlots[i] != (extKey{}) {
			i = (i + 1) & (extSlotCount - 1)
		}
		extSlots[i] = k
	}
}

// extPack packs ext (1 to 14 bytes) lower-cased (ASCII letters only, as
// lower does) into an extKey, by loads that may overlap: for a given
// length the bytes loaded cover every byte of ext, so two strings of the
// same length have the same key exactly when they are equal, and the
// length is part of the key. Lower-casing byte by byte commutes with
// packing.
//
// ok is false, and the key empty, when ext is empty or longer than 14
// bytes.
func extPack(ext string) (k extKey, ok bool) {
	n := len(ext)
	var lo, hi uint64
	switch {
	case n == 0 || n > 14:
		return extKey{}, false
	case n < 4: // bytes 0, n/2 and n-1
		lo = uint64(ext[0]) | uint64(ext[n/2])<<8 | uint64(ext[n-1])<<16
	case n <= 8: // bytes 0-3 and n-4 to n-1
		lo = uint64(le32(ext)) | uint64(le32(ext[n-4:]))<<32
	default: // bytes 0-7, and n-6 to n-1 in the low six bytes of hi
		lo = le64(ext)
		hi = lowerWord(le64(ext[n-8:]) >> 16)
	}
	return extKey{lowerWord(lo), hi | uint64(n)<<56}, true
}

// le32 returns the first four bytes of s as a little-endian word (one
// load, as le64).
func le32(s string) uint32 {
	s = s[:4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// lowerWord lower-cases the ASCII capital letters among the eight bytes
// of x and leaves every other byte as it is.
func lowerWord(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	h := x &^ highs                // each byte's low seven bits
	ge := h + ones*(0x80-'A')      // high bit set where h >= 'A'
	gt := h + ones*(0x80-'Z'-1)    // high bit set where h > 'Z'
	upper := ge &^ gt &^ x & highs // 'A' to 'Z', and not a byte >= 0x80
	return x | upper>>2            // 0x80>>2 is 'a'-'A'
}

func (k extKey) slot() uint64 {
	return ((k.lo ^ k.hi*0x9E3779B97F4A7C15) * 0xC2B2AE3D27D4EB4F) >> (64 - 10)
}

// IsFileExtension reports whether ext (without the dot, any case) is a file
// extension iocast treats as a file name rather than a top-level domain.
// It keeps no reference to ext: the extractor passes a view of its own
// buffer (extract's bstr), which changes after the call.
func IsFileExtension(ext string) bool {
	k, ok := extPack(ext)
	if !ok {
		return false
	}
	for i := k.slot(); ; i = (i + 1) & (extSlotCount - 1) {
		switch e := extSlots[i]; e {
		case k:
			return true
		case extKey{}:
			return false
		}
	}
}

// FileExtension returns the extension of name (after the last dot, lower-case),
// or "" when there is none.
func FileExtension(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || i == len(name)-1 {
		return ""
	}
	return strings.ToLower(name[i+1:])
}
