package memstore

import (
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// copier makes the store's own copies of the dataset's entities and sources.
//
// Copying is what lets a big dataset's memory go once the caller drops it:
// the loader's entities sit scattered among its dead parse trees and
// relationships, and keeping them would keep those pages of the heap (some
// 20 MB at a million relationships) as well as the values. Every string is
// interned (generated and curated data alike repeat names, descriptions,
// regions and types a good deal), and source lists are the relationships'
// deduplicated ones.
type copier struct {
	rels *relTableBuilder
	strs map[string]string
}

func newCopier(rels *relTableBuilder) *copier {
	return &copier{rels: rels, strs: map[string]string{}}
}

// str returns the store's one copy of s.
func (c *copier) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := c.strs[s]; ok {
		return v
	}
	v := strings.Clone(s)
	c.strs[v] = v
	return v
}

func (c *copier) sourceIDs(ids []string) []string {
	return c.rels.t.srcLists[c.rels.sources(ids)]
}

func (c *copier) date(d *normgraph.Date) *normgraph.Date {
	if d == nil {
		return nil
	}
	v := *d
	return &v
}

// base copies src into dst, the new entity's own.
func (c *copier) base(dst, src *normgraph.EntityBase) {
	*dst = normgraph.EntityBase{
		ID: c.str(src.ID), Kind: normgraph.EntityKind(c.str(string(src.Kind))), Name: c.str(src.Name),
		Description: c.str(src.Description), SourceIDs: c.sourceIDs(src.SourceIDs),
	}
	if src.Aliases != nil {
		dst.Aliases = make([]string, len(src.Aliases))
		for i, a := range src.Aliases {
			dst.Aliases[i] = c.str(a)
		}
	}
}

// entity returns a deep copy of e. checkEntity has admitted only these five
// types; TestNewCopiesEveryField fails if one grows a field copied nowhere.
func (c *copier) entity(e normgraph.Entity) normgraph.Entity {
	switch v := e.(type) {
	case *normgraph.Priority:
		n := &normgraph.Priority{ShortName: c.str(v.ShortName), Order: v.Order}
		c.base(&n.EntityBase, &v.EntityBase)
		return n
	case *normgraph.Norm:
		n := &normgraph.Norm{Code: c.str(v.Code), Text: c.str(v.Text), Framework: c.str(v.Framework)}
		c.base(&n.EntityBase, &v.EntityBase)
		return n
	case *normgraph.Country:
		n := &normgraph.Country{ISO2: c.str(v.ISO2), ISO3: c.str(v.ISO3), Region: c.str(v.Region), Subregion: c.str(v.Subregion)}
		c.base(&n.EntityBase, &v.EntityBase)
		return n
	case *normgraph.Forum:
		n := &normgraph.Forum{Acronym: c.str(v.Acronym), Type: c.str(v.Type), Founded: v.Founded, URL: c.str(v.URL)}
		c.base(&n.EntityBase, &v.EntityBase)
		return n
	case *normgraph.Initiative:
		n := &normgraph.Initiative{Type: c.str(v.Type), Launched: c.date(v.Launched), URL: c.str(v.URL)}
		c.base(&n.EntityBase, &v.EntityBase)
		return n
	}
	return e
}

// source returns a deep copy of src.
func (c *copier) source(src *normgraph.Source) *normgraph.Source {
	return &normgraph.Source{ID: c.str(src.ID), Title: c.str(src.Title), Publisher: c.str(src.Publisher),
		Published: c.date(src.Published), URL: c.str(src.URL), AsOf: c.date(src.AsOf)}
}
