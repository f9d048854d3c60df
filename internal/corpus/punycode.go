package corpus

// Punycode (RFC 3492) encoding, so that IDN domains can be labelled in
// their IDNA ASCII form without a dependency outside the standard library.
// The generator only builds labels that are already lower-case and NFC, so
// encoding is all IDNA needs here.

const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// toASCIILabel returns label unchanged when it is ASCII and "xn--" followed
// by its Punycode encoding otherwise.
func toASCIILabel(label string) string {
	runes := []rune(label)
	var out []byte
	for _, c := range runes {
		if c < 0x80 {
			out = append(out, byte(c))
		}
	}
	b := len(out)
	if b == len(runes) {
		return label
	}
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias, h := rune(pcInitialN), 0, pcInitialBias, b
	for h < len(runes) {
		m := rune(0x10FFFF)
		for _, c := range runes {
			if c >= n && c < m {
				m = c
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, c := range runes {
			if c < n {
				delta++
			}
			if c != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := min(max(k-bias, pcTMin), pcTMax)
				if q < t {
					break
				}
				out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out = append(out, pcDigit(q))
			bias = pcAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return "xn--" + string(out)
}

// pcDigit returns the Punycode digit for d in [0, 36).
func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// pcAdapt is the bias adaptation function of RFC 3492 section 6.1.
func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
