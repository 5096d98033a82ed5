// Package loadgen measures a normgraph server under a realistic read load:
// it replays a weighted mix of analyst queries (package bench holds them)
// from concurrent workers over keep-alive connections and reports
// throughput and latency percentiles per query. It is the engine of
// `normgraph bench`; the numbers it gives are only meaningful against a
// server on the same machine, which is also all it loads unless told
// otherwise (see CheckURL).
package loadgen
