package extract

import "testing"

// forSegments calls fn for each segment of doc, cut as ExtractBytes cuts it.
func forSegments(doc []byte, fn func(seg []byte)) {
	for len(doc) > 0 {
		cut := len(doc)
		if cut > chunkSize+maxToken {
			cut = cutPoint(doc[:chunkSize+maxToken])
		}
		fn(doc[:cut])
		doc = doc[cut:]
	}
}

// BenchmarkTokenize measures the tokenizer alone over the corpus.
func BenchmarkTokenize(b *testing.B) {
	text := benchCorpus(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	var toks []token
	n := 0
	for i := 0; i < b.N; i++ {
		forSegments(text, func(seg []byte) {
			toks = tokenize(seg, toks[:0])
			n += len(toks)
		})
	}
	b.ReportMetric(float64(n)/float64(b.N), "tokens/op")
}

// BenchmarkSelect measures the tokenizer and the choice of the tokens to
// look at (hotTokens), without refanging or recognizing them.
func BenchmarkSelect(b *testing.B) {
	text := benchCorpus(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	var toks []token
	var hot []int32
	n := 0
	for i := 0; i < b.N; i++ {
		forSegments(text, func(seg []byte) {
			toks = tokenize(seg, toks[:0])
			hot = hotTokens(seg, toks, hot[:0])
			n += len(hot)
		})
	}
	b.ReportMetric(float64(n)/float64(b.N), "hot/op")
}

// BenchmarkExtractPost measures a short document, as a post arrives: the
// fixed cost of an Extract call.
func BenchmarkExtractPost(b *testing.B) {
	post := "🚨 #LODEINFO C2 (JP 🇯🇵)\nC2:\n🌍 hxxp[:]//172.104.72[.]4/ (ASN: AS63949, ISP: Linode, LLC) and 2 more (172.105.223[.]216, 45.77.28[.]124).\n" +
		"Family:\n🦠 LODEINFO (v0.7.1)\nHash:\n#️⃣ 737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360\nRef: https://www.virustotal.com/gui/file/737e668b88f65a4ae5e5bed84daf570c702ed1cbd3ccfd2c35d561bee8e16360"
	e := New(Options{})
	b.SetBytes(int64(len(post)))
	b.ReportAllocs()
	for b.Loop() {
		if len(e.ExtractString(post)) == 0 {
			b.Fatal("nothing found")
		}
	}
}
