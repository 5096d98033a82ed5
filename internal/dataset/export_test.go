package dataset

import "io/fs"

// LoadOrder is the order Load puts relationships in before it calls
// Dataset.Sort, as ids: the tests check it is already the canonical one, so
// that Sort has nothing to do on a large dataset.
func LoadOrder(fsys fs.FS) ([]string, error) {
	l := newLoader()
	if err := l.run(fsys); err != nil {
		return nil, err
	}
	ids := make([]string, len(l.rels))
	for i := range l.rels {
		ids[i] = l.relationID(&l.rels[i].relKey)
	}
	return ids, nil
}
