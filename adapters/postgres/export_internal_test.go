package postgres

// GeneralSearchOnly makes s answer every search with the general statement,
// so that tests can hold the two ways of searching to the same results.
func GeneralSearchOnly(s *Store) { s.cfg.generalSearch = true }

// KeyPrefixCap makes s read at most n rows of a reference or contract
// prefix on a generic plan, so that tests reach the cap.
func KeyPrefixCap(s *Store, n int) { s.cfg.keyPrefixCap = n }

// CustomPlansOnly makes s plan every search statement for its arguments,
// never on a generic plan, so that benchmarks can compare the two.
func CustomPlansOnly(s *Store) { s.cfg.customPlans = true }
