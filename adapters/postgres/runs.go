package postgres

import (
	"slices"

	"github.com/orgkit/orgkit/search"
)

// runLength is how many characters make one of a name's runs.
const runLength = 5

// NameRuns returns the value of the name_runs column (migration 0008) of an
// organization whose name fold key is fold: each run of five consecutive
// characters (Unicode code points) of it, spaces included, once, in byte
// order, and an empty slice when it is shorter. orgkit writes it with every
// name, and searches names for rare text of five characters or more through
// its index. Code that writes organizations rows itself, such as a bulk
// COPY, gives it this value or leaves the column out (or NULL), and a
// trigger of that migration computes it in SQL; any other value is stored
// as given and hides the name from those searches.
//
// Every run of the text is a run of each name that holds the text, and few
// other names hold them all: far fewer than hold all the text's trigrams,
// which other names hold scattered across different words.
func NameRuns(fold string) []string {
	runs := search.Runs(fold, runLength)
	if runs == nil {
		return []string{} // the column is NOT NULL: nil would be sent as NULL
	}
	slices.Sort(runs)
	return runs
}
