package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Automatic persisted queries (APQ): a client sends the sha256 of a query
// instead of its text once the server has seen it, which keeps GET URLs short
// enough for CDNs and saves upload. The cache is bounded twice, in entries
// and in the size of one entry, because its entries are whatever clients
// send: at most apqCacheEntries x apqMaxQueryBytes (16 MiB) of memory.
const (
	apqCacheEntries  = 1000
	apqMaxQueryBytes = 16 << 10
)

// PersistedQueries is an allowlist of operations: the sha256 of each query
// document (lowercase hex) mapped to its text. When Config.PersistedQueries
// is set, the server runs only these documents, so that a public deployment
// serves exactly the queries its own front ends make.
type PersistedQueries map[string]string

// LoadPersistedQueries reads an allowlist from path, which is either a JSON
// file mapping sha256 hex to query text:
//
//	{"3f9a...": "query CountryById($id: ID!) { country(id: $id) { name } }"}
//
// or a directory whose *.graphql files (searched recursively) are the
// queries, each hashed over its exact bytes: no normgraph tool is needed to
// build the list, any sha256sum agrees with it. A client must send the
// query's text byte for byte (or only its hash). Every problem is an error:
// a hash that is not the sha256 of its query, an empty query, an empty list.
func LoadPersistedQueries(path string) (PersistedQueries, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("persisted queries: %w", err)
	}
	pq := PersistedQueries{}
	if info.IsDir() {
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".graphql") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.TrimSpace(string(b)) == "" {
				return fmt.Errorf("%s: empty query", p)
			}
			pq[hashQuery(string(b))] = string(b)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("persisted queries: %w", err)
		}
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("persisted queries: %w", err)
		}
		var raw map[string]string
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("persisted queries: %s: want a JSON object of sha256 hex to query text: %w", path, err)
		}
		var problems []string
		for h, q := range raw {
			switch {
			case strings.TrimSpace(q) == "":
				problems = append(problems, fmt.Sprintf("%s: empty query", h))
			case !strings.EqualFold(h, hashQuery(q)):
				problems = append(problems, fmt.Sprintf("%s: not the sha256 of its query (that is %s)", h, hashQuery(q)))
			default:
				pq[strings.ToLower(h)] = q
			}
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			return nil, fmt.Errorf("persisted queries: %s:\n  %s", path, strings.Join(problems, "\n  "))
		}
	}
	if len(pq) == 0 {
		return nil, fmt.Errorf("persisted queries: %s holds no queries", path)
	}
	return pq, nil
}

func hashQuery(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// persistedQueryHash reads extensions.persistedQuery (Apollo's APQ protocol,
// version 1); has is false when the request carries none.
func persistedQueryHash(ext map[string]any) (hash string, has bool, err *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", false, nil
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return "", true, badPersistedQuery("extensions.persistedQuery must be an object")
	}
	if v, _ := pq["version"].(json.Number); v.String() != "1" {
		return "", true, badPersistedQuery("extensions.persistedQuery.version must be 1")
	}
	hash, _ = pq["sha256Hash"].(string)
	if hash == "" {
		return "", true, badPersistedQuery("extensions.persistedQuery.sha256Hash must be a sha256 in hex")
	}
	return strings.ToLower(hash), true, nil
}

func badPersistedQuery(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput}}
}

// allowlist runs only the operations of a PersistedQueries list, whether the
// client sends the hash alone (APQ style) or the full text.
type allowlist struct{ queries PersistedQueries }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = allowlist{}

// ExtensionName implements graphql.HandlerExtension.
func (allowlist) ExtensionName() string { return "PersistedQueryAllowlist" }

// Validate implements graphql.HandlerExtension.
func (allowlist) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (a allowlist) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash, has, err := persistedQueryHash(p.Extensions)
	if err != nil {
		return err
	}
	if p.Query == "" {
		q, ok := a.queries[hash]
		if !ok {
			return notAllowed(hash)
		}
		p.Query = q
		return nil
	}
	actual := hashQuery(p.Query)
	if has && hash != actual {
		return badPersistedQuery("extensions.persistedQuery.sha256Hash is not the sha256 of the query")
	}
	if _, ok := a.queries[actual]; !ok {
		return notAllowed(actual)
	}
	return nil
}

func notAllowed(hash string) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("this server runs only its allowlisted persisted queries, and the query with sha256 %s is not one of them",
			truncate(hash, 64)),
		Extensions: map[string]any{"code": CodePersistedQueryNotAllowed},
	}
}

// apq is gqlgen's AutomaticPersistedQuery with codes on its errors: gqlgen
// leaves some without one, and the error presenter would hide those as
// internal errors.
type apq struct {
	extension.AutomaticPersistedQuery
}

func newAPQ() apq {
	return apq{extension.AutomaticPersistedQuery{Cache: boundedCache{lru.New[string](apqCacheEntries)}}}
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (a apq) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, _, err := persistedQueryHash(p.Extensions); err != nil {
		return err
	}
	err := a.AutomaticPersistedQuery.MutateOperationParameters(ctx, p)
	if err != nil && !hasCode(err) {
		setCode(err, CodeBadUserInput)
	}
	return err
}

// boundedCache keeps queries larger than apqMaxQueryBytes out of the APQ
// cache: they still run, they are just not remembered.
type boundedCache struct{ graphql.Cache[string] }

// Add implements graphql.Cache.
func (c boundedCache) Add(ctx context.Context, key, value string) {
	if len(value) <= apqMaxQueryBytes {
		c.Cache.Add(ctx, key, value)
	}
}

// noAPQ answers hash-only requests when automatic persisted queries are off,
// in the words APQ clients understand, instead of a puzzling "no operation
// provided".
type noAPQ struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = noAPQ{}

// ExtensionName implements graphql.HandlerExtension.
func (noAPQ) ExtensionName() string { return "NoPersistedQueries" }

// Validate implements graphql.HandlerExtension.
func (noAPQ) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (noAPQ) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" && p.Extensions["persistedQuery"] != nil {
		return &gqlerror.Error{Message: "PersistedQueryNotSupported",
			Extensions: map[string]any{"code": CodePersistedQueryNotSupported}}
	}
	return nil
}
