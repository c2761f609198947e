package sqlstore

import "time"

// SetCheckpointInterval changes how often SQLite databases opened afterwards checkpoint,
// and returns a function that restores the old interval.
func SetCheckpointInterval(d time.Duration) (restore func()) {
	old := checkpointInterval
	checkpointInterval = d
	return func() { checkpointInterval = old }
}

// The customer search's queries, for TestCustomerSearchPlans' EXPLAIN.
var (
	UnkeyedQueries  = unkeyedQueries
	HasUnkeyedQuery = hasUnkeyedQuery
)

// SearchKeyQuery is the query of CustomersBySearchKey for kind.
func SearchKeyQuery(kind string) string { return searchKeyQuery(searchColumns[kind]) }
