package normgraph

import "context"

// Store answers every question the API asks of the graph. Implementations:
// memstore (embedded, in memory) and neo4jstore. Both must give the same answers
// in the same order; internal/store/storetest holds the contract suite.
//
// Batch methods take many ids and return results aligned with them so that the
// API can answer a nested query with one Store call per nesting level.
type Store interface {
	// Entities returns the entities with the given ids, aligned with ids; nil
	// where an id is unknown or is not an entity.
	Entities(ctx context.Context, ids []string) ([]Entity, error)
	// Sources returns the sources with the given ids, aligned with ids; nil where unknown.
	Sources(ctx context.Context, ids []string) ([]*Source, error)
	// CountriesByCode resolves each code (id, ISO alpha-2 or alpha-3, any case)
	// to a country, aligned with codes; nil where none matches.
	CountriesByCode(ctx context.Context, codes []string) ([]*Country, error)

	// List returns one page of the entities of kind that pass filter, ordered by
	// SortKey then id.
	List(ctx context.Context, kind EntityKind, filter Filter, page PageArgs) (*Page, error)
	// ListSources returns one page of sources ordered by title then id.
	ListSources(ctx context.Context, page PageArgs) (*Page, error)
	// Related follows one relationship type from each of ids, in the given
	// direction, and returns one page of far ends per id (aligned with ids).
	Related(ctx context.Context, ids []string, t Traversal, page PageArgs) ([]*Page, error)

	// Search finds entities whose searchable text holds every token of q.Text
	// as a token prefix, best first (see Score).
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// ShortestPath returns a shortest path between two nodes, ignoring
	// direction, or nil if there is none within q.MaxHops.
	ShortestPath(ctx context.Context, q PathQuery) (*Path, error)
	// Neighborhood returns the nodes within q.Depth hops of q.ID and the
	// relationships between them.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (*Subgraph, error)
	// Subgraph returns the best connected nodes of the given kinds and the
	// relationships between them.
	Subgraph(ctx context.Context, q SubgraphQuery) (*Subgraph, error)
	// Stats counts the graph.
	Stats(ctx context.Context) (*Stats, error)

	// Ping reports whether the store can answer (readiness).
	Ping(ctx context.Context) error
}

// Direction says which way a Traversal follows relationships.
type Direction uint8

// Directions.
const (
	// Outgoing follows From -> To (e.g. a country's memberships).
	Outgoing Direction = iota + 1
	// Incoming follows To -> From (e.g. a forum's members).
	Incoming
)

// Traversal describes one hop of Related.
type Traversal struct {
	Type      RelationType
	Direction Direction
	// Kind keeps only far ends of this kind; "" keeps all. ADVANCES, for one,
	// reaches a priority from fora and initiatives alike.
	Kind EntityKind
	// AsOf keeps only relationships in force on that date; nil keeps all.
	AsOf *Date
	// Filter applies to the far ends.
	Filter Filter
}

// Validate checks t's arguments.
func (t Traversal) Validate() error {
	if !t.Type.IsValid() {
		return Errorf(EINVALID, "type: unknown relationship type %q", t.Type)
	}
	if t.Direction != Outgoing && t.Direction != Incoming {
		return Errorf(EINVALID, "direction: must be Outgoing or Incoming, got %d", t.Direction)
	}
	if t.Kind != "" && !t.Kind.IsValid() {
		return Errorf(EINVALID, "kind: unknown entity kind %q", t.Kind)
	}
	return nil
}

// Filter narrows a list of entities; all set fields must hold (AND). Each kind
// uses the fields that apply to it; the API only exposes those.
type Filter struct {
	// NameContains matches name or aliases, case-insensitively.
	NameContains string
	// Type is a forum or initiative type (exact).
	Type string
	// Framework is a norm framework (exact).
	Framework string
	// Region is a country's region or subregion (exact, case-insensitive).
	Region string
	// Advances (forum, initiative) and Supports (norm): any of these priorities.
	Advances []string
	Supports []string
	// MemberOf, ParticipatesIn, Endorses (country) and HasMembers (forum): all of these.
	MemberOf       []string
	ParticipatesIn []string
	Endorses       []string
	HasMembers     []string
	// AsOf applies to MemberOf, ParticipatesIn and HasMembers: only
	// relationships in force on that date count.
	AsOf *Date
}

// IsZero reports whether f filters nothing.
func (f Filter) IsZero() bool {
	return f.NameContains == "" && f.Type == "" && f.Framework == "" && f.Region == "" &&
		len(f.Advances) == 0 && len(f.Supports) == 0 && len(f.MemberOf) == 0 &&
		len(f.ParticipatesIn) == 0 && len(f.Endorses) == 0 && len(f.HasMembers) == 0
}

// Unlimited as PageArgs.First asks for every item (internal use: lists that
// are not connections, such as a norm's priorities).
const Unlimited = -1

// PageArgs selects a page: the First items after the After cursor.
type PageArgs struct {
	First int
	After *Cursor
}

// Validate checks p's arguments; the API caps First further.
func (p PageArgs) Validate() error {
	if p.First < 0 && p.First != Unlimited {
		return Errorf(EINVALID, "first: must not be negative, got %d", p.First)
	}
	return nil
}

// Page is one page of a list, in order.
type Page struct {
	Edges    []Edge
	PageInfo PageInfo
	// TotalCount counts the whole list, not just this page.
	TotalCount int
}

// Edge is one item of a Page: the node reached and, when the list follows a
// relationship, that relationship.
type Edge struct {
	Cursor string
	Node   Node
	// Relation is nil for lists that do not follow a relationship.
	Relation *Relation
}

// Since is the relationship's start, if any.
func (e Edge) Since() *Date {
	if e.Relation == nil {
		return nil
	}
	return e.Relation.Since
}

// Until is the relationship's end, if any.
func (e Edge) Until() *Date {
	if e.Relation == nil {
		return nil
	}
	return e.Relation.Until
}

// Role is the relationship's role, if any.
func (e Edge) Role() *string {
	if e.Relation == nil || e.Relation.Role == "" {
		return nil
	}
	return &e.Relation.Role
}

// Note is the relationship's note, if any.
func (e Edge) Note() *string {
	if e.Relation == nil || e.Relation.Note == "" {
		return nil
	}
	return &e.Relation.Note
}

// PageInfo is Relay's page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// SearchQuery asks Store.Search.
type SearchQuery struct {
	Text string
	// Kinds restricts the hits; empty means every kind.
	Kinds []EntityKind
	First int
}

// SearchHit is one search result.
type SearchHit struct {
	Node  Entity
	Score float64
}

// PathQuery asks Store.ShortestPath.
type PathQuery struct {
	From, To string
	MaxHops  int
	// Relations restricts the relationships a path may use; empty means all.
	Relations []RelationType
}

// Path is a path through the graph: Nodes[i] and Nodes[i+1] are joined by Edges[i].
type Path struct {
	Nodes []Entity
	Edges []GraphEdge
}

// Length is the number of relationships on the path.
func (p *Path) Length() int { return len(p.Edges) }

// NeighborhoodQuery asks Store.Neighborhood.
type NeighborhoodQuery struct {
	ID    string
	Depth int
	// Kinds restricts the nodes reached (the centre is always kept); empty means all.
	Kinds []EntityKind
	// Relations restricts the relationships followed; empty means all.
	Relations []RelationType
	// Limit caps the number of nodes; Subgraph.Truncated says when it bit.
	Limit int
}

// SubgraphQuery asks Store.Subgraph.
type SubgraphQuery struct {
	Kinds     []EntityKind
	Relations []RelationType
	Limit     int
}

// Subgraph is a set of nodes and the relationships between them, for drawing.
type Subgraph struct {
	Nodes     []GraphNode
	Edges     []GraphEdge
	Truncated bool
}

// GraphNode is a node of a Subgraph.
type GraphNode struct {
	ID   string
	Kind EntityKind
	// Label is the text to draw: the acronym or short name if any, else the name.
	Label string
	// Degree counts all the node's relationships in the whole graph.
	Degree int
}

// GraphEdge is a relationship of a Subgraph or Path.
type GraphEdge struct {
	ID     string
	Type   RelationType
	Source string
	Target string
	Since  *Date
	Until  *Date
}

// EdgeOf turns a relationship into a GraphEdge.
func EdgeOf(r *Relation) GraphEdge {
	return GraphEdge{ID: r.ID(), Type: r.Type, Source: r.From, Target: r.To, Since: r.Since, Until: r.Until}
}

// Stats counts the graph.
type Stats struct {
	Entities   int
	Relations  int
	Sources    int
	ByKind     []KindCount
	ByRelation []RelationCount
	// DatasetVersion identifies the data the store holds (see Dataset.Version).
	DatasetVersion string
}

// KindCount is a count of entities of one kind.
type KindCount struct {
	Kind  EntityKind
	Count int
}

// RelationCount is a count of relationships of one type.
type RelationCount struct {
	Type  RelationType
	Count int
}
