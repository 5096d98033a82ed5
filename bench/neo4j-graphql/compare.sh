#!/usr/bin/env bash
# normgraph vs @neo4j/graphql on one private Neo4j holding the curated data:
# both servers run side by side and the mixes are replayed against each in
# turn (the order flips every round, so neither always runs on a warmer
# Neo4j). Neo4j's and each server's CPU time per request is read from /proc.
#
#   bench/neo4j-graphql/compare.sh            # ROUNDS=2 DURATION=10s MIXES="lookup hop1 traversal"
#
# Environment: OUT (default /tmp/normgraph-compare), ROUNDS, DURATION, MIXES,
# NEO4J_PORT (default 17691; the instance lives in $OUT/neo4j and is stopped
# at the end; the shared development server is never touched).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
HERE="$ROOT/bench/neo4j-graphql"
OUT="${OUT:-/tmp/normgraph-compare}"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10s}"
MIXES="${MIXES:-lookup hop1 traversal}"
NEO4J_PORT="${NEO4J_PORT:-17691}"
mkdir -p "$OUT"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

export NORMGRAPH_NEO4J_HOME="$OUT/neo4j" NORMGRAPH_NEO4J_BOLT_PORT="$NEO4J_PORT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$ROOT/scripts/neo4j/neo4j.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$ROOT/scripts/neo4j/neo4j.sh" stop >/dev/null 2>&1 || true
rm -rf "$OUT/neo4j" && mkdir -p "$OUT/neo4j"
ln -s "${XDG_CACHE_HOME:-$HOME/.cache}/normgraph/neo4j-5.26.30/lib" "$OUT/neo4j/lib"
eval "$("$ROOT/scripts/neo4j/neo4j.sh" start)"
NEO4J_PID="$(cat "$OUT/neo4j/run/normgraph-neo4j.pid")"

BIN="$OUT/normgraph"
(cd "$ROOT" && go build -o "$BIN" ./cmd/normgraph)
"$BIN" seed >"$OUT/seed.txt" 2>&1
[[ -d "$HERE/node_modules" ]] || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NG_PORT="$(free_port)"
JS_PORT="$(free_port)"
"$BIN" serve --addr "127.0.0.1:$NG_PORT" --log-level warn >"$OUT/serve-normgraph.log" 2>&1 &
NG_PID=$!
PIDS+=("$NG_PID")
(cd "$HERE" && PORT="$JS_PORT" exec node server.mjs >"$OUT/serve-js.log" 2>&1) &
JS_PID=$!
PIDS+=("$JS_PID")
echo "$NG_PORT $JS_PORT" >"$OUT/ports"
for port in "$NG_PORT" "$JS_PORT"; do
  for ((i = 0; i < 300; i++)); do
    curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' \
      "http://127.0.0.1:$port/graphql" 2>/dev/null && break
    sleep 0.2
  done
done

bench() { # SERVER MIX [args]
  local s="$1" m="$2"; shift 2
  if [[ $s == normgraph ]]; then
    "$BIN" bench --url "http://127.0.0.1:$NG_PORT/graphql" --vars "$HERE/normgraph-vars.json" --mix "$m" --concurrency 16 "$@"
  else
    "$BIN" bench --url "http://127.0.0.1:$JS_PORT/graphql" --queries "$HERE/queries" --mix "$m" --concurrency 16 "$@"
  fi
}
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; } # utime+stime, clock ticks

for m in $MIXES; do for s in normgraph js; do bench "$s" "$m" --duration 5s >/dev/null 2>&1; done; done

SUMMARY="$OUT/summary.md"
{
  echo "| server | mix | round | req/s | p50 ms | p95 ms | p99 ms | errors | load before → after | Neo4j CPU ms/req | server CPU ms/req |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$SUMMARY"
hz="$(getconf CLK_TCK)"
for ((r = 1; r <= ROUNDS; r++)); do
  for m in $MIXES; do
    order="normgraph js"
    ((r % 2)) || order="js normgraph"
    for s in $order; do
      pid="$NG_PID"
      [[ $s == js ]] && pid="$(pgrep -f "node server.mjs" -n)"
      before="$(cut -d' ' -f1 /proc/loadavg)"
      n0="$(cpu "$NEO4J_PID")"; s0="$(cpu "$pid")"
      bench "$s" "$m" --duration "$DURATION" --json >"$OUT/$s-$m-$r.json"
      n1="$(cpu "$NEO4J_PID")"; s1="$(cpu "$pid")"
      after="$(cut -d' ' -f1 /proc/loadavg)"
      name="$s"; [[ $s == js ]] && name='`@neo4j/graphql`'
      jq -r --arg s "$name" --arg m "$m" --arg r "$r" --arg l "$before → $after" \
        --argjson nc "$((n1 - n0))" --argjson sc "$((s1 - s0))" --argjson hz "$hz" \
        '.total | "| \($s) | \($m) | \($r) | \(.throughput_rps*10|round/10) | \(.latency_ms.p50*100|round/100) | \(.latency_ms.p95*100|round/100) | \(.latency_ms.p99*100|round/100) | \(.errors) / \(.requests) | \($l) | \(($nc*1000/$hz/.requests)*100|round/100) | \(($sc*1000/$hz/.requests)*100|round/100) |"' \
        "$OUT/$s-$m-$r.json" | tee -a "$SUMMARY"
    done
  done
done
log "done: $SUMMARY"
