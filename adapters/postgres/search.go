package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// A search runs one statement: the tiers, best first, under one LIMIT, so
// that a tier is read only if the better ones leave room. Within a tier every key that can match at that tier is a
// source: a query that finds the organizations matching it there and at no
// better tier, in result order (name fold key, id), after the cursor, at
// most as many as the page still needs. Each source can use its own index
// and stop early (the name's btree index on (provider_id, name_fold, id)
// even returns rows in result order), and the union of the sources' first
// k rows holds the tier's first k, since no source skips a row of the tier.
// The field that matched is then computed per row, from the same
// predicates, so the hits and their order equal search.Terms.Match and
// search.Position, as in the memory store.

// matcher holds the row predicates of one search's terms. Predicates are
// written over the organizations table as "o"; user text only travels as
// arguments.
type matcher struct {
	s     *Store
	terms search.Terms
	// p holds the values of a statement template, or is nil (see params).
	p     *params
	cands []candidate // best match first
	count []sq.Sqlizer
}

// candidate is one (tier, field) a row can match at.
type candidate struct {
	m search.Match
	// pred tests one row of o, correlated where it needs another table.
	pred sq.Sqlizer
	// source selects the same rows of o in a form an index can drive.
	source sq.Sqlizer
	// unique is set when at most one organization can match here (a
	// number, reference or contract equal to the text).
	unique bool
	// key, when set, is the column whose btree index answers source in
	// its own order, for a source whose rows are then sorted by name.
	key string
	// rows, when set, may replace the tier's generic statement over
	// source: it selects sel (columns of o) of the first k rows of o that
	// match here, not at a better tier, pass filter (nil for none) and come
	// after the cursor (nil for none), in result order.
	rows func(sel string, notBetter, filter sq.Sqlizer, after *keysetAfter, k int) sq.Sqlizer
}

// keysetAfter is the cursor's position within its tier.
type keysetAfter struct {
	name string
	id   uuid.UUID
}

// pred is "(name, id) come after the cursor", over the given columns.
func (a keysetAfter) pred(name, id string) sq.Sqlizer {
	return sq.Expr("("+name+", "+id+") > (?, ?)", a.name, a.id)
}

// substringMatch is how every substring hit matches: names are the only
// key searched by substring.
var substringMatch = search.Match{Tier: search.TierSubstring, Field: search.FieldName}

// matcher returns the predicates of t. With p set, its values are p's
// slots, for a statement template; p must be nil for any other statement.
func (s *Store) matcher(pid uuid.UUID, t search.Terms, p *params) matcher {
	mt := matcher{s: s, terms: t, p: p}
	add := func(tier search.Tier, field search.Field, pred, source sq.Sqlizer) {
		if source == nil {
			source = pred
		}
		mt.cands = append(mt.cands, candidate{m: search.Match{Tier: tier, Field: field}, pred: pred, source: source})
	}
	switch {
	case t.ID != "":
		id, _ := uuid.Parse(t.ID) // ParseText made it canonical
		add(search.TierExact, search.FieldID, sq.Expr("o.id = ?", id), nil)
		mt.count = []sq.Sqlizer{sq.Expr("o.id = ?", id)}
		return mt
	case t.Empty():
		add(search.TierExact, search.FieldName, sq.Expr("TRUE"), nil)
		mt.count = []sq.Sqlizer{sq.Expr("TRUE")}
		return mt
	}
	f := t.Fold
	// numbers restricts o to organizations holding a number whose digits
	// satisfy cond; sources drive from the numbers index instead.
	numbers := func(cond sq.Sqlizer) (pred, source sq.Sqlizer) {
		pred = sq.Expr("EXISTS (SELECT 1 FROM "+s.t.numbers+" n WHERE n.provider_id = o.provider_id"+
			" AND n.organization_id = o.id AND ?)", cond)
		// Not correlated, so that the planner can drive from the numbers
		// index as a semi-join.
		source = sq.Expr("o.id IN (SELECT n.organization_id FROM "+s.t.numbers+" n WHERE n.provider_id = ?"+
			" AND ?)", p.arg(argProvider, pid), cond)
		return pred, source
	}
	// keyText is the fold key or the digits, with the args of the text
	// and of its prefix end.
	type keyText struct {
		text     string
		arg, end argKind
	}
	fk, dk := keyText{f, argFold, argFoldEnd}, keyText{t.Digits, argDigits, argDigitsEnd}
	// after is "col starts with k's text and is longer", as a range, so a
	// btree index answers it whatever plan the statement gets; from is
	// "col starts with it".
	after := func(col string, k keyText) sq.Sqlizer {
		if hi, ok := prefixEnd(k.text); ok {
			return sq.Expr(col+" > ? AND "+col+" < ?", p.arg(k.arg, k.text), p.arg(k.end, hi))
		}
		return sq.Expr(col+" > ?", p.arg(k.arg, k.text))
	}
	from := func(col string, k keyText) sq.Sqlizer {
		if hi, ok := prefixEnd(k.text); ok {
			return sq.Expr(col+" >= ? AND "+col+" < ?", p.arg(k.arg, k.text), p.arg(k.end, hi))
		}
		return sq.Expr(col+" >= ?", p.arg(k.arg, k.text))
	}
	if d := t.Digits; d != "" {
		// A number belongs to one organization at most: an uncorrelated
		// subquery, run once per statement, is cheaper to plan and run
		// than an EXISTS per row. NULL when no one holds it.
		pred := sq.Expr("o.id = (SELECT n.organization_id FROM "+s.t.numbers+" n WHERE n.provider_id = ? AND n.digits = ?)", p.arg(argProvider, pid), p.arg(argDigits, d))
		add(search.TierExact, search.FieldNumber, pred, nil)
		mt.cands[len(mt.cands)-1].unique = true
	}
	add(search.TierExact, search.FieldCustomerReference, sq.Expr("o.customer_reference_fold = ?", p.arg(argFold, f)), nil)
	mt.cands[len(mt.cands)-1].unique = true
	add(search.TierExact, search.FieldExternalContract, sq.Expr("o.external_contract_fold = ?", p.arg(argFold, f)), nil)
	mt.cands[len(mt.cands)-1].unique = true
	add(search.TierExact, search.FieldName, sq.Expr("o.name_fold = ?", p.arg(argFold, f)), nil)
	if d := t.Digits; d != "" {
		prefix := after("n.digits", dk)
		if len(d) == numberBucket || len(d) == numberBucket+1 {
			// The same numbers, with the bucket that holds them in name
			// order (migration 0007): a page of them is near the start of
			// the bucket. Under a longer prefix lie too few of the
			// bucket's numbers (a full number: none) to walk it for them.
			prefix = sq.And{sq.Expr("left(n.digits, "+strconv.Itoa(numberBucket)+") = ?", p.arg(argBucket, d[:numberBucket])), prefix}
		}
		pred, src := numbers(prefix)
		mt.cands = append(mt.cands, candidate{m: search.Match{Tier: search.TierPrefix, Field: search.FieldNumber},
			pred: pred, source: src,
			rows: func(sel string, notBetter, filter sq.Sqlizer, at *keysetAfter, k int) sq.Sqlizer {
				return s.numberPrefixRows(p, pid, f, prefix, len(d) > numberBucket+1, sel, notBetter, filter, at, k)
			}})
	}
	add(search.TierPrefix, search.FieldCustomerReference, after("o.customer_reference_fold", fk), nil)
	mt.cands[len(mt.cands)-1].key = "o.customer_reference_fold"
	add(search.TierPrefix, search.FieldExternalContract, after("o.external_contract_fold", fk), nil)
	mt.cands[len(mt.cands)-1].key = "o.external_contract_fold"
	add(search.TierPrefix, search.FieldName, after("o.name_fold", fk), nil)
	if t.Substring() {
		add(substringMatch.Tier, substringMatch.Field, sq.Expr("strpos(o.name_fold, ?) > 0", p.arg(argFold, f)), substring(p, t))
	}

	// Counting needs each key once, whatever the tier.
	if d := t.Digits; d != "" {
		_, src := numbers(from("n.digits", dk))
		mt.count = append(mt.count, src)
	}
	mt.count = append(mt.count, from("o.customer_reference_fold", fk), from("o.external_contract_fold", fk))
	if t.Substring() {
		mt.count = append(mt.count, substring(p, t))
	} else {
		mt.count = append(mt.count, from("o.name_fold", fk))
	}
	return mt
}

// Search implements org.Store.
func (s *Store) Search(ctx context.Context, plan search.Plan) (org.SearchResult, error) {
	if err := s.check(ctx); err != nil {
		return org.SearchResult{}, err
	}
	pid, err := uuid.Parse(plan.ProviderID)
	if err != nil {
		return org.SearchResult{}, fmt.Errorf("postgres: provider id: %w", err)
	}
	var afterID uuid.UUID
	if plan.After != nil {
		if afterID, err = uuid.Parse(plan.After.ID); err != nil {
			return org.SearchResult{}, fmt.Errorf("%w: bad id", search.ErrInvalidCursor)
		}
	}
	filter := filterPred(plan.Filter)
	if plan.Terms.ID != "" && !s.cfg.generalSearch {
		return s.searchID(ctx, pid, plan, filter)
	}
	// The matcher serves every statement but a generic plan's, which builds
	// its own, with slots, only to make its shape's template: a search
	// answered on a generic plan needs it only for a count or a fallback.
	var built *matcher
	lazy := func() matcher {
		if built == nil {
			m := s.matcher(pid, plan.Terms, nil)
			built = &m
		}
		return *built
	}
	var res org.SearchResult
	want := plan.Limit + 1
	if t := plan.Terms; !s.cfg.generalSearch && !t.Empty() && (plan.After == nil || plan.After.Tier < search.TierSubstring) {
		hits, ok, err := s.searchSources(ctx, pid, plan, afterID, lazy, filter, want)
		if err != nil {
			return org.SearchResult{}, err
		}
		if ok {
			res.Hits = hits
			if !plan.Count {
				return res, nil
			}
			return s.withCount(ctx, pid, plan, lazy(), filter, res)
		}
	}
	mt := lazy()
	var branches []branch
	for _, tier := range []search.Tier{search.TierExact, search.TierPrefix, search.TierSubstring} {
		if plan.After != nil && tier < plan.After.Tier {
			continue
		}
		var after *keysetAfter
		if plan.After != nil && tier == plan.After.Tier {
			after = &keysetAfter{name: plan.After.Name, id: afterID}
		}
		if b, ok := s.tierBranch(pid, mt, tier, filter, after, want); ok {
			branches = append(branches, b)
		}
	}
	if len(branches) > 0 {
		hits, err := s.searchBranches(ctx, pid, branches, want)
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Hits = hits
	}
	return s.withCount(ctx, pid, plan, mt, filter, res)
}

// searchID answers a search for a full UUID, which matches one
// organization at most, with a statement like Get's. Its plan is the same
// for every id, so a pool that prepares statements plans it once per
// connection (at 1,000,000 organizations, 0.21 ms at p50 against 0.56 ms
// for the general statement, planned every time).
func (s *Store) searchID(ctx context.Context, pid uuid.UUID, plan search.Plan, filter sq.Sqlizer) (org.SearchResult, error) {
	id, _ := uuid.Parse(plan.Terms.ID) // ParseText made it canonical
	where := sq.And{sq.Expr("o.provider_id = ?", pid), sq.Expr("o.id = ?", id)}
	if filter != nil {
		where = append(where, filter)
	}
	var (
		nameFold string
		doc      []byte
	)
	err := s.queryRow(ctx, s.db, psql.Select("o.name_fold", "o.doc").From(s.t.orgs+" AS o").Where(where)).Scan(&nameFold, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return withIDCount(plan, org.SearchResult{}, 0), nil
	}
	if err != nil {
		return org.SearchResult{}, translateCtx(ctx, err)
	}
	var res org.SearchResult
	m := search.Match{Tier: search.TierExact, Field: search.FieldID}
	if plan.Includes(search.PositionOf(m, nameFold, id.String())) {
		o, err := decode(doc)
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Hits = []org.Hit{{Organization: o, Match: m}}
	}
	return withIDCount(plan, res, 1), nil
}

// withIDCount adds n, the count of an id search's matches, to res when the
// plan asks: the cursor leaves the count as it is.
func withIDCount(plan search.Plan, res org.SearchResult, n int) org.SearchResult {
	if plan.Count {
		res.Count = new(search.CountOf(n))
	}
	return res
}

// withCount adds the count of all matches to res when the plan asks.
func (s *Store) withCount(ctx context.Context, pid uuid.UUID, plan search.Plan, mt matcher, filter sq.Sqlizer, res org.SearchResult) (org.SearchResult, error) {
	if plan.Count {
		n, err := s.count(ctx, pid, mt, filter)
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Count = new(search.CountOf(n))
	}
	return res, nil
}

// branch selects the first organizations whose best match is at one tier.
type branch struct {
	tier search.Tier
	// rows selects (tier, name_fold, id) in result order.
	rows sq.Sqlizer
	// field is a CASE over "o" that names the field a row matched.
	field sq.Sqlizer
}

// tierBranch returns the branch that selects the first k organizations
// whose best match is at tier, or false when nothing can match there.
func (s *Store) tierBranch(pid uuid.UUID, mt matcher, tier search.Tier, filter sq.Sqlizer, after *keysetAfter, k int) (branch, bool) {
	var here []candidate
	for _, c := range mt.cands {
		if c.m.Tier == tier {
			here = append(here, c)
		}
	}
	if len(here) == 0 {
		return branch{}, false
	}
	notBetter := mt.notBetter(tier)
	var sources []sq.Sqlizer
	for _, c := range here {
		where := sq.And{sq.Expr("o.provider_id = ?", pid), c.source}
		if c.rows != nil {
			sources = append(sources, c.rows("o.name_fold, o.id", notBetter, filter, after, k))
			continue
		}
		var keyset sq.Sqlizer
		if after != nil {
			keyset = after.pred("o.name_fold", "o.id")
		}
		for _, p := range []sq.Sqlizer{notBetter, filter, keyset} {
			if p != nil {
				where = append(where, p)
			}
		}
		sources = append(sources, selectFrom("o.name_fold, o.id", s.t.orgs+" AS o", where, " ORDER BY o.name_fold, o.id LIMIT ?", k))
	}
	field := sq.Case()
	for _, c := range here {
		field = field.When(c.pred, fmt.Sprint(int(c.m.Field)))
	}
	rows := sq.Expr("(SELECT "+fmt.Sprint(int(tier))+" AS tier, c.name_fold, c.id FROM (?) AS c ORDER BY c.name_fold, c.id LIMIT ?)",
		join(" UNION ", sources), k)
	return branch{tier: tier, rows: rows, field: field}, true
}

// notBetter is the predicate over o of rows that match at no tier better
// than tier, or nil when no tier is better.
func (mt matcher) notBetter(tier search.Tier) sq.Sqlizer {
	or := sq.Or{}
	for _, c := range mt.cands {
		if c.m.Tier < tier {
			or = append(or, c.pred)
		}
	}
	if len(or) == 0 {
		return nil
	}
	// IS NOT TRUE, since a comparison with an unset (NULL) key is NULL.
	return sq.Expr("(?) IS NOT TRUE", or)
}

// selectFrom is "SELECT cols FROM from WHERE where" and then tail, which
// holds its own placeholders for args (" ORDER BY ... LIMIT ?"). Search
// statements are made of these expressions rather than squirrel's
// SelectBuilder, whose builder cost about 0.1 ms per search on top of a
// 0.4 ms lookup.
func selectFrom(cols, from string, where sq.Sqlizer, tail string, args ...any) sq.Sqlizer {
	return sq.Expr("SELECT "+cols+" FROM "+from+" WHERE ?"+tail, append([]any{where}, args...)...)
}

// join joins statements with op (UNION, UNION ALL), each in parentheses.
func join(op string, parts []sq.Sqlizer) sq.Sqlizer {
	text := make([]string, len(parts))
	args := make([]any, len(parts))
	for i, p := range parts {
		text[i], args[i] = "(?)", p
	}
	return sq.Expr(strings.Join(text, " "+op+" "), args...)
}

// searchBranches runs the tiers' branches as one statement and returns the
// first k hits in result order. The branches are joined by UNION ALL under
// one LIMIT: PostgreSQL runs an Append's children one after the other, so a
// later tier is not read once the earlier ones fill the page. The hits are
// sorted again here all the same, so their order never rests on the plan.
//
// One statement, planned for its arguments (see queryCustom), costs one
// round trip: running the exact tier first as a statement prepared once
// saved its planning but cost a round trip more, and measured slower at
// 1,000,000 organizations on an idle server (reference search p50 1.4 ms
// against 0.9 ms).
func (s *Store) searchBranches(ctx context.Context, pid uuid.UUID, branches []branch, k int) ([]org.Hit, error) {
	field := sq.Case("b.tier")
	rows := make([]sq.Sqlizer, len(branches))
	for i, b := range branches {
		field = field.When(fmt.Sprint(int(b.tier)), b.field)
		rows[i] = b.rows
	}
	stmt := sq.Expr("SELECT b.tier, b.name_fold, b.id, o.doc, ? FROM (SELECT * FROM (?) AS u LIMIT ?) AS b JOIN "+s.t.orgs+
		" AS o ON o.provider_id = ? AND o.id = b.id", field, join("UNION ALL", rows), k, pid)
	res, err := s.queryCustom(ctx, s.db, stmt)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	var hits []search.Hit[*org.Organization]
	var (
		tier, f  int
		nameFold string
		id       uuid.UUID
		doc      []byte
	)
	_, err = pgx.ForEachRow(res, []any{&tier, &nameFold, &id, &doc, &f}, func() error {
		o, err := decode(doc)
		if err != nil {
			return err
		}
		m := search.Match{Tier: search.Tier(tier), Field: search.Field(f)}
		hits = append(hits, search.Hit[*org.Organization]{Value: o, Match: m, Position: search.PositionOf(m, nameFold, id.String())})
		return nil
	})
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	search.SortHits(hits)
	out := make([]org.Hit, len(hits))
	for i, h := range hits {
		out[i] = org.Hit{Organization: h.Value, Match: h.Match}
	}
	return out, nil
}

// count counts the matches, stopping past search.CountCap: each key's
// source stops there, and the union of the sources holds every match.
func (s *Store) count(ctx context.Context, pid uuid.UUID, mt matcher, filter sq.Sqlizer) (int, error) {
	var sources []string
	var args []any
	for _, src := range mt.count {
		where := sq.And{sq.Expr("o.provider_id = ?", pid), src}
		if filter != nil {
			where = append(where, filter)
		}
		sql, a, err := psql.Select("o.id").From(s.t.orgs+" AS o").Where(where).
			Suffix("LIMIT ?", search.CountCap+1).ToSql()
		if err != nil {
			return 0, fmt.Errorf("postgres: build count: %w", err)
		}
		sources = append(sources, "("+sql+")")
		args = append(args, a...)
	}
	rows, err := s.queryCustom(ctx, s.db, sq.Expr("SELECT count(*) FROM ("+strings.Join(sources, " UNION ")+") AS m", args...))
	if err != nil {
		return 0, translateCtx(ctx, err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int])
	if err != nil {
		return 0, translateCtx(ctx, err)
	}
	return n, nil
}

// substring selects the names that hold t's text, in a form the indexes
// answer well, and the exact test on the rows they find. Text that is most
// likely rare (see rareText), of five characters or more, is looked up by
// its runs (see NameRuns). Other text is looked up by the trigrams of each
// of its words of three or more characters: a LIKE of the whole text would
// also look up the trigrams that span its words' edges, such as "ar " and
// " sy" in "kastomar sy", which a few common words (trades, company
// suffixes) hold in most names: at 1,000,000 organizations such a lookup
// took 5 to 16 ms, and 1.5 to 2.3 ms per word. Common text keeps its LIKE,
// which the name index can test without reading the table, for when the
// planner walks that index instead.
func substring(p *params, t search.Terms) sq.Sqlizer {
	f := t.Fold
	exact := func() sq.Sqlizer { return sq.Expr("strpos(o.name_fold, ?) > 0", p.arg(argFold, f)) }
	if runs := NameRuns(f); len(runs) > 0 && rareText(t) {
		return sq.And{sq.Expr("o.name_runs @> ?::text[]", p.arg(argRuns, runs)), exact()}
	}
	var words sq.And
	for w := range longWords(f) {
		words = append(words, sq.Expr("o.name_fold LIKE ?", p.word(len(words), likePattern(w))))
	}
	switch {
	case len(words) == 0: // short words only: the whole text's trigrams
		return sq.Expr("o.name_fold LIKE ?", p.arg(argLikeFold, likePattern(f)))
	case !strings.Contains(f, " "): // the one LIKE is the exact test
		return words
	}
	return append(words, exact())
}

// filterPred is the filter as a predicate over o, or nil.
func filterPred(f search.Filter) sq.Sqlizer {
	and := sq.And{}
	if len(f.Status) > 0 {
		and = append(and, sq.Expr("o.status = ANY(?)", f.Status))
	}
	if len(f.ManagedBy) > 0 {
		and = append(and, sq.Expr("o.managed_by = ANY(?)", f.ManagedBy))
	}
	if len(f.Tags) > 0 {
		and = append(and, sq.Expr("o.tag_folds @> ?::text[]", f.Tags))
	}
	if len(and) == 0 {
		return nil
	}
	return and
}

// longWords yields the words of fold of three characters or more, which
// the trigram index finds well.
func longWords(fold string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for w := range strings.SplitSeq(fold, " ") {
			if utf8.RuneCountInString(w) >= 3 && !yield(w) {
				return
			}
		}
	}
}

// likePattern is the LIKE pattern of the strings that hold s.
func likePattern(s string) string { return "%" + escapeLike(s) + "%" }

// escapeLike makes s match itself in a LIKE pattern, whose escape
// character is the default backslash.
func escapeLike(s string) string {
	if !strings.ContainsAny(s, `\%_`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == '%' || c == '_' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// prefixEnd returns the least string above every string that starts with
// p, comparing bytes: p with its last rune that can grow replaced by the
// next rune, and false when there is none (no upper bound). UTF-8 orders
// strings as their runes, so the range [p, end) holds exactly the valid
// strings that start with p.
func prefixEnd(p string) (string, bool) {
	for i := len(p); i > 0; {
		r, size := utf8.DecodeLastRuneInString(p[:i])
		i -= size
		if r == unicode.MaxRune {
			continue
		}
		next := r + 1
		if next >= 0xD800 && next <= 0xDFFF { // surrogates are not runes
			next = 0xE000
		}
		return p[:i] + string(next), true
	}
	return "", false
}

// numberBucket is how many first digits group numbers into the buckets of
// migration 0007's index, each in name order.
const numberBucket = 7

// numberPrefixRows selects sel of the first k organizations holding a
// number in inRange (digits that start with the text's and are longer), in
// result order. Each number row holds its organization's name fold key, and
// three indexes hold the numbers with it: in digits order, from which a
// prefix reads the numbers under it and orders them without an
// organization row; in name order, which a short prefix, matching most
// numbers, walks; and in name order within the buckets of numbers that
// share their first numberBucket digits, which a prefix of numberBucket
// digits or one more walks from the start of its bucket (inRange then
// names the bucket). Under a narrow prefix, past the bucket, lie few
// numbers (at most hundreds at 1,000,000 organizations): they are read
// from the digits index and sorted, in an order no index gives, so that no
// plan, generic ones included, walks an index in name order for them,
// which would read every number for a prefix that none has. Only the
// organizations of the first rows are read, to check the better tiers and
// the filter.
//
// Without a filter, k+3 organizations are enough: the numbers' own
// name_fold rules out an exact name, and at most three other
// organizations match at the exact tier, one per unique key (the number
// equal to the text, the customer reference, the external contract). A
// filter may reject any number of them: then the ordered stream is left
// unbounded and the outer LIMIT stops it.
func (s *Store) numberPrefixRows(p *params, pid uuid.UUID, fold string, inRange sq.Sqlizer, narrow bool, sel string, notBetter, filter sq.Sqlizer, at *keysetAfter, k int) sq.Sqlizer {
	inner := sq.And{sq.Expr("n.provider_id = ?", p.arg(argProvider, pid)), inRange, sq.Expr("n.name_fold <> ?", p.arg(argFold, fold))}
	if at != nil {
		inner = append(inner, at.pred("n.name_fold", "n.organization_id"))
	}
	cols, tail := "DISTINCT n.name_fold, n.organization_id", " ORDER BY n.name_fold, n.organization_id"
	if narrow { // an order no index gives
		cols, tail = "n.name_fold, n.organization_id", ` GROUP BY n.name_fold, n.organization_id ORDER BY (n.name_fold || '') COLLATE "C", n.organization_id`
	}
	var args []any
	if filter == nil {
		tail += " LIMIT ?"
		args = append(args, p.count(k+3))
	}
	numbers := selectFrom(cols, s.t.numbers+" AS n", inner, tail, args...)
	outer := sq.And{}
	for _, p := range []sq.Sqlizer{notBetter, filter} {
		if p != nil {
			outer = append(outer, p)
		}
	}
	where := sq.Expr("TRUE")
	if len(outer) > 0 {
		where = outer
	}
	return sq.Expr("SELECT "+sel+" FROM (?) AS x JOIN "+s.t.orgs+" AS o ON o.provider_id = ? AND o.id = x.organization_id"+
		" WHERE ? ORDER BY o.name_fold, o.id LIMIT ?", numbers, p.arg(argProvider, pid), where, p.count(k))
}
