package intel

import "strings"

// fileExtensions are the extensions that make "name.ext" a file name rather
// than a domain, even where ".ext" is also a top-level domain (.zip, .mov,
// .py, .sh, .rs). They are the extensions of samples, lures, scripts and
// documents seen in malware reporting. Country codes that are far more often
// domains in such reporting (.pl, .cc, .ws, .me, .io) are deliberately absent.
var fileExtensions = map[string]bool{}

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
}

// IsFileExtension reports whether ext (without the dot, any case) is a file
// extension iocast treats as a file name rather than a top-level domain.
// It keeps no reference to ext: the extractor passes a view of its own
// buffer (extract's bstr), which changes after the call.
func IsFileExtension(ext string) bool {
	if len(ext) == 0 || len(ext) > 14 {
		return false
	}
	var buf [14]byte
	for i := 0; i < len(ext); i++ {
		buf[i] = lower(ext[i])
	}
	return fileExtensions[string(buf[:len(ext)])]
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
