#!/bin/bash
# usage: cpubm.sh pkgdir benchregex iters reps -> CPU ms per op (user+sys), min and median over reps, minus a 1x run
cd $1 && go test -c -o /tmp/cpubm.$$.test . >/dev/null 2>&1 || { echo build failed; exit 1; }
base() { /usr/bin/env bash -c "TIMEFORMAT=%3U+%3S; time /tmp/cpubm.$$.test -test.run '^\$' -test.bench '$2' -test.benchtime $1x >/dev/null" 2>&1 | tail -1 | awk -F+ '{print $1+$2}'; }
b1=$(base 1 "$2")
res=()
for r in $(seq ${4:-5}); do t=$(base $3 "$2"); res+=($(echo "($t-$b1)*1000/$3" | bc -l)); done
printf '%s\n' "${res[@]}" | sort -n | awk -v name="$2" '{v[NR]=$1} END {printf "%s cpu/op: min=%.3fms med=%.3fms (n=%d)\n", name, v[1], v[int((NR+1)/2)], NR}'
rm -f /tmp/cpubm.$$.test
