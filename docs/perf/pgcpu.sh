#!/bin/bash
# pgcpu.sh: the CPU seconds the local PostgreSQL server has used so far:
# utime + stime of its live processes, plus the postmaster's reaped
# children (cutime + cstime). The difference of two calls is what the
# server spent in between. Run as root or as user postgres.
f=$(ls /var/run/postgresql/*.pid 2>/dev/null | head -1)
pm=$([ -n "$f" ] && head -1 "$f")
[ -n "$pm" ] || pm=$(pgrep -o -u postgres postgres)
t=0
for p in $(pgrep -u postgres); do
	s=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && t=$((t + s))
done
c=$(awk '{print $16 + $17}' "/proc/$pm/stat")
echo "scale=2; ($t + $c) / $(getconf CLK_TCK)" | bc
