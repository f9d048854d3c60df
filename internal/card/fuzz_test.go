package card_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/card"
)

// FuzzExtract checks that Extract never panics and that every error wraps
// one of the documented sentinels. Each input is tried as is and with its
// chunk CRCs recomputed, so that the fuzzer reaches the chunk parser
// instead of stopping at the CRC check. (The Render/Extract round trip is
// TestRoundTrip: rendering is too slow for a fuzz target.)
func FuzzExtract(f *testing.F) {
	b, err := os.ReadFile("testdata/lodeinfo.png")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	// Small cards, so that the fuzzer mutates the chunk rather than pixels.
	js := `{"family":"LODEINFO","c2":[{"value":"1.2.3.4","asn":"AS1"}],"observed":"2022-08-05T00:00:00Z"}`
	f.Add(tinyCard(f, "iocast-sighting\x00\x00\x00\x00\x00"+js))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(js))
	zw.Close()
	f.Add(tinyCard(f, "iocast-sighting\x00\x01\x00en\x00\x00"+z.String()))
	f.Add(tinyCard(f, "Comment\x00\x00\x00\x00\x00hello"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, fixCRCs(b)} {
			_, err := card.Extract(in)
			if err != nil && !errors.Is(err, intel.ErrInvalid) && !errors.Is(err, intel.ErrNotFound) && !errors.Is(err, intel.ErrTooLarge) {
				t.Fatalf("Extract: error %v wraps no sentinel", err)
			}
		}
	})
}

// tinyCard returns a 1×1 PNG with an iTXt chunk of the given data.
func tinyCard(f *testing.F, itxt string) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		f.Fatal(err)
	}
	b := buf.Bytes()
	iend := append([]byte(nil), b[len(b)-12:]...)
	b = b[:len(b)-12]
	b = binary.BigEndian.AppendUint32(b, uint32(len(itxt)))
	start := len(b)
	b = append(b, "iTXt"+itxt...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
	return append(b, iend...)
}

// fixCRCs returns a copy of b with the CRC of every whole chunk after the
// PNG signature recomputed.
func fixCRCs(b []byte) []byte {
	b = append([]byte(nil), b...)
	for off := 8; off+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 0 || n > len(b)-off-12 {
			break
		}
		end := off + 8 + n
		binary.BigEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[off+4:end]))
		off = end + 4
	}
	return b
}
