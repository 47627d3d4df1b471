#!/usr/bin/env bash
# Adversarial table of docs/bad-input.md: one POST each of the inputs gen.py
# writes, against `newsbrief serve` on loopback; RSS from /proc.
# usage (repo root): go build -o /tmp/nb ./services/newsbrief &&
#   docs/bench/adversarial/run.sh /tmp/nb LABEL [INPUT_DIR]
set -u
bin=$1; label=${2:-newsbrief}; adv=${3:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../../.." && pwd)
[ -f "$adv/amounts-only.txt" ] || python3 "$root/docs/bench/adversarial/gen.py" "$adv"
dir=$(mktemp -d); port=$((20000 + RANDOM % 20000)); nport=$((port+1))
NEWSBRIEF_DATA=$dir NEWSBRIEF_HTTP_ADDR=127.0.0.1:$port NEWSBRIEF_NATS_ADDR=127.0.0.1:$nport \
  NEWSBRIEF_ENTITIES_ENGINE=offline NEWSBRIEF_SUMMARY_ENGINE=offline NEWSBRIEF_LOG_LEVEL=warn \
  $bin serve > $dir/log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $dir' EXIT
for i in $(seq 1 300); do curl -sf 127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status; }
hwm() { awk '/VmHWM/{print int($2/1024)}' /proc/$pid/status; }
# warm-up: one normal article
curl -s -o /dev/null $base/v1/articles -H 'Content-Type: text/plain' --data-binary @$root/internal/corpus/testdata/en_cloudflare_lisbon.txt
sleep 2
echo "== $label: RSS at start $(rss) MB"
printf "| input | bytes | answer | final status | brief bytes | entities/mentions | time | RSS after (MB) |\n|---|---|---|---|---|---|---|---|\n"
for f in amounts-only.txt money-phrases.txt names-only.txt one-sentence.txt 20k-sentences.txt zalgo.txt mostly-utf8.txt md-injection.txt js-url.json; do
  ct="text/plain; charset=utf-8"; [[ $f == *.json ]] && ct=application/json
  [[ $f == mostly-utf8.txt ]] && ct="text/plain"
  t0=$(date +%s.%N)
  ans=$(curl -s -w ' %{http_code}' $base/v1/articles -H "Content-Type: $ct" --data-binary @$adv/$f)
  code=${ans##* }; id=$(echo "$ans" | python3 -c 'import sys,json
s=sys.stdin.read().rsplit(" ",1)[0]
try: print(json.loads(s).get("id",""))
except Exception: print("")')
  st="-"; bb="-"; em="-"
  if [ -n "$id" ]; then
    for i in $(seq 1 3000); do
      st=$(curl -s $base/v1/articles/$id | python3 -c 'import sys,json; d=json.load(sys.stdin); print(d["status"]+((": "+d.get("reason","")[:60]) if d.get("reason") else ""))')
      [[ $st != pending* ]] && break; sleep 0.1
    done
    if [[ $st == briefed* ]]; then
      curl -s $base/v1/briefs/$id > $dir/brief.json
      bb=$(stat -c %s $dir/brief.json)
      em=$(python3 -c 'import json; b=json.load(open("'$dir'/brief.json")); print("%d/%d"%(len(b["entities"]),sum(len(e["mentions"]) for e in b["entities"])))')
    fi
  else
    st=$(echo "${ans% *}" | head -c 90)
  fi
  t1=$(date +%s.%N)
  printf "| %s | %s | %s | %s | %s | %s | %.2fs | %s |\n" "$f" "$(stat -c %s $adv/$f)" "$code" "$st" "$bb" "$em" "$(echo "$t1 - $t0" | bc)" "$(rss)"
done
# a normal article afterwards: its latency
t0=$(date +%s.%N)
id=$(curl -s $base/v1/articles -H 'Content-Type: text/plain' --data-binary @$root/internal/corpus/testdata/it_startup_fotonica.txt | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
for i in $(seq 1 600); do s=$(curl -s $base/v1/articles/$id | python3 -c 'import sys,json; print(json.load(sys.stdin)["status"])'); [ "$s" != pending ] && break; sleep 0.05; done
t1=$(date +%s.%N)
echo "normal article after: $s in $(echo "$t1 - $t0" | bc)s; RSS end $(rss) MB, peak (VmHWM) $(hwm) MB"
if [ -n "${MDCHECK:-}" ]; then $bin briefs --server $base --format md 2>/dev/null | grep -n "script\|onerror\|javascript" | head -5; fi
