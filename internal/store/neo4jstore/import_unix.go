//go:build unix

package neo4jstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// checkNotInUse refuses to import into a database whose files a running
// server holds. Neo4j locks data/databases/store_lock (the server) and
// data/databases/<db>/database_lock (the database) with POSIX record locks
// (Java's FileChannel.tryLock), which F_GETLK sees without taking them.
// Files that do not exist are not locked; a data directory moved by
// neo4j.conf is not looked at here, and the importer checks it itself.
func checkNotInUse(home, db string) error {
	data := filepath.Join(home, "data", "databases")
	for _, p := range []string{filepath.Join(data, "store_lock"), filepath.Join(data, db, "database_lock")} {
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("neo4jstore: import: %w", err)
		}
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
		err = syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk)
		f.Close()
		if err != nil {
			continue // cannot tell: the importer will
		}
		if lk.Type != syscall.F_UNLCK {
			return fmt.Errorf("neo4jstore: import: the database %q in %s is in use by a running Neo4j server (pid %d holds %s): "+
				"stop it first (scripts/neo4j/neo4j.sh stop): %w", db, home, lk.Pid, p, ErrDatabaseInUse)
		}
	}
	return nil
}
