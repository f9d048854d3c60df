package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	dumpOut  = flag.String("corpus.out", "", "TestDump writes a corpus to this file")
	dumpSize = flag.Int64("corpus.size", 10<<20, "size in bytes of the corpus TestDump writes")
	dumpSeed = flag.Uint64("corpus.seed", 1, "seed of the corpus TestDump writes")
	update   = flag.Bool("update", false, "rewrite testdata/golden.sha256")
)

// TestDump writes a corpus to -corpus.out, for benchmarks of other tools:
//
//	go test ./internal/corpus -run TestDump -corpus.out /tmp/corpus.txt -corpus.size 10485760
func TestDump(t *testing.T) {
	if *dumpOut == "" {
		t.Skip("no -corpus.out given")
	}
	f, err := os.Create(*dumpOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := Generate(f, *dumpSize, *dumpSeed); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d bytes (seed %d) to %s", *dumpSize, *dumpSeed, *dumpOut)
}

// sum returns the hex SHA-256 of the corpus for size and seed, read
// through NewReader with an odd buffer size.
func sum(t *testing.T, size int64, seed uint64) string {
	t.Helper()
	h := sha256.New()
	n, err := io.CopyBuffer(h, NewReader(size, seed), make([]byte, 777))
	if err != nil {
		t.Fatal(err)
	}
	if n != size {
		t.Fatalf("read %d bytes, want %d", n, size)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDeterministic checks that a seed gives the same bytes every time and
// that different seeds give different corpora.
func TestDeterministic(t *testing.T) {
	a, b := sum(t, 1<<20, 42), sum(t, 1<<20, 42)
	if a != b {
		t.Fatalf("two runs with seed 42 differ: %s != %s", a, b)
	}
	if c := sum(t, 1<<20, 43); c == a {
		t.Fatal("seeds 42 and 43 give the same corpus")
	}
}

// TestGolden pins the corpus for seed 1, so that a change to the generator
// (or to math/rand/v2's PCG) shows up as a reviewed diff: run with -update.
func TestGolden(t *testing.T) {
	got := sum(t, 256<<10, 1) + "\n"
	path := filepath.Join("testdata", "golden.sha256")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("corpus for seed 1 changed: sha256 %s, want %s (run with -update if intended)", got, want)
	}
}

// TestExactSizeAndPrefix checks that Generate and NewReader agree and write
// exactly the size asked for, valid UTF-8, for sizes that cut blocks.
func TestExactSizeAndPrefix(t *testing.T) {
	var full bytes.Buffer
	if err := Generate(&full, 64<<10, 7); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{0, 1, 2, 5, 100, 4095, 4096, 4097, 65535, 64 << 10} {
		var buf bytes.Buffer
		if err := Generate(&buf, size, 7); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != size {
			t.Errorf("Generate(%d) wrote %d bytes", size, buf.Len())
		}
		r, err := io.ReadAll(NewReader(size, 7))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r, buf.Bytes()) {
			t.Errorf("NewReader(%d) and Generate(%d) differ", size, size)
		}
		if !utf8.Valid(r) {
			t.Errorf("size %d: invalid UTF-8", size)
		}
		// A shorter corpus is the longer one, cut after a newline and
		// padded with newlines.
		if k := len(bytes.TrimRight(r, "\n")); !bytes.Equal(r[:k], full.Bytes()[:k]) {
			t.Errorf("size %d: not a prefix of the 64 KiB corpus", size)
		}
	}
}

// TestValidUTF8 checks a few MiB of corpus for invalid UTF-8.
func TestValidUTF8(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, 4<<20, 3); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(buf.Bytes()) {
		i := 0
		for b := buf.Bytes(); i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		t.Fatalf("invalid UTF-8 at offset %d", i)
	}
}

// TestMix checks that the corpus holds what it promises: mostly prose,
// Japanese text, every defang style, every kind, and the traps.
func TestMix(t *testing.T) {
	var buf bytes.Buffer
	kinds := map[string]int{}
	if err := GenerateLabelled(&buf, 2<<20, 1, func(k, v string) { kinds[k]++ }); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", `\.`, "[:]//", "[://]", "hxxp", "hXXp", "h**p", "fxp://",
		"[@]", "(at)", "．", "\u200b", "[.", "https://x.com/", "https://www.virustotal.com/gui/file/",
		"https://bazaar.abuse.ch/sample/", "linkedin.com/in/", "!tr", "Trojan:Win32/", "version ", "10.0.0.0/8",
		"🚨⚡ #", "H/T to", "「", "“", "」", "| Type |", "```", "た。", "AS",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("corpus lacks %q", want)
		}
	}
	for _, k := range []string{kindIPv4, kindIPv6, kindDomain, kindURL, kindEmail, kindMD5, kindSHA1, kindSHA256, kindSHA512, kindCVE, kindASN, kindFilename} {
		if kinds[k] == 0 {
			t.Errorf("no %s labelled", k)
		}
	}
	if !regexp.MustCompile(`\d{1,3},\d{3},\d{3}`).MatchString(text) {
		t.Error("no number with thousands separators")
	}
	if !regexp.MustCompile(`xn--[a-z0-9-]+\.`).MatchString(strings.Join(labelValues(t, 2<<20, 1, kindDomain), " ")) {
		t.Error("no IDN domain labelled in punycode form")
	}
	g := newGen(1)
	for g.total < 4<<20 {
		g.next(1 << 30)
	}
	if pct := g.prose * 100 / g.total; pct < 60 || pct > 70 {
		t.Errorf("prose is %d%% of the corpus, want 60-70%%", pct)
	}
}

// labelValues returns the values of kind labelled in the corpus.
func labelValues(t *testing.T, size int64, seed uint64, kind string) []string {
	t.Helper()
	var vs []string
	err := GenerateLabelled(io.Discard, size, seed, func(k, v string) {
		if k == kind {
			vs = append(vs, v)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestLabels checks that labels are canonical and that each one's
// indicator is in the text.
func TestLabels(t *testing.T) {
	canonical := map[string]*regexp.Regexp{
		kindIPv4:     regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}$`),
		kindIPv6:     regexp.MustCompile(`^[0-9a-f:]+$`),
		kindDomain:   regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`),
		kindURL:      regexp.MustCompile(`^(http|https|ftp)://[^\s\[\]]*(\[[0-9a-f:]+\])?[^\s]*$`),
		kindEmail:    regexp.MustCompile(`^[a-z0-9.]+@[a-z0-9-]+(\.[a-z0-9-]+)+$`),
		kindMD5:      regexp.MustCompile(`^[0-9a-f]{32}$`),
		kindSHA1:     regexp.MustCompile(`^[0-9a-f]{40}$`),
		kindSHA256:   regexp.MustCompile(`^[0-9a-f]{64}$`),
		kindSHA512:   regexp.MustCompile(`^[0-9a-f]{128}$`),
		kindCVE:      regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`),
		kindASN:      regexp.MustCompile(`^AS\d+$`),
		kindFilename: regexp.MustCompile(`^[^\s/\\]+\.[a-z0-9]+$`),
	}
	var buf bytes.Buffer
	n := 0
	err := GenerateLabelled(&buf, 1<<20, 5, func(k, v string) {
		n++
		re, ok := canonical[k]
		if !ok {
			t.Errorf("unknown kind %q", k)
		} else if !re.MatchString(v) {
			t.Errorf("%s %q is not canonical", k, v)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5000 {
		t.Errorf("only %d indicators in 1 MiB", n)
	}
}

// TestReaderMemory reads 64 MiB through NewReader and checks that neither
// the block buffer nor the heap grows.
func TestReaderMemory(t *testing.T) {
	r := NewReader(64<<20, 9).(*reader)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	buf := make([]byte, 32<<10)
	maxBlock := 0
	for {
		_, err := r.Read(buf)
		maxBlock = max(maxBlock, cap(r.g.buf))
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if maxBlock > 64<<10 {
		t.Errorf("block buffer grew to %d bytes", maxBlock)
	}
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 1<<20 {
		t.Errorf("heap grew by %d bytes reading 64 MiB", grown)
	}
}

// TestPunycode checks the Punycode encoder against Python's codec.
func TestPunycode(t *testing.T) {
	// Expected values from Python's "punycode" codec.
	for in, want := range map[string]string{
		"bücher": "xn--bcher-kva", "münchen": "xn--mnchen-3ya", "銀行": "xn--jn2ax2s",
		"ログイン": "xn--eckxa6p0a", "テスト-3": "xn---3-fi4a2bl", "例え": "xn--r8jz45g",
		"mañana": "xn--maana-pta", "sécurité": "xn--scurit-bvaf", "пример": "xn--e1afmkfd",
		"plain": "plain",
	} {
		if got := toASCIILabel(in); got != want {
			t.Errorf("toASCIILabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkReader measures how fast NewReader generates the corpus.
func BenchmarkReader(b *testing.B) {
	b.SetBytes(16 << 20)
	for b.Loop() {
		if _, err := io.Copy(io.Discard, NewReader(16<<20, 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// refanger undoes every defang style the generator writes, crudely: good
// enough to find a label's value in its block's text.
var refanger = func() *strings.Replacer {
	pairs := []string{
		"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", " dot ", ".", `\.`, ".", "．", ".", "。", ".",
		" [at] ", "@", "[@]", "@", "(at)", "@", "[at]", "@",
		"\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "",
	}
	for _, sep := range []string{"://", "[:]//", "[://]"} {
		for _, scheme := range []string{"hxxps", "h**ps", "https", "hxxp", "h**p", "http", "fxp", "ftp"} {
			pairs = append(pairs, scheme+sep, strings.NewReplacer("xx", "tt", "**", "tt", "fx", "ft").Replace(scheme)+"://")
		}
	}
	return strings.NewReplacer(pairs...)
}()

// TestLabelsInText checks that every label's value, refanged text aside,
// is in the block it was written in.
func TestLabelsInText(t *testing.T) {
	g := newGen(11)
	for g.total < 1<<20 {
		text := strings.ToLower(refanger.Replace(strings.ToLower(string(g.next(1 << 30)))))
		for _, l := range g.labels {
			v := strings.ToLower(l.value)
			if strings.Contains(v, "xn--") {
				continue // written in Unicode, labelled in punycode
			}
			if !strings.Contains(text, v) && !strings.Contains(text, strings.TrimPrefix(v, "http://")) {
				t.Errorf("%s %q not in its block:\n%s", l.kind, l.value, text)
				return
			}
		}
	}
}
