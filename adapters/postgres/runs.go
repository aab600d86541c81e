package postgres

import (
	"slices"
	"strings"
)

// runLength is how many characters make one of a name's runs.
const runLength = 5

// NameRuns returns the value of the name_runs column (migration 0008) of an
// organization whose name fold key is fold: each run of five consecutive
// characters within one of its words, once, in byte order, and an empty
// slice when no word is that long. orgkit writes it with every name, and
// searches names for text that holds a word of five characters or more
// through its index; code that writes organizations rows itself, such as
// a bulk COPY, gives it the same value or leaves it out, and a trigger of
// that migration computes it in SQL.
//
// A word of the text lies within a word of every name that holds the text,
// so each of its runs is one of the name's: the index finds those names
// among far fewer than the trigram index does for long words, whose
// trigrams other names hold scattered across different words.
func NameRuns(fold string) []string {
	runs := []string{} // the column is NOT NULL: nil would be sent as NULL
	var starts []int
	for w := range strings.SplitSeq(fold, " ") {
		starts = starts[:0]
		for i := range w {
			starts = append(starts, i)
		}
		starts = append(starts, len(w))
		for i := 0; i+runLength < len(starts); i++ {
			runs = append(runs, w[starts[i]:starts[i+runLength]])
		}
	}
	slices.Sort(runs)
	return slices.Compact(runs)
}
