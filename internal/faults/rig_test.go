package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/check"
	"github.com/orgkit/orgkit/org"
)

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// newProxy starts an in-process Toxiproxy on a free loopback port in front
// of upstream. Stop and Start cut the server off and bring it back on the
// same port.
func newProxy(t *testing.T, upstream string) *toxiproxy.Proxy {
	t.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, t.Name(), "127.0.0.1:0", upstream)
	require.NoError(t, p.Start())
	t.Cleanup(p.Stop)
	return p
}

// addToxic adds a toxic to every connection of p, open or new, until the
// returned function removes it.
func addToxic(t *testing.T, p *toxiproxy.Proxy, typ, stream string, attrs map[string]any) (remove func()) {
	t.Helper()
	name := randomName(typ + "_")
	body := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, name, typ, stream, jsonOf(attrs))
	_, err := p.Toxics.AddToxicJson(strings.NewReader(body))
	require.NoError(t, err)
	var once sync.Once
	return func() {
		once.Do(func() { _ = p.Toxics.RemoveToxic(context.Background(), name) })
	}
}

func jsonOf(attrs map[string]any) string {
	parts := make([]string, 0, len(attrs))
	for k, v := range attrs {
		parts = append(parts, fmt.Sprintf("%q:%v", k, v))
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

// trigger runs a function once, at a point of a change the test chose: the
// hook of a store, a query tracer or a go-redis hook fires it.
type trigger struct{ f atomic.Pointer[func()] }

func (tr *trigger) arm(f func()) { tr.f.Store(&f) }

func (tr *trigger) disarm() { tr.f.Store(nil) }

func (tr *trigger) fire() {
	if f := tr.f.Swap(nil); f != nil {
		(*f)()
	}
}

// hookStore is a store whose Update fires midChange after the Service's
// function has made the change and before the store writes it: inside the
// PostgreSQL transaction, with its row lock held, or between the Redis read
// and the script.
type hookStore struct {
	org.Store
	midChange *trigger
}

func (h hookStore) Update(ctx context.Context, providerID, id uuid.UUID, fn org.UpdateFunc) (*org.Organization, error) {
	return h.Store.Update(ctx, providerID, id, func(cur *org.Organization) (org.Change, error) {
		ch, err := fn(cur)
		if err == nil {
			h.midChange.fire()
		}
		return ch, err
	})
}

func (h hookStore) Walk(ctx context.Context, providerID uuid.UUID, v org.Visitor) error {
	return h.Store.(org.Walker).Walk(ctx, providerID, v)
}

// rig is one store behind a proxy, with the points where faults are put.
type rig struct {
	b     *storetest.Bundle
	store hookStore
	proxy *toxiproxy.Proxy
	// midChange fires after the change is made, before it is written.
	midChange *trigger
	// atWrite fires as the statement that makes the change durable (the
	// COMMIT, the write script) is about to be sent.
	atWrite *trigger
	tally   *tally
}

// tally counts faults and outcomes for the report.
type tally struct {
	mu       sync.Mutex
	faults   map[string]int
	outcomes map[string]int
}

func newTally() *tally { return &tally{faults: map[string]int{}, outcomes: map[string]int{}} }

func (tl *tally) fault(kind string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.faults[kind]++
}

func (tl *tally) outcome(o string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.outcomes[o]++
}

func (tl *tally) log(t *testing.T) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	total := 0
	for _, n := range tl.faults {
		total += n
	}
	t.Logf("faults injected: %d %s; outcomes: %s", total, sortedCounts(tl.faults), sortedCounts(tl.outcomes))
}

func sortedCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// Outcomes of a call made under a fault.
const (
	succeeded      = "succeeded"
	failedNoChange = "failed_nothing_changed"
	unknownStored  = "unknown_resolved_stored"
	unknownNot     = "unknown_resolved_not_stored"
)

// consistent runs the checker over both providers of b.
func consistent(t *testing.T, w org.Walker, b *storetest.Bundle) {
	t.Helper()
	for _, p := range []uuid.UUID{b.P1.ID, b.P2.ID} {
		r, err := check.Provider(context.Background(), w, p)
		require.NoError(t, err)
		assert.Empty(t, r.Findings, "consistency check of provider %s", p)
	}
}

// change is one change to an organization made under a fault.
type change struct {
	// do makes the change, conditional on version v.
	do func(ctx context.Context, v int64) (*org.Organization, error)
	// stored reports whether o holds the change.
	stored func(o *org.Organization) bool
}

// settle proves the contract for a change to the organization id, at
// version v, whose first attempt returned err under a fault that heal has
// since removed: it succeeded; or it failed, changed nothing, and a retry
// succeeds; or its outcome is unknown, and a retry with IfVersion(v)
// succeeds or reports ErrConflict without a second change. It returns the
// outcome and leaves the organization at v+1 with the change.
func (r *rig) settle(t *testing.T, id uuid.UUID, v int64, c change, err error) string {
	t.Helper()
	ctx := context.Background()
	var out string
	switch {
	case err == nil:
		out = succeeded
	case errors.Is(err, org.ErrOutcomeUnknown):
		again, rerr := retry(ctx, func(ctx context.Context) (*org.Organization, error) { return c.do(ctx, v) })
		switch {
		case rerr == nil:
			require.True(t, c.stored(again))
			out = unknownNot
		case errors.Is(rerr, org.ErrConflict):
			out = unknownStored
		default:
			require.NoError(t, rerr, "retry after %v", err)
		}
	default:
		cur, gerr := retry(ctx, func(ctx context.Context) (*org.Organization, error) { return r.b.Service.Get(ctx, r.b.Staff1, id) })
		require.NoError(t, gerr)
		require.Equal(t, v, cur.Version(), "a failed change (%v) changed nothing", err)
		_, rerr := retry(ctx, func(ctx context.Context) (*org.Organization, error) { return c.do(ctx, v) })
		require.NoError(t, rerr, "retry after %v", err)
		out = failedNoChange
	}
	final, err := r.b.Service.Get(ctx, r.b.Staff1, id)
	require.NoError(t, err)
	require.Equal(t, v+1, final.Version(), "exactly one change is stored (%s)", out)
	require.True(t, c.stored(final), "the change is stored (%s)", out)
	evs := r.b.Events(t, r.b.Staff1, id)
	require.Len(t, evs, int(v+1), "one event per version")
	for i, ev := range evs {
		require.Equal(t, int64(i+1), ev.Version)
	}
	require.Equal(t, final.Snapshot(), *evs[len(evs)-1].After, "the last event records the stored state")
	consistent(t, r.store, r.b)
	r.tally.outcome(out)
	return out
}

// retry calls f until it returns something other than a connection
// failure, for up to 15 seconds: a server that was cut off or restarted
// comes back in that time.
func retry(ctx context.Context, f func(ctx context.Context) (*org.Organization, error)) (*org.Organization, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		o, err := f(cctx)
		cancel()
		if err == nil || domainError(err) || time.Now().After(deadline) {
			return o, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// domainError reports errors that are answers, not failures to get one.
func domainError(err error) bool {
	for _, e := range []error{org.ErrConflict, org.ErrNotFound, org.ErrInvalid, org.ErrDuplicate,
		org.ErrPermission, org.ErrSuspended, org.ErrTransition} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// rename is a change of name.
func (r *rig) rename(id uuid.UUID, name string) change {
	return change{
		do: func(ctx context.Context, v int64) (*org.Organization, error) {
			return r.b.Service.Update(ctx, r.b.Staff1, id, org.Update{Name: &name}, org.IfVersion(v))
		},
		stored: func(o *org.Organization) bool { return o.Name() == name },
	}
}
