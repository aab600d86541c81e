package postgres

// GeneralSearchOnly makes s answer every search with the general statement,
// so that tests can hold the two ways of searching to the same results.
func GeneralSearchOnly(s *Store) { s.cfg.generalSearch = true }
