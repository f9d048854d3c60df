package extract

// fingerprints is a bounded set of 64-bit fingerprints (open addressing,
// linear probing). It remembers at most max entries; once full, add
// reports every new fingerprint as unseen.
type fingerprints struct {
	slots []uint64
	n     int
	max   int
}

func newFingerprints(max int) fingerprints {
	return fingerprints{slots: make([]uint64, 1024), max: max}
}

// reset empties f for a new document. It keeps a small table, and a large
// one that the last document filled to at least an eighth: a stream of
// large documents then does not grow its table from 1024 slots again each
// time (rehashing every fingerprint at each doubling costs more than
// clearing the table), and a short text after a long one frees it.
func (f *fingerprints) reset(max int) {
	if len(f.slots) > 1<<14 && f.n*8 < len(f.slots) {
		*f = newFingerprints(max)
		return
	}
	clear(f.slots)
	f.n, f.max = 0, max
}

// add inserts h and reports whether it was not there before.
func (f *fingerprints) add(h uint64) bool {
	if h == 0 {
		h = 1 // 0 marks an empty slot
	}
	mask := uint64(len(f.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch f.slots[i] {
		case h:
			return false
		case 0:
			if f.n >= f.max {
				return true
			}
			f.slots[i] = h
			f.n++
			if f.n*2 > len(f.slots) {
				f.grow()
			}
			return true
		}
	}
}

func (f *fingerprints) grow() {
	old := f.slots
	f.slots = make([]uint64, 2*len(old))
	mask := uint64(len(f.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for f.slots[i] != 0 {
			i = (i + 1) & mask
		}
		f.slots[i] = h
	}
}
