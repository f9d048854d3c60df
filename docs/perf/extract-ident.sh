#!/bin/bash
# extract-ident.sh REV : checks that the extractor in the working tree finds
# exactly what it found at commit REV. extract-ident/main.go is built from
# both trees; it prints every field of every match (ExtractBytes and a
# streamed Extract in reads of random size, with and without KeepWarned) for
# generated corpora (seeds 1-7), the labelled corpus, examples/reports and
# every fuzz corpus of extract and intel. Prints IDENTICAL or the first
# difference. Also compares `iocast extract --format jsonl` (with and without
# --all) on 64 MiB of seed 7. Needs about 2 GB of /tmp and a few minutes.
set -eu
rev=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/extract-ident.XXXXXX)
git -C "$root" archive --format=tar --prefix=orig/ "$rev" | tar -x -C "$tmp"
mkdir -p "$tmp/orig/docs/perf/extract-ident"
cp "$root/docs/perf/extract-ident/main.go" "$tmp/orig/docs/perf/extract-ident/main.go"
(cd "$tmp/orig" && go build -o "$tmp/ident-orig" docs/perf/extract-ident/main.go && go build -o "$tmp/iocast-orig" ./cmd/iocast)
(cd "$root" && go build -o "$tmp/ident-new" docs/perf/extract-ident/main.go && go build -o "$tmp/iocast-new" ./cmd/iocast)
(cd "$root" && go test -c -o "$tmp/corpus.test" ./internal/corpus)
args=""
for s in 1 2 3 4 5 6 7; do
	size=4194304
	[ $s = 1 ] && size=10485760
	"$tmp/corpus.test" -test.run TestDump -corpus.out "$tmp/seed$s.txt" -corpus.size $size -corpus.seed $s >/dev/null
	args="$args $tmp/seed$s.txt"
done
args="$args dir:$root/extract/testdata/labelled dir:$root/examples/reports"
for d in "$root"/extract/testdata/fuzz/* "$root"/intel/testdata/fuzz/*; do
	[ -d "$d" ] && args="$args fuzz:$d"
done
"$tmp/ident-orig" $args > "$tmp/out-orig.txt" &
"$tmp/ident-new" $args > "$tmp/out-new.txt"
wait
if cmp "$tmp/out-orig.txt" "$tmp/out-new.txt"; then echo "matches: IDENTICAL ($(wc -l < "$tmp/out-new.txt") lines)"; else echo "matches: DIFFERENT"; exit 1; fi
"$tmp/corpus.test" -test.run TestDump -corpus.out "$tmp/seed7-64m.txt" -corpus.size 67108864 -corpus.seed 7 >/dev/null
for flags in "" "--all"; do
	"$tmp/iocast-orig" extract --format jsonl $flags < "$tmp/seed7-64m.txt" > "$tmp/jsonl-orig.txt"
	"$tmp/iocast-new" extract --format jsonl $flags < "$tmp/seed7-64m.txt" > "$tmp/jsonl-new.txt"
	if cmp "$tmp/jsonl-orig.txt" "$tmp/jsonl-new.txt"; then echo "jsonl${flags:+ $flags}: IDENTICAL ($(wc -l < "$tmp/jsonl-new.txt") lines)"; else echo "jsonl${flags:+ $flags}: DIFFERENT"; exit 1; fi
done
rm -rf "$tmp"
