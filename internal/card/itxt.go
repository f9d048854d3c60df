package card

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/iocast/iocast/intel"
)

// Keyword is the keyword of the iTXt chunk that carries the sighting.
const Keyword = "iocast-sighting"

// Size limits of Extract.
const (
	// MaxPNG is the largest PNG file Extract reads.
	MaxPNG = 64 << 20
	// MaxSighting is the largest embedded sighting (after decompression).
	MaxSighting = 16 << 20
)

// compressAbove is the JSON size above which the chunk is zlib-compressed;
// smaller sightings stay plain text, readable with strings(1).
const compressAbove = 8 << 10

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// embed inserts an iTXt chunk with the sighting's JSON before IEND.
func embed(png []byte, s *intel.Sighting) ([]byte, error) {
	js, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("card: encode sighting: %w", err)
	}
	const iend = 12 // length, "IEND", CRC
	if len(png) < len(pngSignature)+iend || !bytes.Equal(png[len(png)-iend+4:len(png)-4], []byte("IEND")) {
		return nil, errors.New("card: encoded PNG does not end with IEND")
	}
	var data bytes.Buffer
	data.WriteString(Keyword)
	data.WriteByte(0) // keyword terminator
	if len(js) > compressAbove {
		data.Write([]byte{1, 0}) // compressed, zlib
	} else {
		data.Write([]byte{0, 0}) // uncompressed
	}
	data.WriteByte(0) // no language tag
	data.WriteByte(0) // no translated keyword
	if len(js) > compressAbove {
		zw := zlib.NewWriter(&data)
		zw.Write(js) // a bytes.Buffer does not fail
		zw.Close()
	} else {
		data.Write(js)
	}
	out := make([]byte, 0, len(png)+data.Len()+12)
	out = append(out, png[:len(png)-iend]...)
	out = appendChunk(out, "iTXt", data.Bytes())
	return append(out, png[len(png)-iend:]...), nil
}

// appendChunk appends a PNG chunk: length, type, data, CRC of type and data.
func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("card: "+format+": %w", append(args, intel.ErrInvalid)...)
}

// Extract returns the sighting embedded in a card by Render: the JSON of
// the PNG's iTXt chunk with keyword "iocast-sighting", plain or
// zlib-compressed. It checks the PNG signature and the CRC of every chunk
// up to IEND, but does not decode the image. Malformed input gives an
// error wrapping intel.ErrInvalid; a file over MaxPNG or a sighting over
// MaxSighting, intel.ErrTooLarge; a PNG without the chunk,
// intel.ErrNotFound. The sighting is returned as embedded, not normalised.
func Extract(png []byte) (*intel.Sighting, error) {
	if len(png) > MaxPNG {
		return nil, fmt.Errorf("card: PNG of %d bytes, more than %d: %w", len(png), MaxPNG, intel.ErrTooLarge)
	}
	if !bytes.HasPrefix(png, pngSignature) {
		return nil, invalidf("not a PNG file")
	}
	var found []byte
	rest := png[len(pngSignature):]
	for off := len(pngSignature); ; {
		if len(rest) < 12 {
			return nil, invalidf("truncated PNG: chunk at byte %d", off)
		}
		n := binary.BigEndian.Uint32(rest)
		if n > 1<<31-1 || int64(n) > int64(len(rest)-12) {
			return nil, invalidf("chunk at byte %d: length %d beyond the end of the file", off, n)
		}
		typ, data := rest[4:8], rest[8:8+n]
		if crc := binary.BigEndian.Uint32(rest[8+n:]); crc != crc32.ChecksumIEEE(rest[4:8+n]) {
			return nil, invalidf("chunk %q at byte %d: CRC mismatch", typ, off)
		}
		switch string(typ) {
		case "iTXt":
			text, ok, err := readITXt(data)
			if err != nil {
				return nil, fmt.Errorf("card: iTXt chunk at byte %d: %w", off, err)
			}
			if ok {
				if found != nil {
					return nil, invalidf("more than one %q chunk", Keyword)
				}
				found = text
			}
		case "IEND":
			if found == nil {
				return nil, fmt.Errorf("card: no %q iTXt chunk in the PNG (not an iocast card?): %w", Keyword, intel.ErrNotFound)
			}
			var s intel.Sighting
			dec := json.NewDecoder(bytes.NewReader(found))
			if err := dec.Decode(&s); err != nil {
				return nil, invalidf("embedded sighting: %v", err)
			}
			if dec.More() {
				return nil, invalidf("embedded sighting: data after the JSON object")
			}
			return &s, nil
		}
		off += 12 + int(n)
		rest = rest[12+n:]
	}
}

// readITXt returns the text of an iTXt chunk's data when its keyword is
// Keyword (ok false for other keywords).
func readITXt(data []byte) (text []byte, ok bool, err error) {
	kw, rest, found := bytes.Cut(data, []byte{0})
	if !found || len(kw) == 0 || len(kw) > 79 {
		return nil, false, plainInvalidf("bad keyword")
	}
	if string(kw) != Keyword {
		return nil, false, nil
	}
	if len(rest) < 2 {
		return nil, false, plainInvalidf("truncated")
	}
	flag, method := rest[0], rest[1]
	rest = rest[2:]
	for range 2 { // language tag, translated keyword
		var found bool
		if _, rest, found = bytes.Cut(rest, []byte{0}); !found {
			return nil, false, plainInvalidf("truncated")
		}
	}
	switch {
	case flag == 0:
		if len(rest) > MaxSighting {
			return nil, false, fmt.Errorf("sighting of %d bytes, more than %d: %w", len(rest), MaxSighting, intel.ErrTooLarge)
		}
		return rest, true, nil
	case flag == 1 && method == 0:
		zr, err := zlib.NewReader(bytes.NewReader(rest))
		if err != nil {
			return nil, false, plainInvalidf("zlib: %v", err)
		}
		text, err := io.ReadAll(io.LimitReader(zr, MaxSighting+1))
		if err != nil {
			return nil, false, plainInvalidf("zlib: %v", err)
		}
		if len(text) > MaxSighting {
			return nil, false, fmt.Errorf("sighting of more than %d bytes: %w", MaxSighting, intel.ErrTooLarge)
		}
		return text, true, nil
	}
	return nil, false, plainInvalidf("unknown compression flag %d, method %d", flag, method)
}

func plainInvalidf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, intel.ErrInvalid)...)
}
