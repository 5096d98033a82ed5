package graph

import "github.com/normgraph/normgraph/internal/normgraph"

// Complexity estimates what a query costs before it runs, so that the server
// can refuse deep and wide traversals up front. A connection costs `first`
// times its children (default 50); a plain list that follows a relationship
// costs an estimate of its length times its children; graph questions cost
// their node limit.
//
// A `first` above maxFirst counts as maxFirst: the resolver rejects it with a
// clearer BAD_USER_INPUT error than a cost estimate could give.
func Complexity(maxFirst int) ComplexityRoot {
	var c ComplexityRoot
	conn := func(child int, first *int) int { return 1 + max(min(intOr(first, 50), maxFirst), 0)*max(child, 1) }
	list := func(n int) func(int) int { return func(child int) int { return 1 + n*max(child, 1) } }
	count := func(int, *normgraph.Date) int { return 5 }

	c.Priority.Fora = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Priority.Initiatives = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Priority.Norms = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }

	c.Norm.Priorities = list(7)
	c.Norm.AffirmedBy = func(ch int, first *int, _ *string) int { return conn(ch, first) }
	c.Norm.PromotedBy = func(ch int, first *int, _ *string) int { return conn(ch, first) }
	c.Norm.Endorsers = func(ch int, _ *normgraph.Date, first *int, _ *string) int { return conn(ch, first) }

	c.Country.Memberships = func(ch int, _ *normgraph.Date, first *int, _ *string) int { return conn(ch, first) }
	c.Country.Initiatives = func(ch int, _ *normgraph.Date, first *int, _ *string) int { return conn(ch, first) }
	c.Country.EndorsedNorms = func(ch int, first *int, _ *string) int { return conn(ch, first) }
	c.Country.Leads = list(10)

	c.Forum.Priorities = list(7)
	c.Forum.Members = func(ch int, _ *normgraph.Date, _ *normgraph.Filter, first *int, _ *string) int {
		return conn(ch, first)
	}
	c.Forum.MemberCount = count
	c.Forum.AffirmedNorms = list(20)
	c.Forum.Initiatives = func(ch int, first *int, _ *string) int { return conn(ch, first) }

	c.Initiative.Priorities = list(7)
	c.Initiative.Norms = list(20)
	c.Initiative.Participants = func(ch int, _ *normgraph.Date, _ *normgraph.Filter, first *int, _ *string) int {
		return conn(ch, first)
	}
	c.Initiative.ParticipantCount = count
	c.Initiative.HostedBy = list(3)
	c.Initiative.LeadCountries = list(5)

	c.Query.Priorities = list(7)
	c.Query.Norms = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Query.Countries = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Query.Fora = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Query.Initiatives = func(ch int, _ *normgraph.Filter, first *int, _ *string) int { return conn(ch, first) }
	c.Query.Sources = func(ch int, first *int, _ *string) int { return conn(ch, first) }
	c.Query.Search = func(ch int, _ string, _ []normgraph.EntityKind, first *int) int {
		return 10 + max(min(intOr(first, 20), normgraph.MaxSearchResults), 0)*max(ch, 1)
	}
	c.Query.Path = func(ch int, _, _ string, maxHops *int, _ []normgraph.RelationType) int {
		return 100*max(min(intOr(maxHops, 4), normgraph.MaxPathHops), 0) + ch
	}
	c.Query.Neighborhood = func(ch int, _ string, depth *int, _ []normgraph.EntityKind, _ []normgraph.RelationType, limit *int) int {
		return 50*max(min(intOr(depth, 1), normgraph.MaxNeighborhoodDepth), 0) + graphLimit(limit)*max(ch, 1)/10
	}
	c.Query.Subgraph = func(ch int, _ []normgraph.EntityKind, _ []normgraph.RelationType, limit *int) int {
		return 100 + graphLimit(limit)*max(ch, 1)/10
	}
	return c
}

func graphLimit(limit *int) int {
	return max(min(intOr(limit, normgraph.DefaultGraphLimit), normgraph.MaxSubgraphLimit), 0)
}
