// Package systemtest holds normgraph's system tests: they run the service the
// way it runs in production (the real binary or the real HTTP handler, over
// real TCP on loopback, against the embedded graph and a real Neo4j) and check
// properties no unit test can see:
//
//   - TestNeo4jOutage: with Neo4j stopped under it, the server answers fast
//     with DATABASE_UNAVAILABLE, /readyz says 503 while /livez stays 200, and
//     it recovers on its own when Neo4j comes back. It starts a private Neo4j
//     (scripts/neo4j/neo4j.sh with its own home and port) so that stopping it
//     disturbs no other test.
//   - TestGracefulShutdown: `normgraph serve` under concurrent load finishes
//     every request started before SIGTERM, exits 0 within its shutdown
//     timeout and logs that it stopped.
//   - TestLoad: the analyst mix of `normgraph bench` (internal/loadgen) runs
//     for a few seconds against each backend with default limits without a
//     single error.
//   - FuzzGraphQLArguments: arbitrary argument values sent through the HTTP
//     handler never cause a panic, a 5xx or an INTERNAL error, and every
//     error carries a documented extensions.code and a message.
//
// Neo4j tests follow neo4jstore.TestConfig's rules: they skip when no Neo4j is
// configured, unless NORMGRAPH_REQUIRE_NEO4J is set (make test and CI set
// it), and then they fail instead. The package holds no production code.
package systemtest
