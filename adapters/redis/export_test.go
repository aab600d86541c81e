package redis

// SetSearchTuning makes pageScript weigh walking the name set against
// reading candidates with ratio r (0: walk whenever there are candidates;
// very large: never walk), read batch members at a time and give a walk
// slack times its expected length, so tests can check that every way of
// finding a page gives the same page. SetSearchTuning(s, 0, 0, 0) restores
// the defaults.
func SetSearchTuning(s *Store, r float64, batch int, slack float64) {
	if batch == 0 {
		s.tuning = defaultTuning
		return
	}
	s.tuning = tuning{prefixRatio: r, substringRatio: r, listRatio: r, batch: batch, slack: slack}
}
