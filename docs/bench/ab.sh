#!/bin/bash
# usage: ab.sh DIR_A DIR_B PKG BENCH ITERS ROUNDS — builds both test binaries, alternates runs,
# prints CPU ms/op (user+sys, minus a 1x run) for A and B per round and the medians.
A=$1 B=$2 P=$3 BN=$4 N=$5 R=${6:-5}
# Own temporary binaries, so two comparisons can run at once.
T=$(mktemp -d /tmp/ab.XXXXXX); trap 'rm -rf "$T"' EXIT
(cd $A/$P && go test -c -o $T/A.test . >/dev/null) || exit 1
(cd $B/$P && go test -c -o $T/B.test . >/dev/null) || exit 1
cpu() { local d=$1/$P; ( cd $d && bash -c "TIMEFORMAT=%3U+%3S; time $2 -test.run '^\$' -test.bench '$BN' -test.benchtime ${3}x >/dev/null" 2>&1 | tail -1 | awk -F+ '{print $1+$2}' ); }
a1=$(cpu $A $T/A.test 1); b1=$(cpu $B $T/B.test 1)
as=(); bs=()
for r in $(seq $R); do
  ta=$(cpu $A $T/A.test $N); tb=$(cpu $B $T/B.test $N)
  as+=($(echo "($ta-$a1)*1000/$N" | bc -l)); bs+=($(echo "($tb-$b1)*1000/$N" | bc -l))
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%.3f", v[int((NR+1)/2)]}'; }
echo "A: $(printf '%.3f ' ${as[@]}) median $(med ${as[@]}) ms"
echo "B: $(printf '%.3f ' ${bs[@]}) median $(med ${bs[@]}) ms"
