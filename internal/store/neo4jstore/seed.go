package neo4jstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// SeedReport says what Seed changed and how long it took.
type SeedReport struct {
	// Nodes counts entity and source nodes; Relationships counts
	// relationships, including those removed with a deleted node.
	Nodes         SeedCounts
	Relationships SeedCounts
	// Writes is the number of changes the server reported (nodes and
	// relationships created or deleted, properties set, labels added or
	// removed). It is zero when the graph already equalled the dataset.
	Writes int
	// DatasetVersion is the version now recorded in the graph.
	DatasetVersion string
	// Elapsed is the wall time of the whole run, failed runs included.
	Elapsed time.Duration
	// Phases times each step, in the order they ran, for tuning.
	Phases []SeedPhase
}

// SeedCounts counts nodes or relationships by what Seed did to them.
type SeedCounts struct {
	Created int
	// Updated counts items whose content (or labels) changed.
	Updated int
	Deleted int
	// Unchanged counts items already as the dataset has them.
	Unchanged int
}

// SeedPhase is one timed step of Seed.
type SeedPhase struct {
	// Name says what the step did ("write relationships", ...).
	Name string
	// Rows counts what the step handled: rows written, items read.
	Rows    int
	Elapsed time.Duration
}

// SeedProgress is reported after every committed batch.
type SeedProgress struct {
	// Step names the kind of batch: "delete relationships MEMBER_OF",
	// "nodes", "relationships", ...
	Step string
	// Done and Total count the rows of this step; Total is 0 when the
	// step's size is not known in advance (the relationships of removed
	// nodes, deleted until none are left).
	Done, Total int
}

// SeedOption tunes Seed.
type SeedOption func(*seedConfig)

type seedConfig struct {
	nodeBatch, relBatch int
	writers             int
	progress            func(SeedProgress)
}

// DefaultNodeBatch and DefaultRelationshipBatch are the rows per write
// transaction: large enough that round trips do not dominate, small enough
// that a transaction's state fits a small server heap.
const (
	DefaultNodeBatch         = 5000
	DefaultRelationshipBatch = 5000
)

// DefaultWriters is how many batches are written at once. The server
// applies each transaction on one core; two keep a small server busy without
// many lock conflicts between batches.
const DefaultWriters = 2

// WithBatchSize sets the rows per write transaction for nodes and
// relationships alike (n < 1 keeps the defaults). Small batches make a load
// easier to interrupt, which tests use.
func WithBatchSize(n int) SeedOption {
	return func(c *seedConfig) {
		if n > 0 {
			c.nodeBatch, c.relBatch = n, n
		}
	}
}

// WithProgress calls fn after every committed batch, one call at a time; the
// seed command reports progress with it and tests interrupt loads.
func WithProgress(fn func(SeedProgress)) SeedOption {
	return func(c *seedConfig) { c.progress = fn }
}

// relKey identifies a relationship: (from, type, to) is unique.
type relKey struct {
	t        normgraph.RelationType
	from, to string
}

// What the graph holds for a wanted node or relationship.
const (
	stateAbsent uint8 = iota
	stateSame
	stateDiffers
	stateDuplicate // the graph holds it more than once
)

// Seed makes the graph exactly equal to ds and records ds.Version(), for
// Stats.
//
// It reads what the graph holds and writes only the difference, in batched
// UNWIND transactions, deleting what ds no longer holds. Nodes carry a hash
// of their content, and each node a hash of its outgoing relationships
// (their types, ends and content): a node whose hashes match is not
// rewritten and its relationships are not even read, so a second Seed of
// the same data reads one row per node and writes nothing. Relationships
// that are read are compared by their properties. Into an empty graph it
// reads nothing more and writes with plain CREATEs. Every statement is
// idempotent, or replaced by an idempotent one when the driver retries its
// transaction, so a retry, or a rerun after an interrupted load, converges
// on the same graph. While a load is incomplete
// the graph records no version, so Stats never claims a version the data
// does not match.
//
// Seed trusts that only Seed writes the graph: a property edited behind its
// back keeps the old hash and is not noticed (relationships added or removed
// are, by their counts). Wipe, then Seed, when that may have happened.
func (s *Store) Seed(ctx context.Context, ds *normgraph.Dataset, opts ...SeedOption) (*SeedReport, error) {
	if ds == nil {
		return nil, errors.New("neo4jstore: seed: nil dataset")
	}
	cfg := seedConfig{nodeBatch: DefaultNodeBatch, relBatch: DefaultRelationshipBatch, writers: DefaultWriters}
	for _, o := range opts {
		o(&cfg)
	}
	sd := &seeder{Store: s, cfg: cfg, rep: &SeedReport{}, start: time.Now()}
	sd.sess = sd.session(ctx)
	defer sd.sess.Close(context.WithoutCancel(ctx))
	err := sd.run(ctx, ds)
	sd.rep.Elapsed = time.Since(sd.start)
	if err != nil {
		return sd.rep, err
	}
	s.log.Info().Int("nodesCreated", sd.rep.Nodes.Created).Int("nodesUpdated", sd.rep.Nodes.Updated).
		Int("nodesDeleted", sd.rep.Nodes.Deleted).Int("relsCreated", sd.rep.Relationships.Created).
		Int("relsUpdated", sd.rep.Relationships.Updated).Int("relsDeleted", sd.rep.Relationships.Deleted).
		Int("retriedBatches", sd.retries).Str("version", sd.rep.DatasetVersion).Dur("elapsed", sd.rep.Elapsed).Msg("seeded neo4j")
	return sd.rep, nil
}

type seeder struct {
	*Store
	cfg   seedConfig
	sess  neo4j.SessionWithContext
	start time.Time
	phase time.Time

	mu  sync.Mutex // guards rep and retries while writers run
	rep *SeedReport
	// retries counts batches the driver ran again.
	retries int
}

func (sd *seeder) session(ctx context.Context) neo4j.SessionWithContext {
	return sd.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:   neo4j.AccessModeWrite,
		DatabaseName: sd.db,
		// Reads through ExecuteQuery after Seed then see what Seed wrote,
		// even on a cluster.
		BookmarkManager: sd.driver.ExecuteQueryBookmarkManager(),
		FetchSize:       10000,
	})
}

func (sd *seeder) mark(name string, rows int) {
	now := time.Now()
	if sd.phase.IsZero() {
		sd.phase = sd.start
	}
	sd.rep.Phases = append(sd.rep.Phases, SeedPhase{Name: name, Rows: rows, Elapsed: now.Sub(sd.phase)})
	sd.phase = now
}

// plan is the difference between the dataset and the graph.
type plan struct {
	nodes     []nodeRow
	nodeIndex map[string]int
	nodeState []uint8
	rels      []*normgraph.Relation
	relIndex  map[relKey]int32
	relHash   []int64
	relState  []uint8

	// out lists each node's outgoing relations (indices into rels) in
	// (type, to) order: rels out[outStart[i]:outStart[i+1]] leave node i.
	outStart []int32
	out      []int32
	// adjHash is the hash of each node's outgoing relations (0 for none),
	// storedAdj what the graph records (0 for nothing), trusted whether the
	// node's outgoing relationships can be taken as equal to the dataset's
	// without reading them.
	adjHash   []int64
	storedAdj []int64
	trusted   []bool
	// eid is each node's element id in the graph, once known: read with
	// the graph, or returned by the statement that created the node.
	// Relationships are written between nodes found by element id, a
	// direct seek: the relationship phase of a 1M-relationship seed took
	// 17–28% less time than with two lookups in the id index per row.
	eid []string

	// junkNodes are element ids of nodes that are not entity or source nodes
	// as Seed writes them (no id, no :Entity, unknown labels).
	junkNodes []string
	// junkIDs are the ids among them: their relationships go with them.
	junkIDs map[string]bool
	// staleNodes are ids of entity or source nodes ds does not hold.
	staleNodes []string
	// staleRels are relationships ds does not hold, or holds once but the
	// graph more than once (all copies go, then one is created).
	staleRels    []relKey
	unknownTypes int
	// graphNodes counts the nodes the graph holds, but for the meta node.
	graphNodes int
	// fullScan says whether every relationship was read.
	fullScan    bool
	version     string
	metaVersion string
}

// changes reports whether the graph's data differs from the dataset's.
func (p *plan) changes() bool {
	if len(p.junkNodes)+len(p.staleNodes)+len(p.staleRels)+p.unknownTypes > 0 {
		return true
	}
	for _, st := range p.nodeState {
		if st != stateSame {
			return true
		}
	}
	for _, st := range p.relState {
		if st != stateSame {
			return true
		}
	}
	for i := range p.nodes {
		if p.adjHash[i] != 0 && p.storedAdj[i] != p.adjHash[i] {
			return true
		}
	}
	return false
}

func (sd *seeder) run(ctx context.Context, ds *normgraph.Dataset) error {
	// Hashing the whole dataset takes a second at a million relationships:
	// it runs while the graph is read and written, and is waited for only
	// when the version is needed. The channel is buffered, so returning
	// early leaks nothing.
	version := make(chan string, 1)
	go func() { version <- ds.Version() }()

	// The dataset is hashed while the server answers the first query,
	// which on a freshly started server takes seconds.
	type planned struct {
		p   *plan
		err error
	}
	plans := make(chan planned, 1)
	go func() {
		p, err := sd.desired(ds)
		plans <- planned{p, err}
	}()
	missing, settled, err := sd.schemaState(ctx)
	if err != nil {
		return err
	}
	sd.mark("read schema", len(missing))
	pl := <-plans
	if pl.err != nil {
		return pl.err
	}
	p := pl.p
	sd.mark("hash dataset", len(p.nodes)+len(p.rels))
	if err := sd.readGraph(ctx, p); err != nil {
		return err
	}
	mode := "read graph (nodes, relationships of changed nodes)"
	if p.fullScan {
		mode = "read graph (all relationships)"
	}
	sd.mark(mode, 0)

	// Writes need the uniqueness constraints first (they look nodes up by
	// id). Into an empty graph, the indexes that only serve reads are
	// created once the nodes are in, while the relationships are written:
	// populating an index from the finished nodes is cheaper than keeping
	// it up to date through every write, and it runs on another core.
	now, later := missing, []schemaItem(nil)
	if p.graphNodes == 0 {
		now = nil
		for _, it := range missing {
			if it.isConstraint() {
				now = append(now, it)
			} else {
				later = append(later, it)
			}
		}
	}
	if err := sd.createSchema(ctx, now); err != nil {
		return err
	}
	if len(now) > 0 && len(later) == 0 {
		// Not just the constraints: wait as EnsureSchema would.
		if err := sd.awaitSchema(ctx); err != nil {
			return err
		}
		settled = true
	}
	sd.mark("create schema", len(now))

	recorded := p.metaVersion
	changes := p.changes()
	if !changes {
		p.version = <-version
	}
	if (changes || recorded != p.version) && recorded != "" {
		// From here until the last step the graph matches neither the old
		// version nor the new one: say so.
		if _, err := sd.batch(ctx, "MATCH (m:"+labelMeta+" {id: $id}) REMOVE m.version RETURN count(*) AS n",
			map[string]any{"id": metaID}); err != nil {
			return sd.fail(ctx, err, "seed: clear dataset version")
		}
		recorded = ""
	}
	setAdj, err := sd.invalidateAdjacency(ctx, p)
	if err != nil {
		return err
	}
	if err := sd.deleteStale(ctx, p); err != nil {
		return err
	}
	if err := sd.writeNodes(ctx, p); err != nil {
		return err
	}
	schemaDone := make(chan error, 1)
	if len(later) > 0 {
		go func() { schemaDone <- sd.createSchema(ctx, later) }()
	} else {
		schemaDone <- nil
	}
	if err := sd.writeRels(ctx, p); err != nil {
		return err
	}
	if err := sd.recordAdjacency(ctx, p, setAdj); err != nil {
		return err
	}
	if err := <-schemaDone; err != nil {
		return err
	}
	if !settled || len(later) > 0 {
		// Searches right after Seed must find what it wrote.
		if err := sd.awaitSchema(ctx); err != nil {
			return err
		}
		sd.mark("await indexes", len(later))
	}
	for _, st := range p.nodeState {
		if st == stateSame {
			sd.rep.Nodes.Unchanged++
		}
	}
	for _, st := range p.relState {
		if st == stateSame {
			sd.rep.Relationships.Unchanged++
		}
	}
	// Last: the version says the graph is complete.
	if changes {
		p.version = <-version
	}
	if recorded != p.version {
		if _, err := sd.batch(ctx, "MERGE (m:"+labelMeta+" {id: $id}) WITH m WHERE m.version IS NULL OR m.version <> $v "+
			"SET m.version = $v RETURN count(*) AS n", map[string]any{"id": metaID, "v": p.version}); err != nil {
			return sd.fail(ctx, err, "seed: record dataset version")
		}
	}
	sd.rep.DatasetVersion = p.version
	sd.mark("record version", 1)
	return nil
}

// desired computes the rows and content hashes of ds, and each node's
// adjacency hash.
func (sd *seeder) desired(ds *normgraph.Dataset) (*plan, error) { return newPlan(ds) }

// newPlan computes what the graph of ds holds: node rows, content hashes
// and each node's adjacency hash, with every node and relationship in the
// state "absent". Seed compares it with the graph; Import writes it whole.
// Relationship hashes are computed on all cores: at a million relationships
// they are most of Seed's own CPU time.
func newPlan(ds *normgraph.Dataset) (*plan, error) {
	ns := len(ds.Sources)
	n := ns + len(ds.Entities)
	p := &plan{nodeIndex: make(map[string]int, n), nodes: make([]nodeRow, n)}
	for _, src := range ds.Sources {
		if src == nil {
			return nil, errors.New("neo4jstore: seed: nil source")
		}
	}
	for _, e := range ds.Entities {
		if e == nil {
			return nil, errors.New("neo4jstore: seed: nil entity")
		}
		if _, ok := kindLabel[e.Base().Kind]; !ok {
			return nil, fmt.Errorf("neo4jstore: seed: entity %q has unknown kind %q", e.NodeID(), e.Base().Kind)
		}
	}
	spread(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i < ns {
				p.nodes[i] = sourceRow(ds.Sources[i])
			} else {
				p.nodes[i] = entityRow(ds.Entities[i-ns])
			}
		}
	})
	for i, r := range p.nodes {
		if _, dup := p.nodeIndex[r.id]; dup {
			return nil, fmt.Errorf("neo4jstore: seed: duplicate id %q", r.id)
		}
		p.nodeIndex[r.id] = i
	}
	p.nodeState = make([]uint8, n)
	p.rels = ds.Relations
	p.outStart = make([]int32, n+1)
	from := make([]int32, len(p.rels))
	for i, r := range p.rels {
		if r == nil {
			return nil, errors.New("neo4jstore: seed: nil relation")
		}
		if _, ok := relType[r.Type]; !ok {
			return nil, fmt.Errorf("neo4jstore: seed: relation %s has unknown type", r.ID())
		}
		f, ok := p.nodeIndex[r.From]
		if !ok {
			return nil, fmt.Errorf("neo4jstore: seed: relation %s: no node %q in the dataset", r.ID(), r.From)
		}
		if _, ok := p.nodeIndex[r.To]; !ok {
			return nil, fmt.Errorf("neo4jstore: seed: relation %s: no node %q in the dataset", r.ID(), r.To)
		}
		from[i] = int32(f)
		p.outStart[f+1]++
	}
	for i := 1; i <= n; i++ {
		p.outStart[i] += p.outStart[i-1]
	}
	p.out = make([]int32, len(p.rels))
	next := slices.Clone(p.outStart[:n])
	for i, f := range from {
		p.out[next[f]] = int32(i)
		next[f]++
	}
	p.relHash = make([]int64, len(p.rels))
	p.relState = make([]uint8, len(p.rels))
	p.adjHash = make([]int64, n)
	p.storedAdj = make([]int64, n)
	p.trusted = make([]bool, n)
	p.eid = make([]string, n)
	spread(len(p.rels), func(lo, hi int) {
		var e hashEncoder
		for i := lo; i < hi; i++ {
			p.relHash[i] = relationHash(&e, p.rels[i])
		}
	})
	var (
		mu  sync.Mutex
		dup error
	)
	spread(n, func(lo, hi int) {
		var e hashEncoder
		for i := lo; i < hi; i++ {
			h, err := p.adjacencyHash(&e, i)
			if err != nil {
				mu.Lock()
				dup = err // any one will do
				mu.Unlock()
			}
			p.adjHash[i] = h
		}
	})
	if dup != nil {
		return nil, dup
	}
	return p, nil
}

// relIndexOf finds a dataset relation by (from, type, to). The index is
// built on first use: a load into an empty graph or a reseed that finds
// nothing changed never needs it, and at a million relationships it costs
// a quarter of a second.
func (p *plan) relIndexOf(k relKey) (int32, bool) {
	if p.relIndex == nil {
		p.relIndex = make(map[relKey]int32, len(p.rels))
		for i, r := range p.rels {
			p.relIndex[relKey{r.Type, r.From, r.To}] = int32(i)
		}
	}
	i, ok := p.relIndex[k]
	return i, ok
}

// spread runs fn over [0, n) in chunks on all cores.
func spread(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	chunk := max(1024, (n+workers-1)/workers)
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, min(lo+chunk, n))
		}()
	}
	wg.Wait()
}

// adjacencyHash hashes node i's outgoing relations: type, far end and
// content of each, in (type, to) order; 0 means none. Sorting them also
// puts any duplicate (from, type, to) next to its twin.
func (p *plan) adjacencyHash(e *hashEncoder, i int) (int64, error) {
	out := p.out[p.outStart[i]:p.outStart[i+1]]
	if len(out) == 0 {
		return 0, nil
	}
	slices.SortFunc(out, func(a, b int32) int {
		ra, rb := p.rels[a], p.rels[b]
		return cmp.Or(cmp.Compare(ra.Type, rb.Type), cmp.Compare(ra.To, rb.To))
	})
	// The tag names the layout the hash vouches for: relationships
	// without a hash property of their own. A graph written with
	// another layout trusts no node, so all its relationships are read,
	// and rewritten, once.
	e.start("adjacency/2")
	for j, r := range out {
		rel := p.rels[r]
		if j > 0 && rel.Type == p.rels[out[j-1]].Type && rel.To == p.rels[out[j-1]].To {
			return 0, fmt.Errorf("neo4jstore: seed: duplicate relation %s", rel.ID())
		}
		e.raw(relType[rel.Type])
		e.raw(rel.To)
		e.buf = binary.AppendVarint(e.buf, p.relHash[r])
	}
	if h := e.sum(); h != 0 {
		return h, nil
	}
	return 1, nil
}

// readGraph compares the graph with the plan. It reads every node (id,
// hashes, labels), but relationships only where it must: a node whose
// recorded adjacency hash equals the dataset's has exactly the dataset's
// outgoing relationships, because Seed removes that hash before it changes
// any of them and records it only once all are written. Relationship counts
// per type (from Neo4j's count store, so free) check that nothing else
// changed; when they disagree, every relationship is read. Results stream:
// a million relationships never sit in memory as records.
func (sd *seeder) readGraph(ctx context.Context, p *plan) error {
	known := map[string]bool{labelEntity: true, labelSource: true}
	for _, l := range entityLabel {
		known[l] = true
	}
	// The graph is read on the leader (a write transaction), since Seed
	// acts on what it reads.
	_, err := sd.sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		clear(p.nodeState)
		clear(p.relState)
		clear(p.storedAdj)
		clear(p.trusted)
		clear(p.eid)
		p.junkNodes, p.staleNodes, p.staleRels, p.unknownTypes, p.metaVersion = nil, nil, nil, 0, ""
		p.junkIDs, p.fullScan = map[string]bool{}, false

		// One statement reads the dataset version too: on a freshly started
		// server every distinct statement costs a planning pass.
		res, err := tx.Run(ctx, "MATCH (n) RETURN elementId(n) AS eid, n.id AS id, n.hash AS hash, n."+propAdjHash+" AS adj, "+
			"EXISTS { (n)-->() } AS out, labels(n) AS labels, "+
			"CASE WHEN n:"+labelMeta+" AND n.id = $meta THEN n.version END AS version", map[string]any{"meta": metaID})
		if err != nil {
			return nil, err
		}
		nodes := 0
		for res.Next(ctx) {
			rec := res.Record()
			if v, isNil, err := neo4j.GetRecordValue[string](rec, "version"); err == nil && !isNil {
				p.metaVersion = v
			}
			if labelList, _, _ := neo4j.GetRecordValue[[]any](rec, "labels"); slices.Contains(labelList, any(labelMeta)) {
				continue
			}
			nodes++
			eid, _, err := neo4j.GetRecordValue[string](rec, "eid")
			if err != nil {
				return nil, err
			}
			id, noID, errID := neo4j.GetRecordValue[string](rec, "id")
			// A missing or mistyped hash reads as 0, which no content has
			// (in practice), so the node is rewritten.
			hash, _, _ := neo4j.GetRecordValue[int64](rec, "hash")
			adj, _, _ := neo4j.GetRecordValue[int64](rec, "adj")
			hasOut, _, _ := neo4j.GetRecordValue[bool](rec, "out")
			labelList, _, err := neo4j.GetRecordValue[[]any](rec, "labels")
			if err != nil {
				return nil, err
			}
			labels := anyStrings(labelList)
			isEntity, junk := false, errID != nil || noID
			for _, l := range labels {
				isEntity = isEntity || l == labelEntity
				junk = junk || !known[l]
			}
			if junk || !isEntity {
				p.junkNodes = append(p.junkNodes, eid)
				if isEntity && !noID && errID == nil {
					p.junkIDs[id] = true
				}
				continue
			}
			i, ok := p.nodeIndex[id]
			if !ok {
				p.staleNodes = append(p.staleNodes, id)
				continue
			}
			p.eid[i] = eid
			if hash == p.nodes[i].hash && len(labels) == 2 && slices.Contains(labels, p.nodes[i].label) {
				p.nodeState[i] = stateSame
			} else {
				p.nodeState[i] = stateDiffers
			}
			p.storedAdj[i] = adj
			if p.adjHash[i] == 0 {
				p.trusted[i] = !hasOut
			} else {
				p.trusted[i] = adj == p.adjHash[i]
			}
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		p.graphNodes = nodes
		if nodes == 0 {
			// An empty graph (a first load): no relationships to read.
			return nil, nil
		}
		ok, err := sd.readChangedRels(ctx, tx, p)
		if err != nil || ok {
			return nil, err
		}
		return nil, sd.readAllRels(ctx, tx, p)
	})
	if err != nil {
		return sd.fail(ctx, err, "seed: read graph")
	}
	return nil
}

// storedRelHash is relationHash of a relationship as the graph holds it.
// Relationships store no hash of their own (it would cost a property on
// each of a million): their few properties are hashed as read. Anything
// relProps does not write (another property, another type, an empty
// value) makes a hash no dataset relation has, so the relationship is
// rewritten, and SET r = props clears it.
func storedRelHash(typ string, p map[string]any) int64 {
	var e hashEncoder
	e.start(typ)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		switch v := p[k].(type) {
		case string:
			if k != propNote && k != propRole && k != propSince && k != propUntil {
				return 0
			}
			e.str(k, v)
		case []any:
			if k != propSources {
				return 0
			}
			l := anyStrings(v)
			if len(l) != len(v) || len(l) == 0 {
				return 0
			}
			e.strs(k, l)
		default:
			return 0
		}
	}
	return e.sum()
}

// seeRel classifies one relationship found in the graph; endsOK is false
// when an end has no id or no :Entity label.
func (p *plan) seeRel(t, from, to string, hash int64, endsOK bool) {
	if !endsOK || p.junkIDs[from] || p.junkIDs[to] {
		return // goes with its junk node
	}
	rt := normgraph.RelationType(t)
	if _, ok := relType[rt]; !ok {
		p.unknownTypes++
		return
	}
	k := relKey{rt, from, to}
	i, ok := p.relIndexOf(k)
	if !ok {
		p.staleRels = append(p.staleRels, k)
		return
	}
	switch p.relState[i] {
	case stateAbsent:
		if hash == p.relHash[i] {
			p.relState[i] = stateSame
		} else {
			p.relState[i] = stateDiffers
		}
	case stateSame, stateDiffers:
		p.relState[i] = stateDuplicate
		p.staleRels = append(p.staleRels, k)
	}
}

// readChangedRels reads the outgoing relationships of the nodes that are
// not trusted, takes the trusted nodes' as the dataset's, and reports
// whether the count of every relationship type agrees with that picture. If
// not, the plan's relationship states are left for readAllRels to redo.
func (sd *seeder) readChangedRels(ctx context.Context, tx neo4j.ManagedTransaction, p *plan) (bool, error) {
	graphCount := map[string]int64{}
	var parts, cols []string
	for i, t := range normgraph.RelationTypes {
		parts = append(parts, fmt.Sprintf("CALL () { MATCH ()-[r:%s]->() RETURN count(r) AS r%d }", relType[t], i))
		cols = append(cols, fmt.Sprintf("r%d", i))
	}
	res, err := tx.Run(ctx, strings.Join(parts, " ")+" CALL () { MATCH ()-[r]->() RETURN count(r) AS total } RETURN "+
		strings.Join(cols, ", ")+", total", nil)
	if err != nil {
		return false, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return false, err
	}
	var total int64
	if total, _, err = neo4j.GetRecordValue[int64](rec, "total"); err != nil {
		return false, err
	}
	for i, t := range normgraph.RelationTypes {
		if graphCount[relType[t]], _, err = neo4j.GetRecordValue[int64](rec, cols[i]); err != nil {
			return false, err
		}
		total -= graphCount[relType[t]]
	}
	graphCount[""] = total // relationships of other types

	// What the graph should count if the trusted nodes hold the dataset's
	// relationships: theirs, plus whatever the others actually have.
	want := map[string]int64{}
	var suspects []string
	for i, n := range p.nodes {
		if p.nodeState[i] == stateAbsent {
			continue // not in the graph: has no relationships
		}
		if !p.trusted[i] {
			suspects = append(suspects, n.id)
			continue
		}
		for _, r := range p.out[p.outStart[i]:p.outStart[i+1]] {
			rel := p.rels[r]
			want[relType[rel.Type]]++
			if !p.junkIDs[rel.To] {
				p.relState[r] = stateSame
			} // else it goes with the junk node and is created again
		}
	}
	count := func(t string, n int64) {
		if _, ok := relType[normgraph.RelationType(t)]; !ok {
			t = ""
		}
		want[t] += n
	}
	const chunk = 5000
	for lo := 0; lo < len(suspects); lo += chunk {
		res, err := tx.Run(ctx, "UNWIND $ids AS id MATCH (a:"+labelEntity+" {id: id})-[r]->(b) "+
			"RETURN type(r) AS t, id AS f, b.id AS to, properties(r) AS p, b:"+labelEntity+" AS ok",
			map[string]any{"ids": suspects[lo:min(lo+chunk, len(suspects))]})
		if err != nil {
			return false, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			t, _, err := neo4j.GetRecordValue[string](rec, "t")
			if err != nil {
				return false, err
			}
			from, _, _ := neo4j.GetRecordValue[string](rec, "f")
			to, _, errTo := neo4j.GetRecordValue[string](rec, "to")
			props, _, _ := neo4j.GetRecordValue[map[string]any](rec, "p")
			isEntity, _, _ := neo4j.GetRecordValue[bool](rec, "ok")
			count(t, 1)
			p.seeRel(t, from, to, storedRelHash(t, props), errTo == nil && isEntity)
		}
		if err := res.Err(); err != nil {
			return false, err
		}
	}
	// Stale and junk nodes go with all their relationships.
	for _, q := range []struct {
		cypher string
		ids    []string
	}{
		{"UNWIND $ids AS id MATCH (:" + labelEntity + " {id: id})-[r]->() RETURN type(r) AS t, count(r) AS c", p.staleNodes},
		{"UNWIND $ids AS eid MATCH (n) WHERE elementId(n) = eid MATCH (n)-[r]->() RETURN type(r) AS t, count(r) AS c", p.junkNodes},
	} {
		if len(q.ids) == 0 {
			continue
		}
		res, err := tx.Run(ctx, q.cypher, map[string]any{"ids": q.ids})
		if err != nil {
			return false, err
		}
		for res.Next(ctx) {
			t, _, err := neo4j.GetRecordValue[string](res.Record(), "t")
			if err != nil {
				return false, err
			}
			c, _, err := neo4j.GetRecordValue[int64](res.Record(), "c")
			if err != nil {
				return false, err
			}
			count(t, c)
		}
		if err := res.Err(); err != nil {
			return false, err
		}
	}
	for t, n := range graphCount {
		if want[t] != n {
			sd.log.Info().Str("type", t).Int64("graph", n).Int64("expected", want[t]).
				Msg("seed: relationship counts disagree with the recorded adjacency; reading every relationship")
			return false, nil
		}
	}
	return true, nil
}

// readAllRels classifies every relationship of the graph.
func (sd *seeder) readAllRels(ctx context.Context, tx neo4j.ManagedTransaction, p *plan) error {
	clear(p.relState)
	p.staleRels, p.unknownTypes, p.fullScan = nil, 0, true
	res, err := tx.Run(ctx, "MATCH (a)-[r]->(b) WHERE a:"+labelEntity+" AND b:"+labelEntity+
		" RETURN type(r) AS t, a.id AS f, b.id AS to, properties(r) AS p", nil)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		rec := res.Record()
		t, _, err := neo4j.GetRecordValue[string](rec, "t")
		if err != nil {
			return err
		}
		from, _, err1 := neo4j.GetRecordValue[string](rec, "f")
		to, _, err2 := neo4j.GetRecordValue[string](rec, "to")
		props, _, _ := neo4j.GetRecordValue[map[string]any](rec, "p")
		p.seeRel(t, from, to, storedRelHash(t, props), err1 == nil && err2 == nil)
	}
	return res.Err()
}

// invalidateAdjacency removes the recorded adjacency hash of every node
// whose outgoing relationships this run may change, before any changes:
// an interrupted run must not leave a hash that a later run would believe.
// It returns the nodes whose hash is to be recorded once all relationships
// are written.
func (sd *seeder) invalidateAdjacency(ctx context.Context, p *plan) ([]int, error) {
	var drop []string
	var set []int
	for i, n := range p.nodes {
		changing := p.nodeState[i] != stateSame // SET n = props drops it anyway
		for _, r := range p.out[p.outStart[i]:p.outStart[i+1]] {
			changing = changing || p.relState[r] != stateSame
		}
		if p.storedAdj[i] != p.adjHash[i] {
			changing = true
		}
		if !changing {
			continue
		}
		if p.storedAdj[i] != 0 {
			drop = append(drop, n.id)
		}
		if p.adjHash[i] != 0 && p.nodeState[i] != stateAbsent { // created nodes get theirs at once
			set = append(set, i)
		}
	}
	err := sd.batches(ctx, "forget adjacency",
		"UNWIND $rows AS id MATCH (n:"+labelEntity+" {id: id}) REMOVE n."+propAdjHash+" RETURN count(*) AS n",
		sd.cfg.nodeBatch, len(drop), func(lo, hi int) any { return drop[lo:hi] }, func(batchResult) {})
	if err != nil {
		return nil, err
	}
	sd.mark("forget adjacency", len(drop))
	return set, nil
}

// recordAdjacency records the adjacency hash of the nodes whose outgoing
// relationships are now all written.
func (sd *seeder) recordAdjacency(ctx context.Context, p *plan, set []int) error {
	cypher := "UNWIND $rows AS row MATCH (n:" + labelEntity + " {id: row.id}) SET n." + propAdjHash + " = row.h RETURN count(*) AS n"
	jobs := sd.jobs("record adjacency", set, cypher, "", true, func(idx []int) (map[string]any, int) {
		rows := make([]map[string]any, len(idx))
		for k, i := range idx {
			rows[k] = map[string]any{"id": p.nodes[i].id, "h": p.adjHash[i]}
		}
		return map[string]any{"rows": rows}, len(rows)
	})
	if err := sd.parallel(ctx, jobs); err != nil {
		return err
	}
	sd.mark("record adjacency", len(set))
	return nil
}

// deleteStale removes what ds does not hold, relationships first so that
// node deletions stay small.
func (sd *seeder) deleteStale(ctx context.Context, p *plan) error {
	if p.unknownTypes > 0 {
		known := make([]string, 0, len(relType))
		for _, t := range normgraph.RelationTypes {
			known = append(known, relType[t])
		}
		if err := sd.drainRels(ctx, "delete relationships of unknown types",
			"MATCH ()-[r]->() WHERE NOT type(r) IN $known", map[string]any{"known": known}, new(int)); err != nil {
			return err
		}
	}
	byType := map[normgraph.RelationType][]map[string]any{}
	for _, k := range p.staleRels {
		byType[k.t] = append(byType[k.t], map[string]any{"from": k.from, "to": k.to})
	}
	for _, t := range normgraph.RelationTypes {
		rows := byType[t]
		cypher := "UNWIND $rows AS row MATCH (:" + labelEntity + " {id: row.from})-[r:" + relType[t] + "]->(:" +
			labelEntity + " {id: row.to}) DELETE r RETURN count(*) AS n"
		if err := sd.batches(ctx, "delete relationships "+relType[t], cypher, sd.cfg.relBatch, len(rows),
			func(lo, hi int) any { return rows[lo:hi] },
			func(c batchResult) { sd.rep.Relationships.Deleted += c.relsDeleted }); err != nil {
			return err
		}
	}
	sd.mark("delete relationships", len(p.staleRels))

	if err := sd.deleteNodes(ctx, "delete junk nodes", "UNWIND $rows AS eid MATCH (n) WHERE elementId(n) = eid",
		p.junkNodes); err != nil {
		return err
	}
	if err := sd.deleteNodes(ctx, "delete nodes", "UNWIND $rows AS id MATCH (n:"+labelEntity+" {id: id})",
		p.staleNodes); err != nil {
		return err
	}
	sd.mark("delete nodes", len(p.junkNodes)+len(p.staleNodes))
	return nil
}

// deleteNodes deletes the nodes that match binds as n for each of rows, a
// node batch at a time, and first their relationships, a relationship batch
// at a time (see drainRels).
func (sd *seeder) deleteNodes(ctx context.Context, step, match string, rows []string) error {
	var done int
	for lo := 0; lo < len(rows); lo += sd.cfg.nodeBatch {
		batch := map[string]any{"rows": rows[lo:min(lo+sd.cfg.nodeBatch, len(rows))]}
		if err := sd.drainRels(ctx, step+": relationships", match+" MATCH (n)-[r]-()", batch, &done); err != nil {
			return err
		}
	}
	// DETACH all the same: a client may have linked them since.
	return sd.batches(ctx, step, match+" DETACH DELETE n RETURN count(*) AS n",
		sd.cfg.nodeBatch, len(rows), func(lo, hi int) any { return rows[lo:hi] },
		func(c batchResult) {
			sd.rep.Nodes.Deleted += c.nodesDeleted
			sd.rep.Relationships.Deleted += c.relsDeleted
		})
}

// drainRels deletes the relationships that match binds as r, at most a
// relationship batch per transaction, until none is left. A node batch of
// hubs can hold millions of relationships: deleting them in one
// transaction (DETACH DELETE) needs more memory than a small server allows
// a transaction (dbms.memory.transaction.total.max; 358 MiB of a 512 MiB
// heap failed on the first 5,000 nodes of the 1M set). done counts the
// step's deletions, for progress reports.
func (sd *seeder) drainRels(ctx context.Context, step, match string, params map[string]any, done *int) error {
	params = maps.Clone(params)
	params["max"] = int64(sd.cfg.relBatch)
	cypher := match + " WITH DISTINCT r LIMIT $max DELETE r RETURN count(*) AS n"
	for {
		if err := ctx.Err(); err != nil {
			return sd.fail(ctx, err, "seed: %s", step)
		}
		c, err := sd.batch(ctx, cypher, params)
		if err != nil {
			return sd.fail(ctx, err, "seed: %s", step)
		}
		sd.rep.Relationships.Deleted += c.relsDeleted
		*done += c.relsDeleted
		if c.relsDeleted > 0 && sd.cfg.progress != nil {
			sd.cfg.progress(SeedProgress{Step: step, Done: *done})
		}
		if c.rows < sd.cfg.relBatch {
			return nil
		}
	}
}

// nodeStatements are the statements that write nodes: one text for every
// label, which each row names. Every distinct statement costs a freshly
// started server a planning pass, which dominates small loads, so there
// are few, and they are plain: labels are dynamic ($(...), Cypher 5.26),
// and only ever come from kindLabel and labelSource, never from input.
func nodeStatements() (insert, upsert string) {
	all := append(slices.Clone(entityLabel), labelSource)
	// Created with all its labels at once: adding a label afterwards costs
	// the server a second pass over the node's index entries.
	insert = "UNWIND $rows AS row CREATE (n:" + labelEntity + ":$(row.label)) SET n = row.props " +
		"RETURN count(*) AS n, count(*) AS created, " + nodeEIDs
	// MERGE creates with just the id, which is how a created node is told
	// from an updated one; only rows whose hash or labels differ are
	// written, so a repeated batch changes nothing.
	upsert = "UNWIND $rows AS row MERGE (n:" + labelEntity + " {id: row.id}) " +
		"WITH n, row, n.hash AS old, [l IN labels(n) WHERE l <> '" + labelEntity + "'] = [row.label] AS labelled " +
		"WITH n, row, old, old IS NULL OR old <> row.hash OR NOT labelled AS write " +
		"FOREACH (_ IN CASE WHEN write THEN [1] ELSE [] END | SET n = row.props REMOVE n:" + strings.Join(all, ":") +
		" SET n:$(row.label)) " +
		"RETURN count(*) AS n, count(CASE WHEN old IS NULL THEN 1 END) AS created, " +
		"count(CASE WHEN old IS NOT NULL AND write THEN 1 END) AS updated, " + nodeEIDs
	return insert, upsert
}

// nodeEIDs is the column of [id, element id] pairs that the node
// statements return, for plan.eid.
const nodeEIDs = "collect([n.id, elementId(n)]) AS eids"

// recordEIDs keeps the element ids a node statement returned.
func (p *plan) recordEIDs(pairs []any) error {
	for _, x := range pairs {
		pair, _ := x.([]any)
		if len(pair) != 2 {
			return fmt.Errorf("neo4jstore: seed: node statement returned %v, not an [id, element id] pair", x)
		}
		id, _ := pair[0].(string)
		eid, _ := pair[1].(string)
		i, ok := p.nodeIndex[id]
		if !ok || eid == "" {
			return fmt.Errorf("neo4jstore: seed: node statement returned %v for no node of the dataset", x)
		}
		// Writers record distinct nodes, so no lock is needed.
		p.eid[i] = eid
	}
	return nil
}

// writeNodes writes the nodes that are missing or differ.
func (sd *seeder) writeNodes(ctx context.Context, p *plan) error {
	var create, update []int
	for i := range p.nodes {
		switch p.nodeState[i] {
		case stateAbsent:
			create = append(create, i)
		case stateDiffers:
			update = append(update, i)
		}
	}
	insert, upsert := nodeStatements()
	// A node created now gets its adjacency hash at once: it has no
	// relationships yet and will only ever get the dataset's, so until they
	// are all written the relationship counts fall short of what the hash
	// promises, and the next Seed reads everything (see readChangedRels). A
	// node that exists may hold relationships with old content: its hash is
	// recorded only once they are rewritten.
	created := func(idx []int) (map[string]any, int) {
		rows := make([]map[string]any, len(idx))
		for k, i := range idx {
			rows[k] = p.nodes[i].param()
			rows[k]["props"] = p.createdProps(i)
		}
		return map[string]any{"rows": rows}, len(rows)
	}
	updated := func(idx []int) (map[string]any, int) {
		rows := make([]map[string]any, len(idx))
		for k, i := range idx {
			rows[k] = p.nodes[i].param()
		}
		return map[string]any{"rows": rows}, len(rows)
	}
	jobs := sd.jobs("nodes", create, insert, upsert, true, created)
	jobs = append(jobs, sd.jobs("nodes", update, upsert, "", true, updated)...)
	for i := range jobs {
		jobs[i].after = func(c batchResult) error { return p.recordEIDs(c.eids) }
	}
	if err := sd.parallel(ctx, jobs); err != nil {
		return err
	}
	sd.mark("write nodes", len(create)+len(update))
	return nil
}

// createdProps are the properties of node i as created: its content and,
// when it has outgoing relationships, its adjacency hash (see writeNodes).
func (p *plan) createdProps(i int) map[string]any {
	h := p.adjHash[i]
	if h == 0 {
		return p.nodes[i].props
	}
	props := maps.Clone(p.nodes[i].props)
	props[propAdjHash] = h
	return props
}

// relStatements are the statements that write relationships, one text for
// every type (see nodeStatements), which each row names. A row is [from id,
// to id, properties, type, from element id, to element id]. Looking up both
// ends per row costs the server no more than collecting each batch's
// distinct ends first, and the plain shape is much cheaper to plan on a
// freshly started server.
//
// A plain CREATE finds its ends by element id (see plan.eid) and checks
// their ids, so that an element id the server has since given to another
// node matches nothing and fails the batch (see parallel) rather than
// linking the wrong node. The fallback looks them up by id.
func relStatements() (insert, upsert string) {
	insert = "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row[4] AND a.id = row[0] " +
		"MATCH (b) WHERE elementId(b) = row[5] AND b.id = row[1] " +
		"CREATE (a)-[x:$(row[3])]->(b) SET x = row[2] RETURN count(*) AS n, count(*) AS created"
	ends := "UNWIND $rows AS row MATCH (a:" + labelEntity + " {id: row[0]}) MATCH (b:" + labelEntity + " {id: row[1]}) "
	// Creates what is missing, rewrites what differs, leaves the rest: for
	// relationships whose content changed, and for a retried batch that
	// may have committed. Relationships carry no hash: their few
	// properties are compared as a whole.
	upsert = ends + "OPTIONAL MATCH (a)-[r]->(b) WHERE type(r) = row[3] " +
		"WITH a, b, row, r, r IS NOT NULL AND properties(r) <> row[2] AS differs " +
		"FOREACH (_ IN CASE WHEN differs THEN [1] ELSE [] END | SET r = row[2]) " +
		"FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[x:$(row[3])]->(b) SET x = row[2]) " +
		"RETURN count(*) AS n, count(CASE WHEN r IS NULL THEN 1 END) AS created, " +
		"count(CASE WHEN differs THEN 1 END) AS updated"
	return insert, upsert
}

// writeRels writes the relationships that are missing or differ. They go
// in the order of their start nodes, and a batch never splits a start
// node's relationships unless it has more than a batch: concurrent batches
// then share no start node, and creating relationships locks their ends
// until commit, so writers that shared many would wait on each other (or
// deadlock and retry whole batches).
func (sd *seeder) writeRels(ctx context.Context, p *plan) error {
	var create, update []int
	var cuts []int // positions in create where a start node's relationships begin
	for i := range p.nodes {
		cuts = append(cuts, len(create))
		for _, r := range p.out[p.outStart[i]:p.outStart[i+1]] {
			switch p.relState[r] {
			case stateAbsent, stateDuplicate: // all copies of a duplicate were deleted
				create = append(create, int(r))
			case stateDiffers:
				update = append(update, int(r))
			}
		}
	}
	insert, upsert := relStatements()
	rows := func(idx []int) (map[string]any, int) { return relRows(p, idx), len(idx) }
	var jobs []writeJob
	lo, prev := 0, 0
	for _, c := range append(cuts, len(create)) {
		if c-lo > sd.cfg.relBatch && prev > lo {
			jobs = append(jobs, sd.jobs("relationships", create[lo:prev], insert, upsert, false, rows)...)
			lo = prev
		}
		prev = c
	}
	jobs = append(jobs, sd.jobs("relationships", create[lo:], insert, upsert, false, rows)...)
	done := 0
	for i := range jobs {
		done += len(jobs[i].idx)
		jobs[i].done, jobs[i].total = done, len(create)
	}
	jobs = append(jobs, sd.jobs("relationships", update, upsert, "", false, rows)...)
	if err := sd.parallel(ctx, jobs); err != nil {
		return err
	}
	sd.mark("write relationships", len(create)+len(update))
	return nil
}

// relRows are the parameters of a batch of relationships (see
// relStatements).
func relRows(p *plan, idx []int) map[string]any {
	rows := make([][]any, len(idx))
	for k, i := range idx {
		r := p.rels[i]
		rows[k] = []any{r.From, r.To, map[string]any(relProps(r)), relType[r.Type],
			p.eid[p.nodeIndex[r.From]], p.eid[p.nodeIndex[r.To]]}
	}
	return map[string]any{"rows": rows}
}

// writeJob is one batch of rows for parallel.
//
// Rows the plan knows to be absent are written with a plain CREATE, much
// cheaper for the server than MERGE's locking or a per-row existence check.
// That is safe because a batch commits atomically: only when the driver
// retries it (a transient error, or a commit whose outcome is unknown) may
// it have been written already, and a retry runs the idempotent fallback
// statement instead.
type writeJob struct {
	step             string
	cypher, fallback string
	nodes            bool // counts go to SeedReport.Nodes, else Relationships
	idx              []int
	// params builds the batch's parameters (when it is sent, so that only
	// the batches in flight are in memory) and says how many rows it has.
	params      func([]int) (map[string]any, int)
	done, total int
	// after, when set, takes the result of the committed batch.
	after func(batchResult) error
}

// jobs cuts idx into batches of one statement.
func (sd *seeder) jobs(step string, idx []int, cypher, fallback string, nodes bool, params func([]int) (map[string]any, int)) []writeJob {
	size := sd.cfg.relBatch
	if nodes {
		size = sd.cfg.nodeBatch
	}
	var out []writeJob
	for lo := 0; lo < len(idx); lo += size {
		hi := min(lo+size, len(idx))
		out = append(out, writeJob{step: step, cypher: cypher, fallback: fallback, nodes: nodes,
			idx: idx[lo:hi], params: params, done: hi, total: len(idx)})
	}
	return out
}

// parallel runs jobs on cfg.writers sessions, building each batch's rows
// only when it is sent. Every row must find its ends: a relation naming an
// id the dataset lacks is an error, not a skip. The first error stops the
// other writers after their current batch; so does cancelling ctx.
func (sd *seeder) parallel(ctx context.Context, jobs []writeJob) error {
	if len(jobs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := make(chan writeJob)
	var wg sync.WaitGroup
	for range min(sd.cfg.writers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess := sd.session(ctx)
			defer sess.Close(context.WithoutCancel(ctx))
			for j := range ch {
				if ctx.Err() != nil {
					continue
				}
				params, n := j.params(j.idx)
				c, err := sd.writeBatch(ctx, sess, j, params, n)
				var short *shortBatch
				if errors.As(err, &short) {
					cancel(err)
					continue
				}
				if err != nil {
					cancel(sd.fail(ctx, err, "seed: %s", j.step))
					continue
				}
				if j.after != nil {
					if err := j.after(c); err != nil {
						cancel(err)
						continue
					}
				}
				sd.mu.Lock()
				counts := &sd.rep.Relationships
				if j.nodes {
					counts = &sd.rep.Nodes
				}
				counts.Created += c.created
				counts.Updated += c.updated
				if sd.cfg.progress != nil {
					sd.cfg.progress(SeedProgress{Step: j.step, Done: j.done, Total: j.total})
				}
				sd.mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(ch)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return sd.fail(ctx, err, "seed: write")
		}
		return err
	}
	return nil
}

// batchResult is what one write transaction did.
type batchResult struct {
	rows, created, updated    int
	nodesDeleted, relsDeleted int
	// eids are the [id, element id] pairs a node statement returns.
	eids []any
	// writes sums the server's change counters.
	writes int
}

// batches runs cypher over rows [0, n) in transactions of size rows each,
// one after the other, checking between batches that the caller still
// wants the load.
func (sd *seeder) batches(ctx context.Context, step, cypher string, size, n int,
	rows func(lo, hi int) any, done func(batchResult)) error {
	for lo := 0; lo < n; lo += size {
		if err := ctx.Err(); err != nil {
			return sd.fail(ctx, err, "seed: %s", step)
		}
		hi := min(lo+size, n)
		c, err := sd.batch(ctx, cypher, map[string]any{"rows": rows(lo, hi)})
		if err != nil {
			return sd.fail(ctx, err, "seed: %s", step)
		}
		done(c)
		if sd.cfg.progress != nil {
			sd.cfg.progress(SeedProgress{Step: step, Done: hi, Total: n})
		}
	}
	return nil
}

// batch runs one statement in a managed write transaction on Seed's own
// session.
func (sd *seeder) batch(ctx context.Context, cypher string, params map[string]any) (batchResult, error) {
	return sd.commit(ctx, sd.sess, func(ctx context.Context, tx neo4j.ManagedTransaction) (batchResult, error) {
		return runCounted(ctx, tx, cypher, params)
	})
}

// shortBatch is a batch in which fewer than all n rows found their nodes.
type shortBatch struct {
	step     string
	found, n int
}

func (e *shortBatch) Error() string {
	return fmt.Sprintf("neo4jstore: seed: %s: %d of %d rows found both ends (a relation names an id that is not in the dataset, "+
		"or another client changed the graph during the seed); the batch was rolled back", e.step, e.found, e.n)
}

// writeBatch runs a job's batch of n rows: its statement, or its fallback
// when the driver retries the transaction. A batch in which some row did
// not find its nodes is rolled back.
func (sd *seeder) writeBatch(ctx context.Context, sess neo4j.SessionWithContext, j writeJob, params map[string]any, n int) (batchResult, error) {
	attempt := 0
	return sd.commit(ctx, sess, func(ctx context.Context, tx neo4j.ManagedTransaction) (batchResult, error) {
		attempt++
		cypher := j.cypher
		if attempt > 1 {
			sd.mu.Lock()
			sd.retries++
			sd.mu.Unlock()
			if j.fallback != "" {
				cypher = j.fallback
			}
		}
		c, err := runCounted(ctx, tx, cypher, params)
		if err == nil && c.rows != n {
			return c, &shortBatch{step: j.step, found: c.rows, n: n}
		}
		return c, err
	})
}

// commit runs work in a managed write transaction, which the driver retries
// on transient errors: every statement Seed runs is idempotent or guarded.
// The server's change counters are added to the report only once the
// transaction has committed, so a retried attempt is not counted twice.
func (sd *seeder) commit(ctx context.Context, sess neo4j.SessionWithContext,
	work func(context.Context, neo4j.ManagedTransaction) (batchResult, error)) (batchResult, error) {
	out, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (batchResult, error) {
		return work(ctx, tx)
	})
	if err != nil {
		return out, err
	}
	sd.mu.Lock()
	sd.rep.Writes += out.writes
	sd.mu.Unlock()
	return out, nil
}

// runCounted runs a statement returning one record with a count n and
// optionally created, updated and eids, and collects the server's
// counters. Every column must be an aggregate: a constant such as 0 AS
// updated would be a grouping key, and a batch of which no row matched
// would return no record at all.
func runCounted(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (batchResult, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return batchResult{}, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return batchResult{}, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return batchResult{}, err
	}
	var c batchResult
	n, _, err := neo4j.GetRecordValue[int64](rec, "n")
	if err != nil {
		return batchResult{}, err
	}
	c.rows = int(n)
	for key, dst := range map[string]*int{"created": &c.created, "updated": &c.updated} {
		if _, ok := rec.Get(key); ok {
			v, _, err := neo4j.GetRecordValue[int64](rec, key)
			if err != nil {
				return batchResult{}, err
			}
			*dst = int(v)
		}
	}
	if _, ok := rec.Get("eids"); ok {
		if c.eids, _, err = neo4j.GetRecordValue[[]any](rec, "eids"); err != nil {
			return batchResult{}, err
		}
	}
	k := sum.Counters()
	c.nodesDeleted, c.relsDeleted = k.NodesDeleted(), k.RelationshipsDeleted()
	c.writes = k.NodesCreated() + k.NodesDeleted() + k.RelationshipsCreated() + k.RelationshipsDeleted() +
		k.PropertiesSet() + k.LabelsAdded() + k.LabelsRemoved()
	return c, nil
}
