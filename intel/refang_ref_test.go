package intel

import (
	"slices"
	"testing"
)

// appendRefangRef is the first appendRefang, which the faster one must agree with. Bytes that
// need no change are copied in runs, only up to the last change when
// onlyIfChanged is set (Refang then returns its input as it is).
func appendRefangRef[S text](dst []byte, pos []int32, src S, opts RefangOptions, onlyIfChanged bool) (out []byte, outPos []int32, changed bool) {
	n := len(src)
	from := 0 // src[from:i] is still to be copied
	flush := func(i int) {
		dst = append(dst, src[from:i]...)
		if pos != nil {
			for k := from; k < i; k++ {
				pos = append(pos, int32(k))
			}
		}
	}
	// replace emits rep for the w source bytes at i.
	replace := func(i, w int, rep string) {
		flush(i)
		dst = append(dst, rep...)
		if pos != nil {
			for k := 0; k < len(rep); k++ {
				pos = append(pos, int32(i))
			}
		}
		from = i + w
		changed = true
	}
	for i := 0; i < n; {
		c := src[i]
		if !refangSpecial[c] {
			i++
			continue
		}
		w, rep := 0, ""
		switch c {
		case '[', '(', '{':
			if c == '[' && i+1 < n && src[i+1] == ']' && i > 0 && src[i-1] == '.' {
				w = 2 // "162.33.178.[]206"
			} else {
				w, rep = bracketDefang(src, i)
			}
		case ']', ')', '}':
			// A stray closing bracket glued to a dot: "evil.]com".
			if i > 0 && src[i-1] == '.' && i+1 < n && isNameByte(src[i+1]) {
				w = 1
			}
		case '\\':
			if i+1 < n && (src[i+1] == '.' || src[i+1] == '/' || src[i+1] == ':' || src[i+1] == '@') {
				w, rep = 2, string(src[i+1])
			}
		case 'h', 'H', 'f', 'F':
			w, rep = schemeDefang(src, i)
		case ' ':
			if opts.Words {
				w, rep = wordDefang(src, i)
			}
		case 0xC2:
			if i+1 < n && src[i+1] == 0xAD { // soft hyphen
				w = 2
			}
		case 0xE2:
			// U+200B..U+200D = E2 80 8B..8D, U+2060 = E2 81 A0
			if i+2 < n && ((src[i+1] == 0x80 && src[i+2] >= 0x8B && src[i+2] <= 0x8D) || (src[i+1] == 0x81 && src[i+2] == 0xA0)) {
				w = 3
			}
		case 0xEF:
			if i+2 < n {
				switch {
				case src[i+1] == 0xBB && src[i+2] == 0xBF: // U+FEFF
					w = 3
				case src[i+1] == 0xBC && src[i+2] == 0x8E && betweenNames(src, i, 3): // U+FF0E ．
					w, rep = 3, "."
				case src[i+1] == 0xBD && src[i+2] == 0xA1 && betweenNames(src, i, 3): // U+FF61 ｡
					w, rep = 3, "."
				case src[i+1] == 0xBC && src[i+2] == 0xA0: // U+FF20 ＠
					w, rep = 3, "@"
				}
			}
		case 0xE3:
			if i+2 < n && src[i+1] == 0x80 && src[i+2] == 0x82 && betweenNames(src, i, 3) { // U+3002 。
				w, rep = 3, "."
			}
		}
		if w == 0 {
			i++
			continue
		}
		replace(i, w, rep)
		i += w
	}
	if changed || !onlyIfChanged {
		flush(n)
		if pos != nil {
			pos = append(pos, int32(n))
		}
	}
	return dst, pos, changed
}

// FuzzAppendRefang checks appendRefang against the reference
// implementation: output, offsets and the changed flag; and
// AppendRefangChanged against AppendRefang.
func FuzzAppendRefang(f *testing.F) {
	for _, s := range []string{"hxxp[:]//evil[.]com", "evil .com", "a\\.b", "x[dot]y (at) z", "1.2.3.[]4", "evil.]com", "ａ＠ｂ．ｃ", "a\u200bb", "user at evil dot com"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, words bool) {
		opts := RefangOptions{Words: words}
		for _, only := range []bool{false, true} {
			got, gotPos, gotChanged := appendRefang([]byte("x"), []int32{7}, []byte(s), opts, only)
			want, wantPos, wantChanged := appendRefangRef([]byte("x"), []int32{7}, []byte(s), opts, only)
			if string(got) != string(want) || !slices.Equal(gotPos, wantPos) || gotChanged != wantChanged {
				t.Fatalf("%q (only %v): got %q %v %v, want %q %v %v", s, only, got, gotPos, gotChanged, want, wantPos, wantChanged)
			}
			got, _, gotChanged = appendRefang(nil, nil, s, opts, only)
			want, _, wantChanged = appendRefangRef(nil, nil, s, opts, only)
			if string(got) != string(want) || gotChanged != wantChanged {
				t.Fatalf("%q (string, only %v): got %q %v, want %q %v", s, only, got, gotChanged, want, wantChanged)
			}
		}
		// AppendRefangChanged is AppendRefang when something changes, and
		// appends nothing otherwise.
		full, fullPos, fullChanged := AppendRefang([]byte("x"), []int32{7}, []byte(s), opts)
		got, gotPos, gotChanged := AppendRefangChanged([]byte("x"), []int32{7}, []byte(s), opts)
		if gotChanged != fullChanged {
			t.Fatalf("%q: AppendRefangChanged changed %v, AppendRefang %v", s, gotChanged, fullChanged)
		}
		if !fullChanged {
			full, fullPos = []byte("x"), []int32{7}
		}
		if string(got) != string(full) || !slices.Equal(gotPos, fullPos) {
			t.Fatalf("%q: AppendRefangChanged gave %q %v, want %q %v", s, got, gotPos, full, fullPos)
		}
	})
}
