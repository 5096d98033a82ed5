package neo4jstore

import (
	"context"
	"errors"
	"fmt"
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
	Nodes         SeedCounts
	Relationships SeedCounts
	// Writes is the number of changes the server reported (nodes and
	// relationships created or deleted, properties set, labels added or
	// removed). It is zero when the graph already equalled the dataset.
	Writes int
	// DatasetVersion is the version now recorded in the graph.
	DatasetVersion string
	Elapsed        time.Duration
	// Phases times each step, in the order they ran, for tuning.
	Phases []SeedPhase
}

// SeedCounts counts nodes or relationships by what Seed did to them.
type SeedCounts struct {
	Created   int
	Updated   int
	Deleted   int
	Unchanged int
}

// SeedPhase is one timed step of Seed.
type SeedPhase struct {
	Name    string
	Rows    int
	Elapsed time.Duration
}

// SeedProgress is reported after every committed batch.
type SeedProgress struct {
	// Step names the kind of batch: "delete relationships", "nodes Country",
	// "relationships MEMBER_OF", ...
	Step string
	// Done and Total count the rows of this step.
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
	DefaultRelationshipBatch = 10000
)

// DefaultWriters is how many relationship batches are written at once. The
// server applies each transaction on one core; two keep a small server busy
// without many lock conflicts between batches.
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

// WithWriters sets how many relationship batches are written concurrently
// (n < 1 keeps DefaultWriters). More writers help a server with more cores.
func WithWriters(n int) SeedOption {
	return func(c *seedConfig) {
		if n > 0 {
			c.writers = n
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

// Seed makes the graph exactly equal to ds and records ds.Version().
//
// It reads what the graph holds (ids and content hashes), writes only the
// difference in batched UNWIND transactions, and deletes what ds no longer
// holds. Every write is idempotent (MERGE on the unique id, SET only when the
// hash differs), so a retried transaction or a rerun after an interrupted
// load converges on the same graph; a second Seed of the same data writes
// nothing. While a load is incomplete the graph records no version, so Stats
// never claims a version the data does not match.
//
// Nodes or relationships edited behind Seed's back keep their hash and are
// not noticed; Wipe, then Seed, if that may have happened.
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
	if err := sd.run(ctx, ds); err != nil {
		return sd.rep, err
	}
	sd.rep.Elapsed = time.Since(sd.start)
	s.log.Info().Int("nodesCreated", sd.rep.Nodes.Created).Int("nodesUpdated", sd.rep.Nodes.Updated).
		Int("nodesDeleted", sd.rep.Nodes.Deleted).Int("relsCreated", sd.rep.Relationships.Created).
		Int("relsUpdated", sd.rep.Relationships.Updated).Int("relsDeleted", sd.rep.Relationships.Deleted).
		Str("version", sd.rep.DatasetVersion).Dur("elapsed", sd.rep.Elapsed).Msg("seeded neo4j")
	return sd.rep, nil
}

type seeder struct {
	*Store
	cfg   seedConfig
	sess  neo4j.SessionWithContext
	start time.Time
	phase time.Time

	mu  sync.Mutex // guards rep while relationship writers run
	rep *SeedReport
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
	nodeState []uint8
	rels      []*normgraph.Relation
	relHash   []int64
	relState  []uint8
	// junkNodes are element ids of nodes that are not entity or source nodes
	// as Seed writes them (no id, no :Entity, unknown labels).
	junkNodes []string
	// staleNodes are ids of entity or source nodes ds does not hold.
	staleNodes []string
	// staleRels are relationships ds does not hold, or holds once but the
	// graph more than once (all copies go, then one is created).
	staleRels    []relKey
	unknownTypes int
	version      string
	metaVersion  string
}

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
	return p.metaVersion != p.version
}

func (sd *seeder) run(ctx context.Context, ds *normgraph.Dataset) error {
	version := make(chan string, 1)
	go func() { version <- ds.Version() }() // hashing the dataset is slow; overlap it

	if err := sd.EnsureSchema(ctx); err != nil {
		return err
	}
	sd.mark("schema", 0)
	p, err := sd.desired(ds)
	if err != nil {
		<-version
		return err
	}
	sd.mark("hash dataset", len(p.nodes)+len(p.rels))
	if err := sd.readGraph(ctx, p); err != nil {
		<-version
		return err
	}
	sd.mark("read graph", 0)
	p.version = <-version

	recorded := p.metaVersion
	if p.changes() && recorded != "" {
		// From here until the last step the graph matches neither the old
		// version nor the new one: say so.
		if _, err := sd.batch(ctx, "MATCH (m:"+labelMeta+" {id: $id}) REMOVE m.version RETURN count(*) AS n",
			map[string]any{"id": metaID}); err != nil {
			return sd.fail(ctx, err, "seed: clear dataset version")
		}
		recorded = ""
	}
	if err := sd.deleteStale(ctx, p); err != nil {
		return err
	}
	if err := sd.writeNodes(ctx, p); err != nil {
		return err
	}
	if err := sd.writeRels(ctx, p); err != nil {
		return err
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

// desired computes the rows and content hashes of ds. Relationship hashes
// are computed on all cores: at a million relationships they are most of
// Seed's own CPU time.
func (sd *seeder) desired(ds *normgraph.Dataset) (*plan, error) {
	p := &plan{}
	for _, src := range ds.Sources {
		if src == nil {
			return nil, errors.New("neo4jstore: seed: nil source")
		}
		p.nodes = append(p.nodes, sourceRow(src))
	}
	for _, e := range ds.Entities {
		if e == nil {
			return nil, errors.New("neo4jstore: seed: nil entity")
		}
		if _, ok := kindLabel[e.Base().Kind]; !ok {
			return nil, fmt.Errorf("neo4jstore: seed: entity %q has unknown kind %q", e.NodeID(), e.Base().Kind)
		}
		p.nodes = append(p.nodes, entityRow(e))
	}
	p.nodeState = make([]uint8, len(p.nodes))
	p.rels = ds.Relations
	for _, r := range p.rels {
		if r == nil {
			return nil, errors.New("neo4jstore: seed: nil relation")
		}
		if _, ok := relType[r.Type]; !ok {
			return nil, fmt.Errorf("neo4jstore: seed: relation %s has unknown type", r.ID())
		}
	}
	p.relHash = make([]int64, len(p.rels))
	p.relState = make([]uint8, len(p.rels))
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(p.rels) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(p.rels); lo += chunk {
		hi := min(lo+chunk, len(p.rels))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				p.relHash[i] = relationRow(p.rels[i]).hash
			}
		}()
	}
	wg.Wait()
	return p, nil
}

// readGraph compares the graph with the plan's rows. It streams: a million
// relationships never sit in memory as records.
func (sd *seeder) readGraph(ctx context.Context, p *plan) error {
	wantNode := make(map[string]int, len(p.nodes))
	for i, n := range p.nodes {
		if _, dup := wantNode[n.id]; dup {
			return fmt.Errorf("neo4jstore: seed: duplicate id %q", n.id)
		}
		wantNode[n.id] = i
	}
	wantRel := make(map[relKey]int32, len(p.rels))
	for i, r := range p.rels {
		k := relKey{r.Type, r.From, r.To}
		if _, dup := wantRel[k]; dup {
			return fmt.Errorf("neo4jstore: seed: duplicate relation %s", r.ID())
		}
		wantRel[k] = int32(i)
	}
	known := map[string]bool{labelEntity: true, labelSource: true}
	for _, l := range entityLabel {
		known[l] = true
	}
	// junkIDs are ids of entity nodes that will be deleted and recreated:
	// their relationships go with them, whatever their hash says.
	junkIDs := map[string]bool{}

	// The graph is read on the leader (a write transaction), since Seed
	// acts on what it reads.
	_, err := sd.sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		clear(p.nodeState)
		clear(p.relState)
		p.junkNodes, p.staleNodes, p.staleRels, p.unknownTypes, p.metaVersion = nil, nil, nil, 0, ""
		clear(junkIDs)

		res, err := tx.Run(ctx, "OPTIONAL MATCH (m:"+labelMeta+" {id: $id}) RETURN m.version AS v", map[string]any{"id": metaID})
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		if p.metaVersion, _, err = neo4j.GetRecordValue[string](rec, "v"); err != nil {
			return nil, err
		}

		res, err = tx.Run(ctx, "MATCH (n) WHERE NOT n:"+labelMeta+
			" RETURN elementId(n) AS eid, n.id AS id, n.hash AS hash, labels(n) AS labels", nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			eid, _, err := neo4j.GetRecordValue[string](rec, "eid")
			if err != nil {
				return nil, err
			}
			id, noID, errID := neo4j.GetRecordValue[string](rec, "id")
			// A missing or mistyped hash reads as 0, which no content has
			// (in practice), so the node is rewritten.
			hash, _, _ := neo4j.GetRecordValue[int64](rec, "hash")
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
					junkIDs[id] = true
				}
				continue
			}
			i, ok := wantNode[id]
			if !ok {
				p.staleNodes = append(p.staleNodes, id)
				continue
			}
			if hash == p.nodes[i].hash && len(labels) == 2 && slices.Contains(labels, p.nodes[i].label) {
				p.nodeState[i] = stateSame
			} else {
				p.nodeState[i] = stateDiffers
			}
		}
		if err := res.Err(); err != nil {
			return nil, err
		}

		res, err = tx.Run(ctx, "MATCH (a)-[r]->(b) WHERE a:"+labelEntity+" AND b:"+labelEntity+
			" RETURN type(r) AS t, a.id AS f, b.id AS to, r.hash AS h", nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			t, _, err := neo4j.GetRecordValue[string](rec, "t")
			if err != nil {
				return nil, err
			}
			from, _, err1 := neo4j.GetRecordValue[string](rec, "f")
			to, _, err2 := neo4j.GetRecordValue[string](rec, "to")
			hash, _, _ := neo4j.GetRecordValue[int64](rec, "h")
			if junkIDs[from] || junkIDs[to] {
				continue // goes with its node
			}
			rt := normgraph.RelationType(t)
			if _, ok := relType[rt]; !ok || err1 != nil || err2 != nil {
				p.unknownTypes++
				continue
			}
			k := relKey{rt, from, to}
			i, ok := wantRel[k]
			if !ok {
				p.staleRels = append(p.staleRels, k)
				continue
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
		return nil, res.Err()
	})
	if err != nil {
		return sd.fail(ctx, err, "seed: read graph")
	}
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
		c, err := sd.batch(ctx, "MATCH ()-[r]->() WHERE NOT type(r) IN $known DELETE r RETURN count(*) AS n",
			map[string]any{"known": known})
		if err != nil {
			return sd.fail(ctx, err, "seed: delete relationships of unknown types")
		}
		sd.rep.Relationships.Deleted += c.relsDeleted
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

	if err := sd.batches(ctx, "delete junk nodes",
		"UNWIND $rows AS eid MATCH (n) WHERE elementId(n) = eid DETACH DELETE n RETURN count(*) AS n",
		sd.cfg.nodeBatch, len(p.junkNodes), func(lo, hi int) any { return p.junkNodes[lo:hi] },
		func(c batchResult) {
			sd.rep.Nodes.Deleted += c.nodesDeleted
			sd.rep.Relationships.Deleted += c.relsDeleted
		}); err != nil {
		return err
	}
	if err := sd.batches(ctx, "delete nodes",
		"UNWIND $rows AS id MATCH (n:"+labelEntity+" {id: id}) DETACH DELETE n RETURN count(*) AS n",
		sd.cfg.nodeBatch, len(p.staleNodes), func(lo, hi int) any { return p.staleNodes[lo:hi] },
		func(c batchResult) {
			sd.rep.Nodes.Deleted += c.nodesDeleted
			sd.rep.Relationships.Deleted += c.relsDeleted
		}); err != nil {
		return err
	}
	sd.mark("delete nodes", len(p.junkNodes)+len(p.staleNodes))
	return nil
}

// writeNodes writes the nodes that are missing or differ, one label at a
// time per statement since labels cannot be parameters.
func (sd *seeder) writeNodes(ctx context.Context, p *plan) error {
	create := map[string][]int{}
	update := map[string][]int{}
	total := 0
	for i, n := range p.nodes {
		switch p.nodeState[i] {
		case stateAbsent:
			create[n.label] = append(create[n.label], i)
		case stateDiffers:
			update[n.label] = append(update[n.label], i)
		default:
			continue
		}
		total++
	}
	all := append(slices.Clone(entityLabel), labelSource)
	var jobs []writeJob
	for _, l := range all {
		var others []string
		for _, o := range all {
			if o != l {
				others = append(others, o)
			}
		}
		// MERGE creates with just the id, which is how a created node is
		// told from an updated one; the FOREACH writes only rows whose hash
		// or labels differ, so a repeated batch changes nothing.
		upsert := "UNWIND $rows AS row MERGE (n:" + labelEntity + " {id: row.id}) " +
			"WITH n, row, n.hash AS old, n:" + l + " AND size(labels(n)) = 2 AS labelled " +
			"FOREACH (_ IN CASE WHEN old IS NULL OR old <> row.hash OR NOT labelled THEN [1] ELSE [] END | " +
			"SET n = row.props REMOVE n:" + strings.Join(others, ":") + " SET n:" + l + ") " +
			"RETURN count(*) AS n, count(CASE WHEN old IS NULL THEN 1 END) AS created, " +
			"count(CASE WHEN old IS NOT NULL AND (old <> row.hash OR NOT labelled) THEN 1 END) AS updated"
		insert := "UNWIND $rows AS row CREATE (n:" + labelEntity + ":" + l + ") SET n = row.props " +
			"RETURN count(*) AS n, count(*) AS created, 0 AS updated"
		probe := "MATCH (n:" + labelEntity + " {id: $rows[0].id}) RETURN count(n) AS n"
		rows := func(idx []int) (map[string]any, int) {
			rows := make([]map[string]any, len(idx))
			for k, i := range idx {
				rows[k] = p.nodes[i].param()
			}
			return map[string]any{"rows": rows}, len(rows)
		}
		jobs = append(jobs, sd.jobs("nodes "+l, create[l], insert, probe, upsert, true, rows)...)
		jobs = append(jobs, sd.jobs("nodes "+l, update[l], upsert, "", "", true, rows)...)
	}
	if err := sd.parallel(ctx, jobs); err != nil {
		return err
	}
	sd.mark("write nodes", total)
	return nil
}

// writeRels writes the relationships that are missing or differ, one type
// at a time per statement since types cannot be parameters. Endpoints are
// found through the :Entity id constraint's index.
func (sd *seeder) writeRels(ctx context.Context, p *plan) error {
	create := map[normgraph.RelationType][]int{}
	update := map[normgraph.RelationType][]int{}
	total := 0
	for i, r := range p.rels {
		switch p.relState[i] {
		case stateAbsent, stateDuplicate: // all copies of a duplicate were deleted
			create[r.Type] = append(create[r.Type], i)
		case stateDiffers:
			update[r.Type] = append(update[r.Type], i)
		default:
			continue
		}
		total++
	}
	var jobs []writeJob
	for _, t := range normgraph.RelationTypes {
		typ := relType[t]
		// Absent relationships: the batch's distinct endpoints are looked up
		// once each (a batch of memberships names far fewer nodes than rows)
		// and rows refer to them by position. ORDER BY i before collect is
		// what makes positions in the collected lists match the parameters.
		ends := "CALL () { UNWIND range(0, size($froms) - 1) AS i OPTIONAL MATCH (n:" + labelEntity + " {id: $froms[i]}) " +
			"WITH i, n ORDER BY i RETURN collect([n]) AS fs } " +
			"CALL () { UNWIND range(0, size($tos) - 1) AS i OPTIONAL MATCH (n:" + labelEntity + " {id: $tos[i]}) " +
			"WITH i, n ORDER BY i RETURN collect([n]) AS ts } " +
			"UNWIND $rows AS row WITH fs[row[0]][0] AS a, ts[row[1]][0] AS b, row[2] AS props " +
			"WHERE a IS NOT NULL AND b IS NOT NULL "
		insert := ends + "CREATE (a)-[r:" + typ + "]->(b) SET r = props RETURN count(*) AS n, count(*) AS created, 0 AS updated"
		guarded := ends + "WITH a, b, props, EXISTS { (a)-[:" + typ + "]->(b) } AS had " +
			"FOREACH (_ IN CASE WHEN had THEN [] ELSE [1] END | CREATE (a)-[r:" + typ + "]->(b) SET r = props) " +
			"RETURN count(*) AS n, count(CASE WHEN NOT had THEN 1 END) AS created, 0 AS updated"
		probe := "MATCH (:" + labelEntity + " {id: $froms[0]})-[r:" + typ + "]->(:" + labelEntity + " {id: $tos[0]}) RETURN count(r) AS n"
		// Relationships whose content differs are few: MERGE and the hash
		// check keep that path simple and idempotent.
		upsert := "UNWIND $rows AS row MATCH (a:" + labelEntity + " {id: row.from}) MATCH (b:" + labelEntity + " {id: row.to}) " +
			"MERGE (a)-[r:" + typ + "]->(b) WITH r, row, r.hash AS old " +
			"FOREACH (_ IN CASE WHEN old IS NULL OR old <> row.hash THEN [1] ELSE [] END | SET r = row.props) " +
			"RETURN count(*) AS n, count(CASE WHEN old IS NULL THEN 1 END) AS created, " +
			"count(CASE WHEN old IS NOT NULL AND old <> row.hash THEN 1 END) AS updated"
		jobs = append(jobs, sd.jobs("relationships "+typ, create[t], insert, probe, guarded, false, func(idx []int) (map[string]any, int) {
			return indexedRows(p, idx), len(idx)
		})...)
		jobs = append(jobs, sd.jobs("relationships "+typ, update[t], upsert, "", "", false, func(idx []int) (map[string]any, int) {
			rows := make([]map[string]any, len(idx))
			for k, i := range idx {
				rows[k] = relationRow(p.rels[i]).param()
			}
			return map[string]any{"rows": rows}, len(rows)
		})...)
	}
	if err := sd.parallel(ctx, jobs); err != nil {
		return err
	}
	sd.mark("write relationships", total)
	return nil
}

// indexedRows are the parameters of a batch of relationships to create:
// the distinct endpoint ids and one [from position, to position, props] row
// per relationship.
func indexedRows(p *plan, idx []int) map[string]any {
	fromPos, toPos := map[string]int64{}, map[string]int64{}
	var froms, tos []string
	rows := make([][]any, len(idx))
	for k, i := range idx {
		r := p.rels[i]
		f, ok := fromPos[r.From]
		if !ok {
			f = int64(len(froms))
			fromPos[r.From] = f
			froms = append(froms, r.From)
		}
		t, ok := toPos[r.To]
		if !ok {
			t = int64(len(tos))
			toPos[r.To] = t
			tos = append(tos, r.To)
		}
		props := relProps(r)
		props[propHash] = p.relHash[i]
		rows[k] = []any{f, t, map[string]any(props)}
	}
	return map[string]any{"froms": froms, "tos": tos, "rows": rows}
}

// writeJob is one batch of rows for parallel.
//
// Rows the plan knows to be absent are written with a plain CREATE, much
// cheaper for the server than MERGE's locking or a per-row existence check.
// That is safe because a batch commits atomically: if its first row exists
// (probe), an earlier attempt of this very batch committed (the driver
// retries when a commit's outcome is unknown) or someone else wrote it, and
// the batch runs the idempotent fallback statement instead.
type writeJob struct {
	step            string
	cypher          string
	probe, fallback string
	nodes           bool // counts go to SeedReport.Nodes, else Relationships
	idx             []int
	// params builds the batch's parameters (when it is sent, so that only
	// the batches in flight are in memory) and says how many rows it has.
	params      func([]int) (map[string]any, int)
	done, total int
}

// jobs cuts idx into batches of one statement.
func (sd *seeder) jobs(step string, idx []int, cypher, probe, fallback string, nodes bool, params func([]int) (map[string]any, int)) []writeJob {
	size := sd.cfg.relBatch
	if nodes {
		size = sd.cfg.nodeBatch
	}
	var out []writeJob
	for lo := 0; lo < len(idx); lo += size {
		hi := min(lo+size, len(idx))
		out = append(out, writeJob{step: step, cypher: cypher, probe: probe, fallback: fallback, nodes: nodes,
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
				c, err := sd.writeBatch(ctx, sess, j, params)
				if err != nil {
					cancel(sd.fail(ctx, err, "seed: %s", j.step))
					continue
				}
				if c.rows != n {
					cancel(fmt.Errorf("neo4jstore: seed: %s: %d of %d rows found both ends (a relation names an id that is not in the dataset?)",
						j.step, c.rows, n))
					continue
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

// writeBatch runs a job's batch: the probe (if any) and then the statement
// or its fallback, in one transaction.
func (sd *seeder) writeBatch(ctx context.Context, sess neo4j.SessionWithContext, j writeJob, params map[string]any) (batchResult, error) {
	return sd.commit(ctx, sess, func(ctx context.Context, tx neo4j.ManagedTransaction) (batchResult, error) {
		cypher := j.cypher
		if j.probe != "" {
			res, err := tx.Run(ctx, j.probe, params)
			if err != nil {
				return batchResult{}, err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return batchResult{}, err
			}
			if n, _, err := neo4j.GetRecordValue[int64](rec, "n"); err != nil {
				return batchResult{}, err
			} else if n > 0 {
				cypher = j.fallback
			}
		}
		return runCounted(ctx, tx, cypher, params)
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
// optionally created and updated, and collects the server's counters.
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
	k := sum.Counters()
	c.nodesDeleted, c.relsDeleted = k.NodesDeleted(), k.RelationshipsDeleted()
	c.writes = k.NodesCreated() + k.NodesDeleted() + k.RelationshipsCreated() + k.RelationshipsDeleted() +
		k.PropertiesSet() + k.LabelsAdded() + k.LabelsRemoved()
	return c, nil
}
