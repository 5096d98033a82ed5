package normgraph

// Node is anything with a graph-wide id: an Entity or a Source.
type Node interface {
	NodeID() string
}

// Entity is one of the five kinds of entity. Every kind embeds EntityBase.
type Entity interface {
	Node
	Base() *EntityBase
}

// EntityBase holds what every entity has.
type EntityBase struct {
	ID          string
	Kind        EntityKind
	Name        string
	Description string
	// Aliases are other names the entity is known by: acronyms, former names.
	Aliases []string
	// SourceIDs cite the Sources that back the entity; never empty.
	SourceIDs []string
}

// NodeID implements Node.
func (b *EntityBase) NodeID() string { return b.ID }

// Base implements Entity.
func (b *EntityBase) Base() *EntityBase { return b }

// Priority is one of the seven International Cyber Policy Priorities.
type Priority struct {
	EntityBase
	ShortName string
	Order     int
}

// Norm is a norm of state behaviour in cyberspace.
type Norm struct {
	EntityBase
	Code      string
	Text      string
	Framework string
}

// Country is a state (or economy) identified by its ISO 3166-1 codes.
type Country struct {
	EntityBase
	ISO2      string
	ISO3      string
	Region    string
	Subregion string
}

// Forum is a multilateral, regional, multistakeholder or technical body.
type Forum struct {
	EntityBase
	Acronym string
	Type    string
	Founded int
	URL     string
}

// Initiative is a treaty, declaration, programme, call or similar undertaking.
type Initiative struct {
	EntityBase
	Type     string
	Launched *Date
	URL      string
}

// Source is a provenance document cited by entities and relationships.
type Source struct {
	ID        string
	Title     string
	Publisher string
	Published *Date
	URL       string
	// AsOf is the date a list backed by this source is accurate as of.
	AsOf *Date
}

// NodeID implements Node.
func (s *Source) NodeID() string { return s.ID }

// SortKey is the key lists of entities are ordered by (then by id): the name,
// except for priorities, which keep their fixed order.
func SortKey(e Entity) string {
	if p, ok := e.(*Priority); ok {
		return priorityKey(p.Order)
	}
	return e.Base().Name
}

func priorityKey(order int) string {
	const digits = "0123456789"
	if order < 0 || order > 99 {
		order = 99
	}
	return string([]byte{digits[order/10], digits[order%10]})
}

// Relation is one relationship of the graph, directed From -> To.
type Relation struct {
	Type  RelationType
	From  string
	To    string
	Since *Date
	Until *Date
	Role  string
	Note  string
	// SourceIDs cite the Sources that back the relationship; never empty.
	SourceIDs []string
}

// ID is the relationship's stable id: "from:TYPE:to". A (from, type, to)
// triple is unique in a dataset.
func (r *Relation) ID() string { return RelationID(r.From, r.Type, r.To) }

// RelationID builds a relationship id.
func RelationID(from string, t RelationType, to string) string {
	return from + ":" + string(t) + ":" + to
}

// InForce reports whether r is in force on asOf; a nil asOf keeps everything.
func (r *Relation) InForce(asOf *Date) bool {
	if asOf == nil || asOf.IsZero() {
		return true
	}
	return InForce(r.Since, r.Until, *asOf)
}
