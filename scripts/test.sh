#!/usr/bin/env bash
# The whole test run (`make test`, and CI through .ci/run): generated code is
# current, vet and gofmt are clean, and every Go test passes against a real
# Neo4j. Uses NEO4J_URI when it is set; otherwise starts the local Neo4j
# (scripts/neo4j) and stops it again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

started=""
cleanup() {
	if [ -n "$started" ]; then
		scripts/neo4j/neo4j.sh stop >&2 || true
	fi
}
trap cleanup EXIT

echo "== generated code is current" >&2
go generate ./...
if ! git diff --quiet -- graph/; then
	git --no-pager diff --stat -- graph/ >&2
	echo "go generate changed graph/: commit the regenerated code" >&2
	exit 1
fi

echo "== vet and gofmt" >&2
go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed: $unformatted" >&2
	exit 1
fi

if [ -z "${NEO4J_URI:-}" ]; then
	if ! scripts/neo4j/neo4j.sh status >/dev/null 2>&1; then
		started=1
	fi
	eval "$(scripts/neo4j/neo4j.sh start)"
fi
export NORMGRAPH_REQUIRE_NEO4J=1
echo "== go test (Neo4j at $NEO4J_URI)" >&2
log=$(mktemp)
set +e
go test -count=1 -v ./... "$@" >"$log" 2>&1
status=$?
set -e
if [ "$status" -ne 0 ]; then
	echo "== go test failed; full log follows" >&2
	cat "$log"
	exit "$status"
fi
# The verbose log stays out of the way when all is well. Print each package
# with how many top-level tests passed and skipped (go test prints a package's
# output before its ok line), so a run shows that the Neo4j tests ran.
awk '
	/^--- PASS: /{pass++} /^--- SKIP: /{skip++; print}
	/^(ok|FAIL|\?) /{ if ($1 == "ok") printf "ok   %-60s %3d tests passed, %d skipped\n", $2, pass, skip; else print; pass=0; skip=0 }
' "$log"
rm -f "$log"

# Fuzz targets, each for a bounded budget, so that CI explores beyond the seed
# corpora the go test run above already replays. A failing input is written to
# the package's testdata/fuzz/<Target>/: commit it with the fix, and go test
# replays it as a regression case from then on.
#
# The budgets are execution counts (Nx), each about 10 s on a 2-core machine:
# a duration (-fuzztime 10s) can fail with a bare "context deadline exceeded"
# and no failing input when the deadline races a busy worker, a bug of Go's
# fuzzing coordinator before Go 1.27 (go.dev/issue/75804). A count has no
# deadline to race. NORMGRAPH_FUZZ_TIME overrides every budget (a count like
# 1000x, or a duration); 0 skips fuzzing.
fuzz_time="${NORMGRAPH_FUZZ_TIME:-}"
if [ "$fuzz_time" != 0 ]; then
	for target in \
		./internal/normgraph:FuzzDecodeCursor:300000x \
		./internal/normgraph:FuzzParseDate:250000x \
		./internal/dataset:FuzzLoad:4000x \
		./internal/dataset:FuzzLoadCSV:9000x \
		./internal/systemtest:FuzzGraphQLArguments:15000x; do
		IFS=: read -r pkg name budget <<<"$target"
		budget="${fuzz_time:-$budget}"
		echo "== fuzz $name ($pkg, $budget)" >&2
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" -fuzzminimizetime 1x "$pkg"
	done
fi
