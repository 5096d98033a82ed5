package neo4jstore

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Labels and names of the graph schema. Cypher text only ever interpolates
// these and the tables below, never caller input.
const (
	labelEntity = "Entity"
	labelSource = "Source"
	labelMeta   = "NormgraphMeta"
	metaID      = "dataset"

	fulltextIndex = "normgraph_entity_search"
	// fulltextAnalyzer splits on whitespace only: searchText is already
	// tokenized by normgraph.Tokenize, so the index must not re-tokenize it.
	fulltextAnalyzer = "whitespace"
)

var safeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// kindLabel and relType are the only way an EntityKind or RelationType
// reaches Cypher text: looked up in tables built from the domain enums, so an
// arbitrary string cast to those types cannot inject anything.
var (
	kindLabel   = map[normgraph.EntityKind]string{}
	labelKind   = map[string]normgraph.EntityKind{}
	relType     = map[normgraph.RelationType]string{}
	entityLabel []string // entity labels in canonical kind order
)

func init() {
	for _, k := range normgraph.EntityKinds {
		l := k.Label()
		if !safeName.MatchString(l) {
			panic(fmt.Sprintf("neo4jstore: label %q of kind %s is not a plain identifier", l, k))
		}
		kindLabel[k] = l
		labelKind[l] = k
		entityLabel = append(entityLabel, l)
	}
	for _, t := range normgraph.RelationTypes {
		if !safeName.MatchString(string(t)) {
			panic(fmt.Sprintf("neo4jstore: relationship type %q is not a plain identifier", t))
		}
		relType[t] = string(t)
	}
}

// relPattern is the type part of a relationship pattern (":A|B") for the
// given types; empty for all types. Unknown types are an argument error.
func relPattern(types []normgraph.RelationType) (string, error) {
	if len(types) == 0 {
		return "", nil
	}
	var names []string
	for _, t := range types {
		n, ok := relType[t]
		if !ok {
			return "", normgraph.Errorf(normgraph.EINVALID, "relations: unknown relationship type %q", t)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return ":" + strings.Join(names, "|"), nil
}

// schemaItem is one constraint or index, by name.
type schemaItem struct{ name, create string }

// schemaItems are what reads and seeding rely on. Every entity and source
// node also carries :Entity, whose constraint makes ids unique graph wide
// and gives MERGE and lookups by id one index to use.
func schemaItems() []schemaItem {
	var st []schemaItem
	uniq := func(name, label string) {
		st = append(st, schemaItem{name, fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", name, label)})
	}
	index := func(name, label, prop string) {
		st = append(st, schemaItem{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)", name, label, prop)})
	}
	uniq("normgraph_entity_id", labelEntity)
	for _, l := range append(slices.Clone(entityLabel), labelSource) {
		uniq("normgraph_"+strings.ToLower(l)+"_id", l)
	}
	uniq("normgraph_meta_id", labelMeta)
	for _, l := range entityLabel {
		index("normgraph_"+strings.ToLower(l)+"_sortkey", l, propSortKey)
	}
	index("normgraph_source_title", labelSource, "title")
	country := kindLabel[normgraph.KindCountry]
	index("normgraph_country_iso2", country, propISO2Key)
	index("normgraph_country_iso3", country, propISO3Key)
	index("normgraph_forum_type", kindLabel[normgraph.KindForum], "type")
	index("normgraph_initiative_type", kindLabel[normgraph.KindInitiative], "type")
	index("normgraph_norm_framework", kindLabel[normgraph.KindNorm], "framework")
	st = append(st, schemaItem{fulltextIndex, fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:%s) ON EACH [n.%s] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: '%s', `fulltext.eventually_consistent`: false}}",
		fulltextIndex, strings.Join(entityLabel, "|"), propSearchText, fulltextAnalyzer)})
	return st
}

// EnsureSchema creates the constraints and indexes the store needs, if they
// are missing, and waits until they are online: a search or MERGE issued
// right after must not fall back to a scan or miss rows. It is idempotent,
// and when everything is in place it costs one query (every statement a
// freshly started server has not seen costs it a planning pass). A
// full-text index left by an older definition (other labels or analyzer) is
// rebuilt, since IF NOT EXISTS alone would keep it.
func (s *Store) EnsureSchema(ctx context.Context) error {
	missing, settled, err := s.schemaState(ctx)
	if err != nil {
		return err
	}
	if err := s.createSchema(ctx, missing); err != nil {
		return err
	}
	if settled && len(missing) == 0 {
		return nil
	}
	return s.awaitSchema(ctx)
}

// schemaState lists the schema items that are missing (dropping a stale
// full-text index, which is then missing too) and says whether every index
// there is online.
func (s *Store) schemaState(ctx context.Context) (missing []schemaItem, settled bool, err error) {
	// A uniqueness constraint's backing index has the constraint's name.
	res, err := s.write(ctx, "SHOW INDEXES YIELD name, state, labelsOrTypes, properties, options "+
		"RETURN name, state, labelsOrTypes, properties, options.indexConfig['fulltext.analyzer'] AS analyzer", nil)
	if err != nil {
		return nil, false, s.fail(ctx, err, "ensure schema: show indexes")
	}
	have := map[string]bool{}
	settled = true
	for _, r := range res.Records {
		name, _, _ := neo4j.GetRecordValue[string](r, "name")
		state, _, _ := neo4j.GetRecordValue[string](r, "state")
		have[name] = true
		settled = settled && state == "ONLINE"
		if name != fulltextIndex {
			continue
		}
		labels, _, _ := neo4j.GetRecordValue[[]any](r, "labelsOrTypes")
		props, _, _ := neo4j.GetRecordValue[[]any](r, "properties")
		analyzer, _, _ := neo4j.GetRecordValue[string](r, "analyzer")
		got := anyStrings(labels)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(entityLabel))
		if slices.Equal(got, want) && slices.Equal(anyStrings(props), []string{propSearchText}) && analyzer == fulltextAnalyzer {
			continue
		}
		s.log.Warn().Strs("labels", got).Str("analyzer", analyzer).Msg("rebuilding full-text index with the current definition")
		if _, err := s.write(ctx, "DROP INDEX "+fulltextIndex+" IF EXISTS", nil); err != nil {
			return nil, false, s.fail(ctx, err, "ensure schema: drop stale full-text index")
		}
		have[name] = false
	}
	for _, it := range schemaItems() {
		if !have[it.name] {
			missing = append(missing, it)
		}
	}
	return missing, settled, nil
}

// createSchema creates items in one transaction: schema commands may share
// one (not with data writes), and one commit is far cheaper than twenty,
// on a freshly started server above all. A uniqueness constraint is
// usable once committed; indexes populate in the background until
// awaitSchema.
func (s *Store) createSchema(ctx context.Context, items []schemaItem) error {
	if len(items) == 0 {
		return nil
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer sess.Close(context.WithoutCancel(ctx))
	// The method, not neo4j.ExecuteWrite: that panics on a nil result.
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, it := range items {
			res, err := tx.Run(ctx, it.create, nil)
			if err == nil {
				_, err = res.Consume(ctx)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", it.create, err)
			}
		}
		return nil, nil
	})
	if err != nil {
		return s.fail(ctx, err, "ensure schema")
	}
	return nil
}

// awaitSchema waits until every index is online.
func (s *Store) awaitSchema(ctx context.Context) error {
	// db.awaitIndexes takes whole seconds.
	wait := int64(300)
	if d, ok := ctx.Deadline(); ok {
		wait = max(1, int64(time.Until(d)/time.Second))
	}
	if _, err := s.write(ctx, "CALL db.awaitIndexes($t)", map[string]any{"t": wait}); err != nil {
		return s.fail(ctx, err, "ensure schema: await indexes")
	}
	return nil
}

// isConstraint says whether a schema item is a uniqueness constraint, which
// writes rely on (lookups by id, no duplicate ids); the other items only
// serve reads.
func (it schemaItem) isConstraint() bool { return strings.HasPrefix(it.create, "CREATE CONSTRAINT ") }

// write runs one statement in its own write transaction (routed to the
// leader). Schema commands need their own transaction anyway.
func (s *Store) write(ctx context.Context, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	return neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithWritersRouting(),
		neo4j.ExecuteQueryWithDatabase(s.db))
}

// Wipe deletes every node and relationship of the database (the schema
// stays). It exists for tests, which need a known empty graph. It deletes
// relationships before nodes, in transactions of bounded size: a DETACH
// DELETE of a batch of well-connected nodes would pull all their
// relationships into one transaction and exceed a small server's memory.
func (s *Store) Wipe(ctx context.Context) error {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeWrite,
		DatabaseName:    s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer sess.Close(context.WithoutCancel(ctx))
	// CALL ... IN TRANSACTIONS needs an implicit (auto-commit) transaction.
	for _, q := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS",
		"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return s.fail(ctx, err, "wipe")
		}
	}
	return nil
}
