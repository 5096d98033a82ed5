package memstore

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// rel is one relationship as the store keeps it: 20 bytes, where a
// *normgraph.Relation takes some 130 with its pointer. Property values
// repeat a great deal (dates, roles, source lists shared by whole files), so
// each is an index into a table of distinct values, and a
// *normgraph.Relation is built only for the relationships an answer returns.
//
// The dated properties go one step further: the synthetic million-
// relationship set holds 22,000 distinct dates but under 100,000 distinct
// (since, until, role, note) combinations, so one index to a propSet costs
// less than four indices in every record. Source lists vary more (a
// combination with them is distinct for 40% of the relationships there)
// and keep their own index.
type rel struct {
	from, to int32  // entity indices
	props    uint32 // index into relTable.props
	sources  uint32 // index into relTable.srcLists
	typ      uint8  // relIndex
}

// propSet is one distinct combination of a relationship's dates, role and
// note, each itself an index into a table of distinct values.
type propSet struct {
	// sinceKey and untilKey bound the days the relationship is in force,
	// as Unix seconds of since's and until's first days, so that an asOf
	// test is two integer comparisons; no bound is MinInt64 and MaxInt64.
	sinceKey, untilKey int64
	propKey
}

// propKey is what makes two propSets the same.
type propKey struct {
	since, until uint32 // indices into relTable.dates; noDate when absent
	role, note   uint32 // indices into relTable.strs; 0 is ""
}

// Reserved indices of relTable.dates: absent (a nil *Date) and the zero
// Date, which bounds nothing but is returned as given.
const (
	noDate   = 0
	zeroDate = 1
)

// relTable holds the relationships and the distinct values they refer to.
// All of it is immutable after New; the dates, strings and source lists are
// handed out shared, as the dataset's own values used to be.
type relTable struct {
	rels     []rel
	props    []propSet
	dates    []normgraph.Date
	strs     []string
	srcLists [][]string
}

// relTableBuilder deduplicates values while a Builder copies relationships in.
type relTableBuilder struct {
	t       relTable
	propIdx map[propKey]uint32
	dateIdx map[dateKey]uint32
	strIdx  map[string]uint32
	srcIdx  map[string]uint32
	keyBuf  []byte
	// srcSeen short-cuts lists met before as the very same slice: the
	// loader shares one list between all rows that cite the same sources,
	// and a pointer hashes faster than the ids.
	srcSeen map[srcSlice]uint32
}

// srcSlice identifies a source list by its memory, not its content.
type srcSlice struct {
	first *string
	n     int
}

type dateKey struct {
	sec  int64
	prec normgraph.Precision
}

func newRelTableBuilder(n int) *relTableBuilder {
	return &relTableBuilder{
		t: relTable{
			rels:     make([]rel, 0, n),
			dates:    []normgraph.Date{{}, {}}, // noDate, zeroDate
			strs:     []string{""},
			srcLists: [][]string{nil},
		},
		propIdx: map[propKey]uint32{},
		dateIdx: map[dateKey]uint32{},
		strIdx:  map[string]uint32{"": 0},
		srcIdx:  map[string]uint32{},
		srcSeen: map[srcSlice]uint32{},
	}
}

func (b *relTableBuilder) date(d *normgraph.Date) uint32 {
	if d == nil {
		return noDate
	}
	if d.IsZero() {
		return zeroDate
	}
	k := dateKey{sec: d.Time().Unix(), prec: d.Precision()}
	i, ok := b.dateIdx[k]
	if !ok {
		i = uint32(len(b.t.dates))
		b.dateIdx[k] = i
		b.t.dates = append(b.t.dates, *d)
	}
	return i
}

func (b *relTableBuilder) str(s string) uint32 {
	i, ok := b.strIdx[s]
	if !ok {
		// A copy: s may share its bytes with a whole data file.
		s = strings.Clone(s)
		i = uint32(len(b.t.strs))
		b.strIdx[s] = i
		b.t.strs = append(b.t.strs, s)
	}
	return i
}

func (b *relTableBuilder) sources(ids []string) uint32 {
	if ids == nil {
		return 0
	}
	var seen srcSlice
	if len(ids) > 0 {
		seen = srcSlice{first: &ids[0], n: len(ids)}
		if i, ok := b.srcSeen[seen]; ok {
			return i
		}
	}
	// Length-prefixed, so no two lists share a key whatever their ids hold.
	key := b.keyBuf[:0]
	key = binary.AppendUvarint(key, uint64(len(ids)))
	for _, id := range ids {
		key = binary.AppendUvarint(key, uint64(len(id)))
		key = append(key, id...)
	}
	b.keyBuf = key
	i, ok := b.srcIdx[string(key)]
	if !ok {
		i = uint32(len(b.t.srcLists))
		b.srcIdx[string(key)] = i
		// A copy exactly as long as the list: the caller's list stays
		// theirs, and a caller appending to a returned list cannot write
		// into ours.
		own := make([]string, len(ids))
		for j, id := range ids {
			own[j] = b.t.strs[b.str(id)] // interned with roles and notes
		}
		b.t.srcLists = append(b.t.srcLists, own)
	}
	if seen.first != nil {
		b.srcSeen[seen] = i
	}
	return i
}

func (b *relTableBuilder) props(r *normgraph.Relation) uint32 {
	k := propKey{
		since: b.date(r.Since), until: b.date(r.Until),
		role: b.str(r.Role), note: b.str(r.Note),
	}
	i, ok := b.propIdx[k]
	if !ok {
		i = uint32(len(b.t.props))
		b.propIdx[k] = i
		p := propSet{sinceKey: math.MinInt64, untilKey: math.MaxInt64, propKey: k}
		if k.since > zeroDate {
			p.sinceKey = b.t.dates[k.since].Time().Unix()
		}
		if k.until > zeroDate {
			p.untilKey = b.t.dates[k.until].Time().Unix()
		}
		b.t.props = append(b.t.props, p)
	}
	return i
}

// add copies r in; from and to are its ends' entity indices, t its relIndex.
func (b *relTableBuilder) add(r *normgraph.Relation, from, to int32, t int) {
	b.t.rels = append(b.t.rels, rel{from: from, to: to, typ: uint8(t), props: b.props(r), sources: b.sources(r.SourceIDs)})
}

// finish returns the table and drops the deduplication maps, so that they
// are garbage before Finish allocates the adjacency indexes.
func (b *relTableBuilder) finish() relTable {
	t := b.t
	*b = relTableBuilder{}
	return t
}

func (t *relTable) date(i uint32) *normgraph.Date {
	if i == noDate {
		return nil
	}
	return &t.dates[i]
}

// inForce is normgraph.Relation.InForce on the compact form; asOf is the Unix
// second of the day asked about, ok false when no date was asked.
func (t *relTable) inForce(r int32, asOf int64, ok bool) bool {
	if !ok {
		return true
	}
	p := &t.props[t.rels[r].props]
	return p.sinceKey <= asOf && asOf < p.untilKey
}

// asOfKey turns an asOf argument into inForce's form.
func asOfKey(asOf *normgraph.Date) (int64, bool) {
	if asOf == nil || asOf.IsZero() {
		return 0, false
	}
	return asOf.Time().Unix(), true
}

// relation fills dst, which must be zero, with relationship r. The strings,
// dates and source list are shared with the store and every other answer:
// read-only. Field by field rather than as one composite value: dst is fresh
// heap memory, and a whole-struct copy into it costs a bulk write barrier
// whenever the collector runs, which is often under load.
func (s *Store) relation(r int32, dst *normgraph.Relation) {
	rc := &s.rels.rels[r]
	p := &s.rels.props[rc.props]
	dst.Type = normgraph.RelationTypes[rc.typ]
	dst.From = s.ents[rc.from].id
	dst.To = s.ents[rc.to].id
	if p.since != noDate {
		dst.Since = &s.rels.dates[p.since]
	}
	if p.until != noDate {
		dst.Until = &s.rels.dates[p.until]
	}
	if p.role != 0 {
		dst.Role = s.rels.strs[p.role]
	}
	if p.note != 0 {
		dst.Note = s.rels.strs[p.note]
	}
	dst.SourceIDs = s.rels.srcLists[rc.sources]
}

// relationID is normgraph.Relation.ID of relationship r.
func (s *Store) relationID(r int32) string {
	rc := &s.rels.rels[r]
	return normgraph.RelationID(s.ents[rc.from].id, normgraph.RelationTypes[rc.typ], s.ents[rc.to].id)
}

// graphEdge is normgraph.EdgeOf of relationship r, without building the
// Relation.
func (s *Store) graphEdge(r int32) normgraph.GraphEdge {
	rc := &s.rels.rels[r]
	p := &s.rels.props[rc.props]
	return normgraph.GraphEdge{
		ID: s.relationID(r), Type: normgraph.RelationTypes[rc.typ],
		Source: s.ents[rc.from].id, Target: s.ents[rc.to].id,
		Since: s.rels.date(p.since), Until: s.rels.date(p.until),
	}
}
