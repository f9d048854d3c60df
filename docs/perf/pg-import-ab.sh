#!/bin/bash
# pg-import-ab.sh N BENCH BINARY... : runs each compiled test binary of
# internal/store/postgres N times, alternating them (A B A B …), one fresh
# store per run, and prints one benchstat-style line per run: the
# benchmark's own figures, the test process's CPU seconds (cpu-s/op) and
# the PostgreSQL server's (pg-cpu-s/op, pgcpu.sh), and the load average.
# Build the binaries with
#   go test -c -o /tmp/pg-new.test ./internal/store/postgres/
# (and the same in a checkout of the older commit), then e.g.
#   docs/perf/pg-import-ab.sh 7 Import /tmp/pg-old.test /tmp/pg-new.test
set -eu
n=$1 bench=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
export IOCAST_TEST_POSTGRES=${IOCAST_TEST_POSTGRES:-'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'}
cd "$here/../../internal/store/postgres"
for i in $(seq "$n"); do
	for b in "$@"; do
		s0=$("$here/pgcpu.sh")
		out=$({ /usr/bin/time -f "TIME %U %S" "$b" -test.run XXX -test.bench "$bench\$" -test.benchtime 1x -store.n 1000000; } 2>&1)
		s1=$("$here/pgcpu.sh")
		line=$(echo "$out" | grep "^Benchmark")
		ct=$(echo "$out" | awk '/^TIME/ {print $2 + $3}')
		echo "$(basename "$b") $line $ct cpu-s/op $(echo "$s1 - $s0" | bc) pg-cpu-s/op load $(cut -d' ' -f1 /proc/loadavg)"
	done
done
