package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// shapeLimit rejects operations that are too deep or use too many aliases or
// root fields, before any resolver runs. Cost (breadth) is the complexity
// limit's job; this catches what cost estimates miss, such as thousands of
// cheap aliased fields.
type shapeLimit struct {
	maxDepth, maxAliases, maxRootFields int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (shapeLimit) ExtensionName() string { return "ShapeLimit" }

// Validate implements graphql.HandlerExtension.
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l shapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := shapeWalker{fragments: oc.Doc.Fragments}
	roots := w.countFields(oc.Operation.SelectionSet, map[string]bool{})
	depth := w.depth(oc.Operation.SelectionSet, map[string]bool{})
	switch {
	case w.visits > maxVisits:
		return tooComplex("query expands to more than %d selections", maxVisits)
	case depth > l.maxDepth:
		return tooComplex("query depth %d exceeds the limit of %d", depth, l.maxDepth)
	case w.aliases > l.maxAliases:
		return tooComplex("query uses %d aliases, more than the limit of %d", w.aliases, l.maxAliases)
	case roots > l.maxRootFields:
		return tooComplex("query asks for %d root fields, more than the limit of %d", roots, l.maxRootFields)
	}
	return nil
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": CodeQueryTooComplex},
	}
}

type shapeWalker struct {
	fragments ast.FragmentDefinitionList
	aliases   int
	// visits bounds the walk: fragments spread inside fragments can make a
	// small document expand exponentially.
	visits int
}

// maxVisits is far above any honest query and far below a fragment bomb.
const maxVisits = 100_000

// depth is the deepest chain of fields; fragments count at the level they are spread.
func (w *shapeWalker) depth(set ast.SelectionSet, inFragment map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		if w.visits++; w.visits > maxVisits {
			return maxVisits
		}
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			deepest = max(deepest, 1+w.depth(s.SelectionSet, inFragment))
		case *ast.InlineFragment:
			deepest = max(deepest, w.depth(s.SelectionSet, inFragment))
		case *ast.FragmentSpread:
			if f := w.fragments.ForName(s.Name); f != nil && !inFragment[s.Name] {
				inFragment[s.Name] = true
				deepest = max(deepest, w.depth(f.SelectionSet, inFragment))
				delete(inFragment, s.Name)
			}
		}
	}
	return deepest
}

// countFields counts the fields of one level, looking through fragments.
func (w *shapeWalker) countFields(set ast.SelectionSet, inFragment map[string]bool) int {
	n := 0
	for _, sel := range set {
		if w.visits++; w.visits > maxVisits {
			return maxVisits
		}
		switch s := sel.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += w.countFields(s.SelectionSet, inFragment)
		case *ast.FragmentSpread:
			if f := w.fragments.ForName(s.Name); f != nil && !inFragment[s.Name] {
				inFragment[s.Name] = true
				n += w.countFields(f.SelectionSet, inFragment)
				delete(inFragment, s.Name)
			}
		}
	}
	return n
}
