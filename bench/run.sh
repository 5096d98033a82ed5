#!/usr/bin/env bash
# Measures normgraph the way bench/README.md reports it: builds the binary,
# serves each configuration on loopback, replays the query mixes with
# `normgraph bench`, and records start-up time and memory. Every report is
# kept as JSON under $OUT, and a summary table (Markdown) is printed at the end.
#
#   bench/run.sh                      # embedded graph: curated + synthetic sizes
#   bench/run.sh embedded neo4j       # also Neo4j (a private instance, see below)
#   DURATION=20s MIXES="lookup traversal" bench/run.sh embedded
#
# Parts: embedded (curated data), synthetic (scale 1, 10, 100 on the embedded
# graph), neo4j (curated data seeded into a fresh private Neo4j), neo4j-synthetic
# (each synthetic scale seeded into a fresh private Neo4j). Default: embedded synthetic.
#
# Environment:
#   OUT          where reports and logs go (default /tmp/normgraph-bench)
#   DURATION     measuring time per mix (default 10s); CONCURRENCY (default 16)
#   MIXES        mixes for the curated runs (default: lookup hop1 traversal search graph analyst)
#   SYN_MIXES    mixes for the synthetic runs (default: lookup hop1 traversal)
#   SCALES       synthetic scales (default: 1 10 100)
#   NEO4J_WARMUP unreported load on a Neo4j server before its measured runs
#                (default 240s: its JIT keeps improving for minutes; after 90 s
#                three-level traversals still ran a third slower at p99)
#   NEO4J_PORT   Bolt port of the private Neo4j (default 17690); it lives in
#                $OUT/neo4j-home and is stopped and deleted at the end. The
#                shared development server (7687) is never touched.
#
# The numbers depend on what else the machine runs: the 1-minute load average
# before and after every run is recorded next to it.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
OUT="${OUT:-/tmp/normgraph-bench}"
DURATION="${DURATION:-10s}"
CONCURRENCY="${CONCURRENCY:-16}"
MIXES="${MIXES:-lookup hop1 traversal search graph analyst}"
SYN_MIXES="${SYN_MIXES:-lookup hop1 traversal}"
SCALES="${SCALES:-1 10 100}"
NEO4J_PORT="${NEO4J_PORT:-17690}"
NEO4J_WARMUP="${NEO4J_WARMUP:-240s}"
PARTS=("$@")
((${#PARTS[@]})) || PARTS=(embedded synthetic)

mkdir -p "$OUT"
BIN="$OUT/normgraph"
SUMMARY="$OUT/summary.md"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }

log "building $BIN"
(cd "$ROOT" && go build -o "$BIN" ./cmd/normgraph)
: >"$SUMMARY"
rm -f "$OUT/memory.txt" "$OUT/seed.txt"
{
  echo "normgraph bench/run.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, commit $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet || echo ' (+ uncommitted changes)')"
  echo
  echo "| setup | mix | req/s | p50 ms | p95 ms | p99 ms | errors | load before → after |"
  echo "|---|---|---|---|---|---|---|---|"
} >>"$SUMMARY"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -d "$OUT/neo4j-home" ]]; then
    NORMGRAPH_NEO4J_HOME="$OUT/neo4j-home" NORMGRAPH_NEO4J_BOLT_PORT="$NEO4J_PORT" \
      "$ROOT/scripts/neo4j/neo4j.sh" stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve NAME ARGS...: starts `normgraph serve` and waits until it answers.
serve() {
  local name="$1"; shift
  PORT="$(free_port)"
  "$BIN" serve --addr "127.0.0.1:$PORT" --log-format json --playground=false "$@" >"$OUT/$name.serve.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i
  for ((i = 0; i < 600; i++)); do
    if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/$name.serve.log" >&2; return 1; }
    sleep 0.2
  done
  log "$name: server not ready"; return 1
}

# warm MIX [bench args...]: an unreported run, so that Neo4j's query caches and
# JIT are warm before the measured ones. Neo4j keeps getting faster for over a
# minute of load (its JIT), hence NEO4J_WARMUP.
warm() {
  local mix="$1"; shift
  "$BIN" bench --url "http://127.0.0.1:$PORT/graphql" --mix "$mix" --duration "$NEO4J_WARMUP" \
    --concurrency "$CONCURRENCY" "$@" >/dev/null 2>&1
}

stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

mem() { awk '/^(VmRSS|VmHWM)/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$SERVER_PID/status"; }

# run SETUP MIX [bench args...]
run() {
  local setup="$1" mix="$2"; shift 2
  local before after f="$OUT/$setup-$mix.json"
  before="$(load)"
  "$BIN" bench --url "http://127.0.0.1:$PORT/graphql" --mix "$mix" --duration "$DURATION" \
    --concurrency "$CONCURRENCY" --json "$@" >"$f"
  after="$(load)"
  jq -r --arg s "$setup" --arg m "$mix" --arg l "$before → $after" \
    '.total | "| \($s) | \($m) | \(.throughput_rps*10|round/10) | \(.latency_ms.p50*100|round/100) | \(.latency_ms.p95*100|round/100) | \(.latency_ms.p99*100|round/100) | \(.errors) / \(.requests) | \($l) |"' \
    "$f" | tee -a "$SUMMARY"
}

part_embedded() {
  serve embedded-curated
  log "embedded, curated: $(mem)"
  for m in $MIXES; do run embedded-curated "$m"; done
  echo "embedded-curated memory after the runs: $(mem)" >>"$OUT/memory.txt"
  stop_server
}

part_synthetic() {
  local n
  for n in $SCALES; do
    local dir="$OUT/syn-$n"
    [[ -f "$dir/bench-vars.json" ]] || "$BIN" gen --out "$dir" --scale "$n" >/dev/null
    serve "embedded-syn-$n" --data "$dir"
    {
      echo "embedded syn-$n after start-up: $(mem)"
      jq -r 'select(.message=="data loaded" or .message=="embedded graph ready") | "  \(.message): \(.elapsed|round) ms"' \
        "$OUT/embedded-syn-$n.serve.log"
    } >>"$OUT/memory.txt"
    for m in $SYN_MIXES; do run "embedded-syn-$n" "$m" --vars "$dir/bench-vars.json"; done
    echo "embedded syn-$n after the runs: $(mem)" >>"$OUT/memory.txt"
    stop_server
  done
}

# fresh_neo4j: a new, empty private instance.
fresh_neo4j() {
  local home="$OUT/neo4j-home"
  export NORMGRAPH_NEO4J_HOME="$home" NORMGRAPH_NEO4J_BOLT_PORT="$NEO4J_PORT"
  "$ROOT/scripts/neo4j/neo4j.sh" stop >/dev/null 2>&1 || true
  rm -rf "$home"
  mkdir -p "$home"
  ln -s "${XDG_CACHE_HOME:-$HOME/.cache}/normgraph/neo4j-5.26.30/lib" "$home/lib"
  eval "$("$ROOT/scripts/neo4j/neo4j.sh" start)"
}

# seed_timed LABEL [--data DIR]
seed_timed() {
  local label="$1"; shift
  local before; before="$(load)"
  "$BIN" seed "$@" >"$OUT/seed-$label.txt" 2>"$OUT/seed-$label.log"
  echo "seed $label (load $before → $(load)):" >>"$OUT/seed.txt"
  sed 's/^/  /' "$OUT/seed-$label.txt" >>"$OUT/seed.txt"
}

part_neo4j() {
  fresh_neo4j
  seed_timed curated-fresh
  seed_timed curated-noop
  serve neo4j-curated
  warm analyst
  for m in $MIXES; do run neo4j-curated "$m"; done
  stop_server
}

# part_neo4j_synthetic: each synthetic scale in a fresh private Neo4j, so that
# seeding times and query costs of the sizes can be compared.
part_neo4j_synthetic() {
  local n
  for n in $SCALES; do
    local dir="$OUT/syn-$n"
    [[ -f "$dir/bench-vars.json" ]] || "$BIN" gen --out "$dir" --scale "$n" >/dev/null
    fresh_neo4j
    seed_timed "syn-$n-fresh" --data "$dir"
    seed_timed "syn-$n-noop" --data "$dir"
    serve "neo4j-syn-$n"
    warm analyst --vars "$dir/bench-vars.json"
    for m in $SYN_MIXES; do run "neo4j-syn-$n" "$m" --vars "$dir/bench-vars.json"; done
    stop_server
  done
}

for p in "${PARTS[@]}"; do
  case "$p" in
    embedded) part_embedded ;;
    synthetic) part_synthetic ;;
    neo4j) part_neo4j ;;
    neo4j-synthetic) part_neo4j_synthetic ;;
    *) echo "unknown part $p (embedded, synthetic, neo4j, neo4j-synthetic)" >&2; exit 2 ;;
  esac
done

for f in memory.txt seed.txt; do
  [[ -f "$OUT/$f" ]] && { echo; echo '```'; cat "$OUT/$f"; echo '```'; } >>"$SUMMARY"
done
log "done: $SUMMARY"
cat "$SUMMARY"
