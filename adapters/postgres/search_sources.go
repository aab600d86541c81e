package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// The statement of searchBranches ranks every row in SQL, which makes it
// costly to plan: each tier repeats the better tiers' predicates, and the
// field of each hit is a CASE over all of them. At 1,000,000 organizations
// planning it took 0.7 to 1.5 ms, against 0.3 ms to run it. Most searches
// are answered by the exact and prefix tiers, so searchSources tries those
// first with a statement that only finds rows: one branch per key, each
// reading its own index in result order, with the keys of each row. The
// rows are ranked here by search.Terms.Match, as in the memory store, so
// hits and order are the same. The substring tier, whose plan depends on
// how common the text is, runs afterwards and only when the page still has
// room.

// sourceSlack is how many more rows each source reads than the page
// needs, so that rows that turn out to match at a better tier (at most one
// per unique key: number, reference, contract) rarely leave a source short.
const sourceSlack = 3

// sourceRow is a row read by one source, with the keys that rank it.
type sourceRow struct {
	src  int
	keys search.Keys
	doc  []byte
}

// searchSources returns the first want hits of the plan, or false when the
// rows it read do not prove which those are (a source that was cut short
// lost rows to better tiers); then the caller runs the general statement.
func (s *Store) searchSources(ctx context.Context, pid uuid.UUID, plan search.Plan, mt matcher, filter sq.Sqlizer, want int) ([]org.Hit, bool, error) {
	var afterID uuid.UUID
	if plan.After != nil {
		afterID, _ = uuid.Parse(plan.After.ID) // Search checked it
	}
	limit := want + sourceSlack
	cols := s.sourceColumns(mt.terms)
	var (
		parts []sq.Sqlizer
		tiers []search.Tier // of each source
	)
	for _, c := range mt.cands {
		if c.m.Tier == search.TierSubstring || (plan.After != nil && c.m.Tier < plan.After.Tier) {
			continue
		}
		var at *keysetAfter
		if plan.After != nil && c.m.Tier == plan.After.Tier {
			at = &keysetAfter{name: plan.After.Name, id: afterID}
		}
		sel := fmt.Sprintf("%d, %s", len(parts), cols)
		if c.rows != nil {
			parts = append(parts, c.rows(sel, nil, filter, at, limit))
		} else {
			where := sq.And{sq.Expr("o.provider_id = ?", pid), c.source}
			if filter != nil {
				where = append(where, filter)
			}
			if at != nil {
				where = append(where, at.pred("o.name_fold", "o.id"))
			}
			q := psql.Select(sel).From(s.t.orgs + " AS o").Where(where)
			if !c.unique { // one row at most needs no order, and is cheaper to plan without
				q = q.OrderBy("o.name_fold", "o.id").Suffix("LIMIT ?", limit)
			}
			parts = append(parts, q)
		}
		tiers = append(tiers, c.m.Tier)
	}
	if len(parts) == 0 {
		return nil, false, nil
	}
	// The substring tier's first want rows come with the sources' rows, as
	// a part of the statement that runs only when the sources read fewer
	// organizations than the page needs: otherwise the page is most likely
	// full without it, and a common text would make it the costly part.
	stmt := join("UNION ALL", parts)
	gate := sq.Expr("(SELECT count(DISTINCT s.id) FROM s) < ?", want)
	var (
		sub      sq.Sqlizer
		subMatch search.Match
		hasSub   bool
	)
	if plan.After == nil && filter == nil {
		sub, subMatch, hasSub = s.firstSubstringRows(pid, mt, want, gate)
	} else {
		sub, subMatch, hasSub = s.substringRows(pid, mt, filter, want, gate)
	}
	if hasSub {
		stmt = sq.Expr("WITH s AS (?) SELECT * FROM s UNION ALL (?)", stmt, sub)
	}
	res, err := s.queryCustom(ctx, s.db, stmt)
	if err != nil {
		return nil, false, translateCtx(ctx, err)
	}
	all, err := scanSources(res)
	if err != nil {
		return nil, false, translateCtx(ctx, err)
	}
	var rows, subRows []sourceRow
	ids := map[string]bool{}
	for _, r := range all {
		if r.src == substringSource {
			subRows = append(subRows, r)
			continue
		}
		rows = append(rows, r)
		ids[r.keys.ID] = true
	}
	ranked, ok := rankSources(plan, mt.terms, rows, tiers, limit, want)
	if !ok {
		return nil, false, nil
	}
	hits := make([]org.Hit, len(ranked))
	for i, h := range ranked {
		o, err := decode(h.Value)
		if err != nil {
			return nil, false, err
		}
		hits[i] = org.Hit{Organization: o, Match: h.Match}
	}
	if len(hits) == want || !hasSub {
		return hits, true, nil
	}
	if len(ids) >= want { // the substring part did not run: run it now
		more, err := s.substrings(ctx, pid, mt, filter, want-len(hits))
		if err != nil {
			return nil, false, err
		}
		return append(hits, more...), true, nil
	}
	// In result order here: a join may not keep the order the rows were
	// chosen in.
	slices.SortFunc(subRows, func(a, b sourceRow) int {
		return cmp.Or(strings.Compare(a.keys.Name, b.keys.Name), strings.Compare(a.keys.ID, b.keys.ID))
	})
	for _, r := range subRows[:min(len(subRows), want-len(hits))] {
		o, err := decode(r.doc)
		if err != nil {
			return nil, false, err
		}
		hits = append(hits, org.Hit{Organization: o, Match: subMatch})
	}
	return hits, true, nil
}

// substringSource numbers the rows of the substring tier among the rows of
// the sources.
const substringSource = -1

// firstSubstringRows is substringRows for the first page without a
// filter, in a statement whose sources are the common table "s". The gate
// lets it run only when the sources read fewer rows than their limit, so
// "s" then holds every organization that matches at a better tier, and
// excluding those needs no column but the id. Then the names are read from
// the name index alone, in result order or through the trigram index,
// whichever the planner expects to read fewer rows, and only the page's
// organizations are fetched: a common text's walk through the name index
// no longer reads each organization it passes.
func (s *Store) firstSubstringRows(pid uuid.UUID, mt matcher, k int, gate sq.Sqlizer) (sq.Sqlizer, search.Match, bool) {
	c := mt.substring()
	if c == nil {
		return nil, search.Match{}, false
	}
	names := psql.Select("o.name_fold", "o.id").From(s.t.orgs+" AS o").
		Where(sq.And{sq.Expr("o.provider_id = ?", pid), c.source, sq.Expr("o.id NOT IN (SELECT s.id FROM s)"), gate}).
		OrderBy("o.name_fold", "o.id").Suffix("LIMIT ?", k)
	return sq.Expr(fmt.Sprintf("SELECT %d, %s FROM (?) AS w JOIN %s AS o ON o.provider_id = ? AND o.id = w.id",
		substringSource, s.sourceColumns(search.Terms{}), s.t.orgs), names, pid), c.m, true
}

// substring returns the candidate of the substring tier, or nil.
func (mt matcher) substring() *candidate {
	for i := range mt.cands {
		if mt.cands[i].m.Tier == search.TierSubstring {
			return &mt.cands[i]
		}
	}
	return nil
}

// substringRows selects, in the columns of the sources, the first k rows of
// the substring tier that pass filter and gate (nil for none), and returns
// their match; false when the text is not searched as a substring.
func (s *Store) substringRows(pid uuid.UUID, mt matcher, filter sq.Sqlizer, k int, gate sq.Sqlizer) (sq.Sqlizer, search.Match, bool) {
	c := mt.substring()
	if c == nil {
		return nil, search.Match{}, false
	}
	where := sq.And{sq.Expr("o.provider_id = ?", pid), c.source}
	for _, p := range []sq.Sqlizer{mt.notBetter(search.TierSubstring), filter, gate} {
		if p != nil {
			where = append(where, p)
		}
	}
	return psql.Select(fmt.Sprintf("%d, %s", substringSource, s.sourceColumns(search.Terms{}))).From(s.t.orgs+" AS o").Where(where).
		OrderBy("o.name_fold", "o.id").Suffix("LIMIT ?", k), c.m, true
}

// substrings returns the first k hits of the substring tier, which the
// page reaches only after every hit of the better tiers.
func (s *Store) substrings(ctx context.Context, pid uuid.UUID, mt matcher, filter sq.Sqlizer, k int) ([]org.Hit, error) {
	stmt, m, ok := s.substringRows(pid, mt, filter, k, nil)
	if !ok {
		return nil, nil
	}
	res, err := s.queryCustom(ctx, s.db, stmt)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	rows, err := scanSources(res)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	hits := make([]org.Hit, len(rows))
	for i, r := range rows {
		o, err := decode(r.doc)
		if err != nil {
			return nil, err
		}
		hits[i] = org.Hit{Organization: o, Match: m}
	}
	return hits, nil
}

// scanSources reads the rows of source statements, whose columns are the
// source's number and then those of sourceColumns.
func scanSources(res pgx.Rows) ([]sourceRow, error) {
	var (
		r             sourceRow
		id            uuid.UUID
		ref, contract *string
		rows          []sourceRow
	)
	_, err := pgx.ForEachRow(res, []any{&r.src, &r.keys.Name, &id, &ref, &contract, &r.doc, &r.keys.Numbers}, func() error {
		r.keys.ID = id.String()
		r.keys.CustomerReference, r.keys.ExternalContract = deref(ref), deref(contract)
		rows = append(rows, r)
		r = sourceRow{}
		return nil
	})
	return rows, err
}

// rankSources ranks the rows that the sources read (tiers[i] is the tier
// of source i, which read at most limit rows) and returns the first want
// hits of the exact and prefix tiers. Every row of a tier up to the last
// row of each source that was cut short was read, since a source reads in
// result order; it returns false when the page needs a row past that.
func rankSources(plan search.Plan, terms search.Terms, rows []sourceRow, tiers []search.Tier, limit, want int) ([]search.Hit[[]byte], bool) {
	// bound[t] is the last position of tier t known to be complete.
	bound := map[search.Tier]*search.Position{}
	count := make([]int, len(tiers))
	last := make([]search.Position, len(tiers))
	for _, r := range rows {
		count[r.src]++
		last[r.src] = search.Position{Tier: tiers[r.src], Name: r.keys.Name, ID: r.keys.ID}
	}
	for i, n := range count {
		if n < limit {
			continue
		}
		if b := bound[tiers[i]]; b == nil || last[i].Compare(*b) < 0 {
			bound[tiers[i]] = &last[i]
		}
	}
	seen := map[string]bool{}
	var hits []search.Hit[[]byte]
	for _, r := range rows {
		if seen[r.keys.ID] {
			continue
		}
		seen[r.keys.ID] = true
		m, ok := terms.Match(r.keys)
		if !ok {
			continue // not reached: each source's predicate is one of Match's
		}
		pos := search.PositionOf(m, r.keys.Name, r.keys.ID)
		if plan.Includes(pos) {
			hits = append(hits, search.Hit[[]byte]{Value: r.doc, Match: m, Position: pos})
		}
	}
	search.SortHits(hits)
	var out []search.Hit[[]byte]
	for _, tier := range []search.Tier{search.TierExact, search.TierPrefix} {
		for _, h := range hits {
			if h.Match.Tier != tier {
				continue
			}
			if b := bound[tier]; b != nil && h.Position.Compare(*b) > 0 {
				return nil, false
			}
			out = append(out, h)
			if len(out) == want {
				return out, true
			}
		}
		if bound[tier] != nil {
			return nil, false // the tier may hold more rows than were read
		}
	}
	return out, true
}

// sourceColumns lists what a source reads of each row of o: its keys,
// which rank it, and its document. The digits of its numbers are read only
// when the text can match a number.
func (s *Store) sourceColumns(t search.Terms) string {
	cols := "o.name_fold, o.id, o.customer_reference_fold, o.external_contract_fold, o.doc"
	if t.Digits == "" {
		return cols + ", NULL::text[]"
	}
	return cols + ", ARRAY(SELECT n.digits FROM " + s.t.numbers + " n WHERE n.provider_id = o.provider_id AND n.organization_id = o.id)"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
