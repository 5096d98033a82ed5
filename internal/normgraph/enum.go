package normgraph

import (
	"io"
	"strconv"
)

// MarshalGQL writes k as a GraphQL enum value (gqlgen's Marshaler contract).
func (k EntityKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads a GraphQL EntityKind.
func (k *EntityKind) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !EntityKind(s).IsValid() {
		return Errorf(EINVALID, "%v is not a valid EntityKind", v)
	}
	*k = EntityKind(s)
	return nil
}

// MarshalGQL writes t as a GraphQL enum value (gqlgen's Marshaler contract).
func (t RelationType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads a GraphQL RelationType.
func (t *RelationType) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !RelationType(s).IsValid() {
		return Errorf(EINVALID, "%v is not a valid RelationType", v)
	}
	*t = RelationType(s)
	return nil
}
