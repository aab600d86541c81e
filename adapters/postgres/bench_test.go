package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Benchmarks run against a provider of ORGKIT_BENCH_ORGS organizations
// (default 100,000) made by a small deterministic generator, loaded once
// into the schema orgkit_bench_<n> and kept there for later runs
// (ORGKIT_BENCH_FRESH=1 reloads it). Each benchmark interleaves the
// adapter's operation with a baseline that does the same work by hand with
// pgx, and reports both latencies' p50 and p99 and their ratio.
//
//	go test ./adapters/postgres -run '^$' -bench . -benchtime 2000x

const benchOrgsEnv = "ORGKIT_BENCH_ORGS"

type benchEnv struct {
	pool     *pgxpool.Pool
	store    *postgres.Store
	schema   string
	provider org.Provider
	svc      *org.Service
	staff    org.Actor
	sample   []org.Snapshot
	gen      *generator
	writes   *generator
}

var bench struct {
	once sync.Once
	env  *benchEnv
	err  error
}

// captureKey marks a context whose statements the tracer records.
type captureKey struct{}

type captured struct {
	sql  string
	args []any
	// batch holds the statements of a batch, sent in one round trip; sql is
	// empty then.
	batch []captured
}

type captureTracer struct{}

func (captureTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if c, ok := ctx.Value(captureKey{}).(*[]captured); ok {
		*c = append(*c, captured{sql: d.SQL, args: slices.Clone(d.Args)})
	}
	return ctx
}

func (captureTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (captureTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if c, ok := ctx.Value(captureKey{}).(*[]captured); ok {
		var b []captured
		for _, q := range d.Batch.QueuedQueries {
			b = append(b, captured{sql: q.SQL, args: slices.Clone(q.Arguments)})
		}
		*c = append(*c, captured{batch: b})
	}
	return ctx
}

func (captureTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (captureTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func benchSetup(b *testing.B) *benchEnv {
	b.Helper()
	bench.once.Do(func() { bench.env, bench.err = loadBench() })
	if bench.err != nil {
		testenv.Unavailable(b, "%v", bench.err)
	}
	return bench.env
}

func loadBench() (*benchEnv, error) {
	ctx := context.Background()
	n := 100_000
	if v := os.Getenv(benchOrgsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			return nil, fmt.Errorf("%s=%q: want a number of at least 1000", benchOrgsEnv, v)
		}
	}
	cfg, err := pgxpool.ParseConfig(testenv.PostgresURL())
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Tracer = captureTracer{}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s cannot be reached: %w", testenv.PostgresURL(), err)
	}
	e := &benchEnv{pool: pool, schema: fmt.Sprintf("orgkit_bench_%d", n)}
	e.provider = org.Provider{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("orgkit bench provider")), AdminOrganizationID: uuid.New()}
	e.store = postgres.New(pool, postgres.WithSchema(e.schema))
	e.svc = org.NewService(e.store, org.NewProviderSet(e.provider))
	e.staff = org.Staff(e.provider.ID, "bench", ownership.Owner, true)
	e.gen = newGenerator(e.provider.ID, 1, "", loadAreas)
	// Writes draw from their own references and numbers (Belfast, which the
	// loaded data does not use), so that they never clash with it.
	e.writes = newGenerator(e.provider.ID, rand.Uint64(), "W"+strconv.FormatUint(rand.Uint64()%1e6, 36)+"-", []string{"28"})
	if os.Getenv("ORGKIT_BENCH_FRESH") == "1" {
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{e.schema}.Sanitize()+" CASCADE"); err != nil {
			return nil, err
		}
	}
	if err := e.store.Migrate(ctx); err != nil {
		return nil, err
	}
	var have int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{e.schema, "organizations"}.Sanitize()+
		" WHERE provider_id = $1", e.provider.ID).Scan(&have); err != nil {
		return nil, err
	}
	if have < n {
		start := time.Now()
		for have < n {
			batch := e.gen.batch(min(5000, n-have))
			if err := e.store.Import(ctx, batch); err != nil {
				return nil, err
			}
			have += len(batch)
		}
		for _, t := range []string{"organizations", "numbers", "events"} {
			if _, err := pool.Exec(ctx, "VACUUM ANALYZE "+pgx.Identifier{e.schema, t}.Sanitize()); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(os.Stderr, "loaded %d organizations into %s in %s\n", n, e.schema, time.Since(start).Round(time.Second))
	}
	// Forget what earlier runs' write benchmarks stored, so that their
	// numbers are free again.
	if _, err := pool.Exec(ctx, "DELETE FROM "+pgx.Identifier{e.schema, "organizations"}.Sanitize()+
		" WHERE provider_id = $1 AND id IN (SELECT organization_id FROM "+pgx.Identifier{e.schema, "numbers"}.Sanitize()+
		" WHERE provider_id = $1 AND digits >= '4428' AND digits < '4429')", e.provider.ID); err != nil {
		return nil, err
	}
	// A sample of stored organizations to search for.
	rows, err := pool.Query(ctx, "SELECT doc FROM "+pgx.Identifier{e.schema, "organizations"}.Sanitize()+
		" TABLESAMPLE BERNOULLI (1) REPEATABLE (7) WHERE provider_id = $1 AND customer_reference_fold IS NOT NULL"+
		" AND external_contract_fold IS NOT NULL AND cardinality(tag_folds) >= 0 LIMIT 200", e.provider.ID)
	if err != nil {
		return nil, err
	}
	docs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		var s org.Snapshot
		if err := jsondoc.Unmarshal(d, &s); err != nil {
			return nil, err
		}
		if len(s.Numbers) > 0 {
			e.sample = append(e.sample, s)
		}
	}
	if len(e.sample) < 10 {
		return nil, fmt.Errorf("bench sample too small (%d)", len(e.sample))
	}
	return e, nil
}

// generator makes plausible organizations: names from syllables and trade
// words, references and contracts for most, zero to three UK numbers each.
type generator struct {
	mu       sync.Mutex
	provider uuid.UUID
	tag      string   // sets references and contracts apart from another generator's
	areas    []string // UK area codes to draw numbers from
	r        *rand.Rand
	seq      int
	numbers  map[string]bool
}

func newGenerator(provider uuid.UUID, seed uint64, tag string, areas []string) *generator {
	return &generator{provider: provider, tag: tag, areas: areas,
		r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), numbers: map[string]bool{}}
}

var (
	syllables = strings.Fields("vor tex an ka lu mi ro sen tal ber gon nix pha ri cor del ul tra ve quo zen lin mar bel fon gri sto ply dax hel")
	trades    = strings.Fields("Telecom Networks Communications Systems Holdings Digital Cloud Mobile Media Solutions Voice Connect Data Fibre Labs")
	suffixes  = strings.Fields("Ltd Inc GmbH SA LLC BV plc AG Oy")
	loadAreas = []string{"20", "121", "131", "161", "113", "117", "141", "151"}
)

func (g *generator) input() org.CreateInput {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.r
	g.seq++
	var brand strings.Builder
	for range 2 + r.IntN(2) {
		brand.WriteString(syllables[r.IntN(len(syllables))])
	}
	b := brand.String()
	name := strings.ToUpper(b[:1]) + b[1:] + " " + trades[r.IntN(len(trades))] + " " + suffixes[r.IntN(len(suffixes))]
	in := org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider, Country: "GB"}
	if r.IntN(10) < 3 {
		email := fmt.Sprintf("owner%d@%s.example", g.seq, b)
		in.ManagedBy = ownership.Customer
		in.Owner = &org.Person{Name: "Owner " + strconv.Itoa(g.seq), Email: email}
		in.Billing = &billing.Info{ContactName: "Accounts", Currency: "GBP",
			Address: billing.Address{Line1: "1 High St", City: "London", PostalCode: "EC1A 1BB", Country: "GB"}}
	}
	if r.IntN(10) < 8 {
		in.CustomerReference = fmt.Sprintf("CR-%s%08d", g.tag, g.seq)
	}
	if r.IntN(10) < 6 {
		in.ExternalContract = fmt.Sprintf("K%d-%s%06d", 2020+r.IntN(7), g.tag, g.seq)
	}
	if r.IntN(10) < 3 {
		in.BuyerTags = []string{[]string{"gold", "silver", "bronze"}[r.IntN(3)]}
	}
	for range r.IntN(4) {
		for {
			area := g.areas[r.IntN(len(g.areas))]
			lo := 3_000_000
			if area == "28" {
				lo = 9_000_000
			}
			n := fmt.Sprintf("+44%s%0*d", area, 10-len(area), lo+r.IntN(10_000_000-lo))
			if !g.numbers[n] {
				g.numbers[n] = true
				in.Numbers = append(in.Numbers, n)
				break
			}
		}
	}
	return in
}

// item makes one organization with its "imported" event.
func (g *generator) item() org.Imported {
	now := time.Now().UTC()
	for {
		o, err := org.New(g.provider, g.input(), nil, now)
		if err != nil {
			continue // a generated number the validator refuses: try again
		}
		s := o.Snapshot()
		return org.Imported{Organization: o, Event: org.Event{ID: uuid.Must(uuid.NewV7()), OrganizationID: o.ID(),
			ProviderID: g.provider, Version: 1, Actor: org.ActorRef{Kind: "system", ID: "bench"}, Time: now,
			Type: org.EventImported, After: &s}}
	}
}

func (g *generator) batch(n int) []org.Imported {
	items := make([]org.Imported, n)
	for i := range items {
		items[i] = g.item()
	}
	return items
}

// latencies records one side of an interleaved benchmark.
type latencies []time.Duration

func (l latencies) quantile(q float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func report(b *testing.B, adapter, base latencies) {
	b.StopTimer()
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	a50, a99, b50, b99 := adapter.quantile(0.5), adapter.quantile(0.99), base.quantile(0.5), base.quantile(0.99)
	b.ReportMetric(us(a50), "p50-µs")
	b.ReportMetric(us(a99), "p99-µs")
	b.ReportMetric(us(b50), "base-p50-µs")
	b.ReportMetric(us(b99), "base-p99-µs")
	if b50 > 0 && b99 > 0 {
		b.ReportMetric(float64(a50)/float64(b50), "ratio-p50")
		b.ReportMetric(float64(a99)/float64(b99), "ratio-p99")
	}
}

// interleave runs adapter and baseline alternately, b.N times each, taking
// turns at going first so that neither always meets a warmer cache.
func interleave(b *testing.B, adapter, base func(i int) error) {
	var la, lb latencies
	b.ResetTimer()
	for i := range b.N {
		order := []func(int) error{adapter, base}
		lats := []*latencies{&la, &lb}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
			lats[0], lats[1] = lats[1], lats[0]
		}
		for k, f := range order {
			t0 := time.Now()
			if err := f(i); err != nil {
				b.Fatal(err)
			}
			*lats[k] = append(*lats[k], time.Since(t0))
		}
	}
	report(b, la, lb)
}

func decodeOrg(doc []byte) (*org.Organization, error) {
	var s org.Snapshot
	if err := jsondoc.Unmarshal(doc, &s); err != nil {
		return nil, err
	}
	return org.Rehydrate(s)
}

// replay runs captured statements by hand, as the adapter sent them (same
// execution mode, batches as batches), decoding every document they
// return: the baseline of a read is the adapter's own SQL without the
// adapter.
func replay(ctx context.Context, pool *pgxpool.Pool, stmts []captured) error {
	for _, st := range stmts {
		if st.batch == nil {
			rows, err := pool.Query(ctx, st.sql, st.args...)
			if err != nil {
				return err
			}
			if err := decodeDocs(rows); err != nil {
				return err
			}
			continue
		}
		b := &pgx.Batch{}
		for _, q := range st.batch {
			b.Queue(q.sql, q.args...)
		}
		br := pool.SendBatch(ctx, b)
		for range st.batch {
			rows, err := br.Query()
			if err == nil {
				err = decodeDocs(rows)
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
	}
	return nil
}

// decodeDocs reads rows and decodes the organizations of their "doc"
// column.
func decodeDocs(rows pgx.Rows) error {
	defer rows.Close()
	col := -1
	for i, f := range rows.FieldDescriptions() {
		if f.Name == "doc" {
			col = i
		}
	}
	for rows.Next() {
		if col < 0 {
			continue
		}
		if doc := rows.RawValues()[col]; doc != nil {
			var raw json.RawMessage
			if err := rows.Scan(scanAt(len(rows.FieldDescriptions()), col, &raw)...); err != nil {
				return err
			}
			if _, err := decodeOrg(raw); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

// scanAt returns Scan targets that keep only column col, into dst.
func scanAt(n, col int, dst any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = new(any)
	}
	out[col] = dst
	return out
}

func digitsOf(e164 string) string { return strings.TrimPrefix(e164, "+") }

// searchCase is a kind of search text, drawn from the sample.
type searchCase struct {
	name  string
	texts []string
}

func searchCases(e *benchEnv) []searchCase {
	pick := func(f func(s org.Snapshot) string) []string {
		var out []string
		for _, s := range e.sample {
			if v := f(s); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	firstWord := func(s string) string { w, _, _ := strings.Cut(s, " "); return w }
	return []searchCase{
		{"UUID", pick(func(s org.Snapshot) string { return s.ID.String() })},
		{"Number", pick(func(s org.Snapshot) string { return s.Numbers[0] })},
		{"NumberPrefix8", pick(func(s org.Snapshot) string { return digitsOf(s.Numbers[0])[:8] })},
		{"NumberPrefix7", pick(func(s org.Snapshot) string { return digitsOf(s.Numbers[0])[:7] })},
		{"NamePrefix", pick(func(s org.Snapshot) string { return firstWord(s.Name) + " " + strings.Fields(s.Name)[1][:2] })},
		{"NamePrefixShort", pick(func(s org.Snapshot) string { return firstWord(s.Name)[:4] })},
		{"NameSubstring", pick(func(s org.Snapshot) string { w := firstWord(s.Name); return w[2:min(len(w), 6)] })},
		{"NameSubstringRare", pick(func(s org.Snapshot) string {
			w := firstWord(s.Name)
			return w[1:] + " " + strings.Fields(s.Name)[1][:3]
		})},
		{"Reference", pick(func(s org.Snapshot) string { return s.CustomerReference })},
		{"Contract", pick(func(s org.Snapshot) string { return s.ExternalContract })},
	}
}

// plans compiles the texts of c, checking that each finds something.
func (c searchCase) plans(b *testing.B, e *benchEnv) []search.Plan {
	plans := make([]search.Plan, len(c.texts))
	for i, text := range c.texts {
		p, err := search.Compile(e.provider.ID.String(), search.Query{Text: text})
		if err != nil {
			b.Fatal(err)
		}
		plans[i] = p
	}
	return plans
}

func BenchmarkSearch(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	for _, c := range searchCases(e) {
		b.Run(c.name, func(b *testing.B) {
			plans := c.plans(b, e)
			stmts := make([][]captured, len(plans))
			for i, p := range plans {
				var got []captured
				res, err := e.store.Search(context.WithValue(ctx, captureKey{}, &got), p)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Hits) == 0 {
					b.Fatalf("%q finds nothing", c.texts[i])
				}
				stmts[i] = got
			}
			interleave(b,
				func(i int) error { _, err := e.store.Search(ctx, plans[i%len(plans)]); return err },
				func(i int) error { return replay(ctx, e.pool, stmts[i%len(stmts)]) })
		})
	}
}

// BenchmarkSearchVs compares the store's searches, in the same run, with
// the same store answering them in another way: General, the general
// statement alone, which ranks every tier in SQL and answers the pages
// that the per-key sources cannot prove (the ratio is what the sources
// save); CustomPlans, every statement planned for its arguments (the ratio
// is what generic plans save); NoTemplates, the statements of generic
// plans built for each search (the ratio is what templates save).
func BenchmarkSearchVs(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	for _, other := range []struct {
		name string
		set  func(*postgres.Store)
	}{
		{"General", postgres.GeneralSearchOnly},
		{"CustomPlans", postgres.CustomPlansOnly},
		{"NoTemplates", postgres.NoTemplates},
	} {
		st := postgres.New(e.pool, postgres.WithSchema(e.schema))
		other.set(st)
		for _, c := range searchCases(e) {
			b.Run(other.name+"/"+c.name, func(b *testing.B) {
				plans := c.plans(b, e)
				interleave(b,
					func(i int) error { _, err := e.store.Search(ctx, plans[i%len(plans)]); return err },
					func(i int) error { _, err := st.Search(ctx, plans[i%len(plans)]); return err })
			})
		}
	}
}

func BenchmarkGet(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	sql := "SELECT doc FROM " + pgx.Identifier{e.schema, "organizations"}.Sanitize() + " WHERE provider_id = $1 AND id = $2"
	interleave(b,
		func(i int) error { _, err := e.store.Get(ctx, e.provider.ID, e.sample[i%len(e.sample)].ID); return err },
		func(i int) error {
			var doc []byte
			if err := e.pool.QueryRow(ctx, sql, e.provider.ID, e.sample[i%len(e.sample)].ID).Scan(&doc); err != nil {
				return err
			}
			_, err := decodeOrg(doc)
			return err
		})
}

// handWriter writes organizations with hand-written SQL: the baseline of
// the adapter's writes.
type handWriter struct {
	pool                 *pgxpool.Pool
	orgs, numbers, evs   string
	insertOrg, updateOrg string
	insertEvent          string
}

func newHandWriter(e *benchEnv) *handWriter {
	q := func(t string) string { return pgx.Identifier{e.schema, t}.Sanitize() }
	h := &handWriter{pool: e.pool, orgs: q("organizations"), numbers: q("numbers"), evs: q("events")}
	// The event takes the next position of the provider's feed, as the
	// store's does.
	feeds := q("provider_feeds")
	h.insertEvent = "WITH p AS (INSERT INTO " + feeds + " (provider_id, position) VALUES ($1, 1)" +
		" ON CONFLICT (provider_id) DO UPDATE SET position = " + feeds + ".position + 1 RETURNING position)" +
		" INSERT INTO " + h.evs + " (provider_id, organization_id, version, id, doc, position)" +
		" SELECT $1, $2, $3, $4, $5, position FROM p"
	h.insertOrg = "INSERT INTO " + h.orgs + " (provider_id, id, version, name_fold, name_runs, customer_reference_fold," +
		" external_contract_fold, status, managed_by, tag_folds, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
	h.updateOrg = "UPDATE " + h.orgs + " SET version = $3, name_fold = $4, name_runs = $5, customer_reference_fold = $6," +
		" external_contract_fold = $7, status = $8, managed_by = $9, tag_folds = $10, doc = $11" +
		" WHERE provider_id = $1 AND id = $2"
	return h
}

func orgArgs(o *org.Organization) ([]any, error) {
	doc, err := jsondoc.Marshal(o.Snapshot())
	if err != nil {
		return nil, err
	}
	k := o.SearchKeys()
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	tags := o.TagKeys()
	return []any{o.ProviderID(), o.ID(), o.Version(), k.Name, postgres.NameRuns(k.Name), opt(k.CustomerReference), opt(k.ExternalContract),
		o.Status().String(), o.ManagedBy().String(), tags, doc}, nil
}

func (h *handWriter) create(ctx context.Context, o *org.Organization, ev org.Event) error {
	args, err := orgArgs(o)
	if err != nil {
		return err
	}
	evDoc, err := jsondoc.Marshal(ev)
	if err != nil {
		return err
	}
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, h.insertOrg, args...); err != nil {
		return err
	}
	if len(o.Numbers()) > 0 {
		if _, err := tx.Exec(ctx, "INSERT INTO "+h.numbers+" (provider_id, digits, number, organization_id, name_fold)"+
			" SELECT $1, u.d, u.n, $2, $3 FROM unnest($4::text[], $5::text[]) AS u(d, n) ON CONFLICT DO NOTHING RETURNING digits",
			o.ProviderID(), o.ID(), o.SearchKeys().Name, o.SearchKeys().Numbers, o.Numbers()); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, h.insertEvent,
		ev.ProviderID, ev.OrganizationID, ev.Version, ev.ID, evDoc); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// update locks, loads, changes and stores one organization by hand.
func (h *handWriter) update(ctx context.Context, pid, id uuid.UUID, change func(org.Snapshot) org.Snapshot) error {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var doc []byte
	if err := tx.QueryRow(ctx, "SELECT doc FROM "+h.orgs+" WHERE provider_id = $1 AND id = $2 FOR UPDATE", pid, id).Scan(&doc); err != nil {
		return err
	}
	cur, err := decodeOrg(doc)
	if err != nil {
		return err
	}
	next, ev, err := changed(cur, change)
	if err != nil {
		return err
	}
	args, err := orgArgs(next)
	if err != nil {
		return err
	}
	evDoc, err := jsondoc.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, h.updateOrg, args...); err != nil {
		return err
	}
	if k := next.SearchKeys(); k.Name != cur.SearchKeys().Name && len(k.Numbers) > 0 {
		if _, err := tx.Exec(ctx, "UPDATE "+h.numbers+" SET name_fold = $1 WHERE provider_id = $2 AND organization_id = $3",
			k.Name, next.ProviderID(), next.ID()); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, h.insertEvent,
		ev.ProviderID, ev.OrganizationID, ev.Version, ev.ID, evDoc); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// changed applies change to cur's snapshot at the next version, with its
// event, as a Service would.
func changed(cur *org.Organization, change func(org.Snapshot) org.Snapshot) (*org.Organization, org.Event, error) {
	before := cur.Snapshot()
	s := change(cur.Snapshot())
	s.Version = before.Version + 1
	s.UpdatedAt = time.Now().UTC()
	next, err := org.Rehydrate(s)
	if err != nil {
		return nil, org.Event{}, err
	}
	after := next.Snapshot()
	return next, org.Event{ID: uuid.Must(uuid.NewV7()), OrganizationID: s.ID, ProviderID: s.ProviderID, Version: s.Version,
		Actor: org.ActorRef{Kind: "staff", ID: "bench"}, Time: s.UpdatedAt, Type: org.EventUpdated, Before: &before, After: &after}, nil
}

func BenchmarkCreate(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	h := newHandWriter(e)
	items := e.writes.batch(2 * b.N)
	interleave(b,
		func(i int) error {
			_, err := e.store.Create(ctx, org.Creation{Organization: items[2*i].Organization, Event: items[2*i].Event})
			return err
		},
		func(i int) error { return h.create(ctx, items[2*i+1].Organization, items[2*i+1].Event) })
}

func rename(s org.Snapshot) org.Snapshot {
	s.Name = strings.TrimSuffix(s.Name, " (renamed)") + " (renamed)"
	return s
}

// switchOwnership flips a Customer-managed organization to Service
// Provider management and back, as SwitchManagedBy stores it: owner, roles
// and billing in one change.
func switchOwnership(s org.Snapshot) org.Snapshot {
	if s.ManagedBy == ownership.Customer {
		for i := range s.Members {
			if s.Members[i].ID == s.OwnerID {
				s.Members[i].Role = ownership.Admin
			}
		}
		s.ManagedBy, s.OwnerID = ownership.ServiceProvider, uuid.Nil
		return s
	}
	s.ManagedBy, s.OwnerID = ownership.Customer, s.Members[0].ID
	s.Members[0].Role = ownership.Owner
	if s.Billing != nil {
		bi := *s.Billing
		bi.Email = s.Members[0].Email
		s.Billing = &bi
	}
	return s
}

func benchUpdate(b *testing.B, customer bool, change func(org.Snapshot) org.Snapshot) {
	e := benchSetup(b)
	ctx := context.Background()
	h := newHandWriter(e)
	// Organizations of their own, so that runs do not disturb the sample.
	var ids []uuid.UUID
	for len(ids) < 64 {
		it := e.writes.item()
		if customer != (it.Organization.ManagedBy() == ownership.Customer) {
			continue
		}
		o, err := e.store.Create(ctx, org.Creation{Organization: it.Organization, Event: it.Event})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, o.ID())
	}
	interleave(b,
		func(i int) error {
			_, err := e.store.Update(ctx, e.provider.ID, ids[(2*i)%len(ids)], func(cur *org.Organization) (org.Change, error) {
				next, ev, err := changed(cur, change)
				return org.Change{Organization: next, Event: ev}, err
			})
			return err
		},
		func(i int) error { return h.update(ctx, e.provider.ID, ids[(2*i+1)%len(ids)], change) })
}

func BenchmarkUpdate(b *testing.B) { benchUpdate(b, false, rename) }

func BenchmarkSwitchOwnership(b *testing.B) { benchUpdate(b, true, switchOwnership) }

// BenchmarkImport compares Store.Import with a raw COPY of the same rows
// into the same tables, batch by batch.
func BenchmarkImport(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	const batch = 1000
	items := make([][]org.Imported, 2*b.N)
	for i := range items {
		items[i] = e.writes.batch(batch)
	}
	type rows struct{ orgs, numbers, events [][]any }
	raw := make([]rows, b.N)
	for i := range raw {
		for _, it := range items[2*i+1] {
			args, err := orgArgs(it.Organization)
			if err != nil {
				b.Fatal(err)
			}
			raw[i].orgs = append(raw[i].orgs, args)
			k := it.Organization.SearchKeys()
			for j, n := range it.Organization.Numbers() {
				raw[i].numbers = append(raw[i].numbers, []any{it.Organization.ProviderID(), k.Numbers[j], n, it.Organization.ID(), k.Name})
			}
			doc, err := jsondoc.Marshal(it.Event)
			if err != nil {
				b.Fatal(err)
			}
			raw[i].events = append(raw[i].events, []any{it.Event.ProviderID, it.Event.OrganizationID, int64(1), it.Event.ID, doc, int64(0)})
		}
	}
	interleave(b,
		func(i int) error { return e.store.Import(ctx, items[2*i]) },
		func(i int) error {
			tx, err := e.pool.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			// Reserve the batch's positions of the provider's feed, as the
			// store does, with one statement.
			var last int64
			feeds := pgx.Identifier{e.schema, "provider_feeds"}.Sanitize()
			if err := tx.QueryRow(ctx, "INSERT INTO "+feeds+" (provider_id, position) VALUES ($1, $2)"+
				" ON CONFLICT (provider_id) DO UPDATE SET position = "+feeds+".position + EXCLUDED.position RETURNING position",
				raw[i].events[0][0], int64(len(raw[i].events))).Scan(&last); err != nil {
				return err
			}
			for j, row := range raw[i].events {
				row[5] = last - int64(len(raw[i].events)) + 1 + int64(j)
			}
			for _, c := range []struct {
				table string
				cols  []string
				rows  [][]any
			}{
				{"organizations", []string{"provider_id", "id", "version", "name_fold", "name_runs", "customer_reference_fold",
					"external_contract_fold", "status", "managed_by", "tag_folds", "doc"}, raw[i].orgs},
				{"numbers", []string{"provider_id", "digits", "number", "organization_id", "name_fold"}, raw[i].numbers},
				{"events", []string{"provider_id", "organization_id", "version", "id", "doc", "position"}, raw[i].events},
			} {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{e.schema, c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
					return err
				}
			}
			return tx.Commit(ctx)
		})
	b.ReportMetric(float64(batch), "orgs/batch")
}
