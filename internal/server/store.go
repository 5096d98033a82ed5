package server

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// storeMethods are the normgraph.Store methods, as the metrics name them.
var storeMethods = []string{
	"Entities", "Sources", "CountriesByCode", "List", "ListSources", "Related",
	"Search", "ShortestPath", "Neighborhood", "Subgraph", "Stats", "Ping", "Batch",
}

// instrumentedStore times, counts and traces every call to the store it
// wraps. It sits under the dataloaders, so it sees the batched calls the
// database really gets, not the per-field loads.
type instrumentedStore struct {
	next    normgraph.Store
	metrics *metrics
	// tracer is nil when tracing is off: no span is started at all.
	tracer trace.Tracer
}

var _ normgraph.Store = (*instrumentedStore)(nil)

// instrument runs one store call with its metrics and span.
func instrument[T any](s *instrumentedStore, ctx context.Context, method string, keys int,
	call func(context.Context) (T, error)) (T, error) {
	var span trace.Span
	if s.tracer != nil {
		attrs := []attribute.KeyValue{attribute.String("normgraph.store.method", method)}
		if keys >= 0 {
			attrs = append(attrs, attribute.Int("normgraph.store.keys", keys))
		}
		ctx, span = s.tracer.Start(ctx, "Store."+method,
			trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	}
	start := time.Now()
	outcome := "panic"
	defer func() {
		// Deferred so that a panicking store is still counted and its span
		// ended; the panic goes on up to the resolver's recover.
		s.metrics.observeStoreCall(method, outcome, time.Since(start))
		if span != nil {
			if outcome != "ok" {
				span.SetAttributes(attribute.String("normgraph.store.outcome", outcome))
			}
			span.End()
		}
	}()
	v, err := call(ctx)
	outcome = storeOutcome(err)
	if span != nil && err != nil {
		// The client-safe message only: spans leave the process.
		span.SetStatus(codes.Error, normgraph.ErrorMessage(err))
	}
	return v, err
}

// storeOutcome classifies an error by its domain code; deadlines and
// cancellations that the store did not wrap count as what they are.
func storeOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.DeadlineExceeded):
		return normgraph.ETIMEOUT
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return normgraph.ErrorCode(err)
	}
}

// noKeys marks a call that takes no list of ids.
const noKeys = -1

// Entities implements normgraph.Store.
func (s *instrumentedStore) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	return instrument(s, ctx, "Entities", len(ids), func(ctx context.Context) ([]normgraph.Entity, error) {
		return s.next.Entities(ctx, ids)
	})
}

// Sources implements normgraph.Store.
func (s *instrumentedStore) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	return instrument(s, ctx, "Sources", len(ids), func(ctx context.Context) ([]*normgraph.Source, error) {
		return s.next.Sources(ctx, ids)
	})
}

// CountriesByCode implements normgraph.Store.
func (s *instrumentedStore) CountriesByCode(ctx context.Context, codes []string) ([]*normgraph.Country, error) {
	return instrument(s, ctx, "CountriesByCode", len(codes), func(ctx context.Context) ([]*normgraph.Country, error) {
		return s.next.CountriesByCode(ctx, codes)
	})
}

// List implements normgraph.Store.
func (s *instrumentedStore) List(ctx context.Context, kind normgraph.EntityKind, filter normgraph.Filter, page normgraph.PageArgs) (*normgraph.Page, error) {
	return instrument(s, ctx, "List", noKeys, func(ctx context.Context) (*normgraph.Page, error) {
		return s.next.List(ctx, kind, filter, page)
	})
}

// ListSources implements normgraph.Store.
func (s *instrumentedStore) ListSources(ctx context.Context, page normgraph.PageArgs) (*normgraph.Page, error) {
	return instrument(s, ctx, "ListSources", noKeys, func(ctx context.Context) (*normgraph.Page, error) {
		return s.next.ListSources(ctx, page)
	})
}

// Related implements normgraph.Store.
func (s *instrumentedStore) Related(ctx context.Context, ids []string, t normgraph.Traversal, page normgraph.PageArgs) ([]*normgraph.Page, error) {
	return instrument(s, ctx, "Related", len(ids), func(ctx context.Context) ([]*normgraph.Page, error) {
		return s.next.Related(ctx, ids, t, page)
	})
}

// Search implements normgraph.Store.
func (s *instrumentedStore) Search(ctx context.Context, q normgraph.SearchQuery) ([]normgraph.SearchHit, error) {
	return instrument(s, ctx, "Search", noKeys, func(ctx context.Context) ([]normgraph.SearchHit, error) {
		return s.next.Search(ctx, q)
	})
}

// ShortestPath implements normgraph.Store.
func (s *instrumentedStore) ShortestPath(ctx context.Context, q normgraph.PathQuery) (*normgraph.Path, error) {
	return instrument(s, ctx, "ShortestPath", noKeys, func(ctx context.Context) (*normgraph.Path, error) {
		return s.next.ShortestPath(ctx, q)
	})
}

// Neighborhood implements normgraph.Store.
func (s *instrumentedStore) Neighborhood(ctx context.Context, q normgraph.NeighborhoodQuery) (*normgraph.Subgraph, error) {
	return instrument(s, ctx, "Neighborhood", noKeys, func(ctx context.Context) (*normgraph.Subgraph, error) {
		return s.next.Neighborhood(ctx, q)
	})
}

// Subgraph implements normgraph.Store.
func (s *instrumentedStore) Subgraph(ctx context.Context, q normgraph.SubgraphQuery) (*normgraph.Subgraph, error) {
	return instrument(s, ctx, "Subgraph", noKeys, func(ctx context.Context) (*normgraph.Subgraph, error) {
		return s.next.Subgraph(ctx, q)
	})
}

// Stats implements normgraph.Store.
func (s *instrumentedStore) Stats(ctx context.Context) (*normgraph.Stats, error) {
	return instrument(s, ctx, "Stats", noKeys, func(ctx context.Context) (*normgraph.Stats, error) {
		return s.next.Stats(ctx)
	})
}

// Batch implements normgraph.Batcher. A store that batches natively is
// timed as one "Batch" call, which is what its database sees; for any other
// store the batch is split into the plain methods of this wrapper, so that
// each of them is counted as before.
func (s *instrumentedStore) Batch(ctx context.Context, b normgraph.Batch) (*normgraph.BatchResult, error) {
	bs, ok := s.next.(normgraph.Batcher)
	if !ok {
		return normgraph.BatchEach(ctx, s, b)
	}
	return instrument(s, ctx, "Batch", b.Keys(), func(ctx context.Context) (*normgraph.BatchResult, error) {
		return bs.Batch(ctx, b)
	})
}

// Ping implements normgraph.Store.
func (s *instrumentedStore) Ping(ctx context.Context) error {
	_, err := instrument(s, ctx, "Ping", noKeys, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.next.Ping(ctx)
	})
	return err
}
