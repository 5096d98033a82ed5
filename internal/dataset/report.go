package dataset

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// ReportData is what `normgraph validate --report` tells curators about a
// dataset: how big it is, how well sourced, and how fresh each list is.
type ReportData struct {
	// Stats counts sources, entities per kind and relationships per type.
	Stats *normgraph.Stats
	// EntitiesWithSources and RelationsWithSources count those citing at
	// least one source; a valid dataset cites on everything, a store may not.
	EntitiesWithSources  int
	RelationsWithSources int
	// Lists gives, for every group of relationships of one type to one
	// entity whose sources carry an as-of date, that date: how current the
	// list (e.g. NATO's members) is. Ordered by type, then target id.
	Lists []ListAsOf
}

// ListAsOf is the freshness of one list: the relationships of one type to
// one entity, as of the newest asOf among the sources they cite.
type ListAsOf struct {
	Type      normgraph.RelationType
	To        string
	Relations int
	AsOf      normgraph.Date
}

// Report summarises ds for curators.
func Report(ds *normgraph.Dataset) *ReportData {
	r := &ReportData{Stats: ds.Stats()}
	asOf := make(map[string]normgraph.Date, len(ds.Sources))
	for _, s := range ds.Sources {
		if s.AsOf != nil && !s.AsOf.IsZero() {
			asOf[s.ID] = *s.AsOf
		}
	}
	for _, e := range ds.Entities {
		if len(e.Base().SourceIDs) > 0 {
			r.EntitiesWithSources++
		}
	}
	type key struct {
		t  normgraph.RelationType
		to string
	}
	groups := map[key]*ListAsOf{}
	for _, rel := range ds.Relations {
		if len(rel.SourceIDs) > 0 {
			r.RelationsWithSources++
		}
		k := key{rel.Type, rel.To}
		g := groups[k]
		if g == nil {
			g = &ListAsOf{Type: rel.Type, To: rel.To}
			groups[k] = g
		}
		g.Relations++
		for _, id := range rel.SourceIDs {
			if d, ok := asOf[id]; ok && newer(d, g.AsOf) {
				g.AsOf = d
			}
		}
	}
	for _, g := range groups {
		if !g.AsOf.IsZero() {
			r.Lists = append(r.Lists, *g)
		}
	}
	typeOrder := func(t normgraph.RelationType) int { return slices.Index(normgraph.RelationTypes, t) }
	slices.SortFunc(r.Lists, func(a, b ListAsOf) int {
		return cmp.Or(cmp.Compare(typeOrder(a.Type), typeOrder(b.Type)), cmp.Compare(a.To, b.To))
	})
	return r
}

// newer reports whether d is a later date than e; at the same first day the
// more precise one wins, so the result does not depend on input order.
func newer(d, e normgraph.Date) bool {
	if e.IsZero() {
		return true
	}
	return e.Before(d) || (!d.Before(e) && d.Precision() > e.Precision())
}

// EntitySourceShare is the percentage of entities that cite a source.
func (r *ReportData) EntitySourceShare() float64 {
	return percent(r.EntitiesWithSources, r.Stats.Entities)
}

// RelationSourceShare is the percentage of relationships that cite a source.
func (r *ReportData) RelationSourceShare() float64 {
	return percent(r.RelationsWithSources, r.Stats.Relations)
}

// percent of an empty set is 100: nothing is missing a source.
func percent(n, of int) float64 {
	if of == 0 {
		return 100
	}
	return 100 * float64(n) / float64(of)
}

// WriteTo writes the report as text, the same for the same dataset.
func (r *ReportData) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, r.String())
	return int64(n), err
}

// String formats the report as text for a terminal.
func (r *ReportData) String() string {
	var b strings.Builder
	st := r.Stats
	fmt.Fprintf(&b, "dataset %s\n", st.DatasetVersion)
	fmt.Fprintf(&b, "sources: %d\n", st.Sources)
	fmt.Fprintf(&b, "entities: %d\n", st.Entities)
	for _, k := range st.ByKind {
		fmt.Fprintf(&b, "  %-16s %7d\n", k.Kind, k.Count)
	}
	fmt.Fprintf(&b, "relationships: %d\n", st.Relations)
	for _, t := range st.ByRelation {
		fmt.Fprintf(&b, "  %-16s %7d\n", t.Type, t.Count)
	}
	fmt.Fprintf(&b, "entities with sources: %d of %d (%.1f%%)\n", r.EntitiesWithSources, st.Entities, r.EntitySourceShare())
	fmt.Fprintf(&b, "relationships with sources: %d of %d (%.1f%%)\n", r.RelationsWithSources, st.Relations, r.RelationSourceShare())
	if len(r.Lists) == 0 {
		b.WriteString("lists with an as-of date: none\n")
		return b.String()
	}
	b.WriteString("lists with an as-of date (newest asOf of the sources they cite):\n")
	for _, l := range r.Lists {
		noun := "relationships"
		if l.Relations == 1 {
			noun = "relationship"
		}
		fmt.Fprintf(&b, "  %s %s: %d %s, as of %s\n", l.Type, l.To, l.Relations, noun, l.AsOf)
	}
	return b.String()
}
