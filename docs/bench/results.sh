#!/bin/bash
# Every figure of docs/performance.md "Results": run on a quiet machine from a
# fresh build (go build -o /tmp/nb ./services/newsbrief; docs/bench/results.sh /tmp/nb).
# The latency run takes half of the measured maximum: bench --rate R --n 3000 --no-inproc.
B=${1:?usage: docs/bench/results.sh NEWSBRIEF_BINARY}
cd "$(dirname "$0")/../.."
uptime
for i in 1 2 3; do $B bench --n 2000 2>&1 | grep -E "cpu=|nats/inproc|^bench: articles"; done
echo "== wikinews"; $B bench --n 2000 --data ../shared/data/articles 2>&1 | grep -E "cpu=|nats/inproc|^bench: articles"
echo "== replay"; $B bench --n 3000 --replay 2>&1 | grep -E "cpu=|^bench: articles"
echo "== workers"; for w in 1 2 4 8; do printf "W=$w "; NEWSBRIEF_WORKERS=$w $B bench --n 2000 --no-inproc 2>&1 | grep -E "^bench: articles"; done
echo "== sizes"; for s in 1024 4096 16384 65536; do n=2000; [ $s -ge 16384 ] && n=600; printf "size=$s "; $B bench --n $n --size $s --no-inproc 2>&1 | grep -E "^bench: articles"; done
echo "== llm"; NEWSBRIEF_LLM_CONCURRENCY=8 $B bench --llm-latency 500ms --n 160 2>&1 | grep -E "llm requests|^bench: articles"
uptime
echo "== serve idle RSS and start-up"
for i in 1 2 3; do
  d=$(mktemp -d); port=$((18400+i))
  NEWSBRIEF_DATA=$d/data NEWSBRIEF_HTTP_ADDR=127.0.0.1:$port NEWSBRIEF_NATS_ADDR=127.0.0.1:$((port+100)) $B serve > $d/log 2>&1 &
  pid=$!
  for t in $(seq 50); do grep -q startup_ms $d/log && break; sleep 0.2; done
  sleep 5
  echo "startup: $(grep -o '"startup_ms":[0-9]*' $d/log | head -1) rss=$(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null; rm -rf $d
done
