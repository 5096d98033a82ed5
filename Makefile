# normgraph developer tasks. `make test` is what CI runs.
GO ?= go

.PHONY: run test test-go generate check-generate vet neo4j-start neo4j-stop neo4j-status build

run:
	$(GO) run ./cmd/normgraph serve

build:
	$(GO) build -o bin/normgraph ./cmd/normgraph

## test: everything, against a real local Neo4j (started and stopped here unless NEO4J_URI is set)
test:
	scripts/test.sh

## test-go: only the Go tests, against whatever NEO4J_URI points at (Neo4j tests skip if unset)
test-go:
	$(GO) test ./...

generate:
	$(GO) generate ./...

## check-generate: generated code must match the schema
check-generate:
	$(GO) generate ./...
	git diff --exit-code -- graph/

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1)

neo4j-start:
	@scripts/neo4j/neo4j.sh start

neo4j-stop:
	@scripts/neo4j/neo4j.sh stop

neo4j-status:
	@scripts/neo4j/neo4j.sh status
