package neo4jstore

// SchemaNames lists the constraints and indexes the store creates, split
// so that tests can drop them in order (constraints own their indexes).
func SchemaNames() (constraints, indexes []string) {
	for _, it := range schemaItems() {
		if it.isConstraint() {
			constraints = append(constraints, it.name)
		} else {
			indexes = append(indexes, it.name)
		}
	}
	return constraints, indexes
}
