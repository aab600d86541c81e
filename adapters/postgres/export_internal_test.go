package postgres

// GeneralSearchOnly makes s answer every search with the general statement,
// so that tests can hold the two ways of searching to the same results.
func GeneralSearchOnly(s *Store) { s.cfg.generalSearch = true }

// SmallCaps makes s read at most 2 rows of a reference or contract prefix
// on a generic plan, so that tests reach the cap.
func SmallCaps(s *Store) { s.cfg.keyPrefixCap = 2 }

// CustomPlansOnly makes s plan every search statement for its arguments,
// never on a generic plan, so that benchmarks can compare the two.
func CustomPlansOnly(s *Store) { s.cfg.customPlans = true }

// NoTemplates makes s build the statement of every search on a generic
// plan anew, so that benchmarks can compare it with templates.
func NoTemplates(s *Store) { s.templates = nil }
