package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ReportFormat identifies the JSON layout of Report. It changes only when a
// field is renamed or removed (adding fields keeps it), so scripts that
// compare runs over time can tell whether two files are comparable.
const ReportFormat = "normgraph-bench/1"

// Report is the outcome of a run, written as a table or as JSON with the
// field names given in the tags (documented in bench/README.md). Latencies
// are milliseconds and cover successful requests only: a fast "503 busy"
// must not make a server look quicker. Throughput counts every completed
// request, successful or not, over the measured time.
type Report struct {
	Format      string    `json:"format"`
	URL         string    `json:"url"`
	Mix         string    `json:"mix"`
	Concurrency int       `json:"concurrency"`
	Seed        uint64    `json:"seed"`
	StartedAt   time.Time `json:"started_at"`
	// WarmupSeconds is the configured unmeasured warm-up.
	WarmupSeconds float64 `json:"warmup_s"`
	// DurationLimit is the configured measuring time (0: none).
	DurationLimit float64 `json:"duration_s"`
	// MaxRequests is the configured request budget (0: none).
	MaxRequests int64 `json:"max_requests"`
	// ElapsedSeconds is the measured time: from the end of the warm-up to
	// the last answer, throughputs divide by it.
	ElapsedSeconds float64 `json:"elapsed_s"`
	// Interrupted is true when the run was cancelled (Ctrl-C) before its end.
	Interrupted bool `json:"interrupted"`
	// Total sums every query of the mix.
	Total Result `json:"total"`
	// Queries are in query-name order.
	Queries []Result `json:"queries"`
}

// Result is the tally of one query, or of the whole mix.
type Result struct {
	Name string `json:"name"`
	// Weight in the mix; 0 for the total.
	Weight   int   `json:"weight"`
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`
	// Throughput is requests per second.
	Throughput float64 `json:"throughput_rps"`
	// BytesIn is the response bodies' total size.
	BytesIn int64   `json:"bytes_in"`
	Latency Latency `json:"latency_ms"`
	// ErrorSamples are the first distinct error messages seen, most
	// frequent first; OtherErrors counts the errors with other messages.
	ErrorSamples []ErrorSample `json:"error_samples"`
	OtherErrors  int64         `json:"other_errors"`
}

// Latency summarises the successful requests' latencies in milliseconds.
// Percentiles are nearest-rank, within 0.4% of the exact sample; min, mean
// and max are exact. All zero when nothing succeeded.
type Latency struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// ErrorSample is one distinct error message and how often it came.
type ErrorSample struct {
	Message string `json:"message"`
	Count   int64  `json:"count"`
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as a fixed-width table for a terminal or a
// pasted comment, error messages below it.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	limit := fmt.Sprintf("%gs", r.DurationLimit)
	if r.MaxRequests > 0 {
		limit = fmt.Sprintf("%s / %d requests", limit, r.MaxRequests)
	}
	fmt.Fprintf(&b, "normgraph bench  %s  mix=%s  concurrency=%d  seed=%d\n", r.URL, r.Mix, r.Concurrency, r.Seed)
	fmt.Fprintf(&b, "measured %.3fs (limit %s, warm-up %gs)", r.ElapsedSeconds, limit, r.WarmupSeconds)
	if r.Interrupted {
		b.WriteString("  INTERRUPTED")
	}
	b.WriteString("\n\n")

	nameWidth := len("TOTAL")
	for _, q := range r.Queries {
		nameWidth = max(nameWidth, len(q.Name))
	}
	fmt.Fprintf(&b, "%-*s %6s %10s %8s %10s %9s %9s %9s %9s\n", nameWidth,
		"QUERY", "WEIGHT", "REQUESTS", "ERRORS", "REQ/S", "P50 ms", "P95 ms", "P99 ms", "MAX ms")
	row := func(res Result, weight string) {
		fmt.Fprintf(&b, "%-*s %6s %10d %8d %10.1f %9.3f %9.3f %9.3f %9.3f\n", nameWidth,
			res.Name, weight, res.Requests, res.Errors, res.Throughput,
			res.Latency.P50, res.Latency.P95, res.Latency.P99, res.Latency.Max)
	}
	for _, q := range r.Queries {
		row(q, fmt.Sprint(q.Weight))
	}
	b.WriteString(strings.Repeat("-", nameWidth+1+6+1+10+1+8+1+10+4*10) + "\n")
	row(r.Total, "")

	if r.Total.Errors > 0 {
		b.WriteString("\nerrors:\n")
		for _, q := range r.Queries {
			for _, s := range q.ErrorSamples {
				fmt.Fprintf(&b, "  %-*s %8d  %s\n", nameWidth, q.Name, s.Count, s.Message)
			}
			if q.OtherErrors > 0 {
				fmt.Fprintf(&b, "  %-*s %8d  (other messages)\n", nameWidth, q.Name, q.OtherErrors)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
