// Package graph is the GraphQL layer: gqlgen's generated executor plus thin
// resolvers that decode arguments, call the Store (through per-request
// dataloaders for anything reached from a parent) and map results.
package graph

//go:generate go tool gqlgen generate
//go:generate go run ./internal/execpatch generated.go
