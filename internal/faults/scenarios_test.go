package faults

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// Where a fault is put.
const (
	beforeCall = iota // before the call starts
	midChange         // after the change is made, before it is written
	atWrite           // as the COMMIT or the write script is sent
)

// fault is one kind of fault at one point of a change.
type fault struct {
	name string
	at   int
	// inject breaks the connection and returns what undoes it.
	inject func(t *testing.T, r *rig) (heal func())
	// timeout bounds the call; a latency fault outlasts it.
	timeout time.Duration
	// want lists the outcomes this store may give under the fault; the
	// contract holds for every outcome, but a fault whose outcome is fixed
	// must give that one.
	want []string
}

func resetUpstream(t *testing.T, r *rig) func() {
	return addToxic(t, r.proxy, "reset_peer", "upstream", map[string]any{"timeout": 0})
}

func resetDownstream(t *testing.T, r *rig) func() {
	return addToxic(t, r.proxy, "reset_peer", "downstream", map[string]any{"timeout": 0})
}

func slowDownstream(t *testing.T, r *rig) func() {
	return addToxic(t, r.proxy, "latency", "downstream", map[string]any{"latency": 2000})
}

func cutOff(t *testing.T, r *rig) func() {
	r.proxy.Stop()
	return func() { require.NoError(t, r.proxy.Start()) }
}

// runFaults puts each fault into a rename and proves the contract after it.
// A rename on a Service-Provider-managed organization stands for every
// change: the stores write every change by the same path.
func runFaults(t *testing.T, r *rig, faults []fault) {
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			o := r.b.MustCreate(t, r.b.Staff1, storetest.ProviderInput("Fault "+f.name))
			v := o.Version()
			c := r.rename(o.ID(), "Renamed under "+f.name)
			out := r.faulty(t, f, func(ctx context.Context) error {
				_, err := c.do(ctx, v)
				return err
			})
			got := r.settle(t, o.ID(), v, c, out)
			if len(f.want) > 0 {
				assert.Contains(t, f.want, got, "outcome of %s", f.name)
			}
		})
	}
}

// faulty runs call with fault f put at its point, removes the fault, and
// returns what call returned.
func (r *rig) faulty(t *testing.T, f fault, call func(ctx context.Context) error) error {
	t.Helper()
	var heal func()
	healed := func() {
		if heal != nil {
			heal()
		}
	}
	put := func() { heal = f.inject(t, r); r.tally.fault(f.name) }
	switch f.at {
	case beforeCall:
		put()
	case midChange:
		r.midChange.arm(put)
	case atWrite:
		r.atWrite.arm(put)
	}
	timeout := f.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := call(ctx)
	cancel()
	r.midChange.disarm()
	r.atWrite.disarm()
	require.NotNil(t, heal, "the fault was put")
	healed()
	if err != nil && !errors.Is(err, org.ErrOutcomeUnknown) && domainError(err) {
		t.Fatalf("a fault gave a domain error: %v", err)
	}
	return err
}

// runCreateUnknown loses the answer to a create with an idempotency key:
// the retry with the same key returns the organization the first call
// stored, and there is exactly one.
func runCreateUnknown(t *testing.T, r *rig) {
	t.Run("CreateReplyLost", func(t *testing.T) {
		in := storetest.ProviderInput("Created under a fault")
		in.CustomerReference = randomName("ref-")
		in.IdempotencyKey = randomName("key-")
		var first *org.Organization
		err := r.faulty(t, fault{name: "reset_after_write", at: atWrite, inject: resetDownstream}, func(ctx context.Context) error {
			var err error
			first, err = r.b.Service.Create(ctx, r.b.Staff1, in)
			return err
		})
		require.ErrorIs(t, err, org.ErrOutcomeUnknown)
		require.Nil(t, first)
		got, err := retry(context.Background(), func(ctx context.Context) (*org.Organization, error) {
			return r.b.Service.Create(ctx, r.b.Staff1, in)
		})
		require.NoError(t, err)
		again, err := r.b.Service.Create(context.Background(), r.b.Staff1, in)
		require.NoError(t, err)
		assert.Equal(t, got.ID(), again.ID())
		assert.Equal(t, int64(1), got.Version(), "created once")
		res, err := r.b.Service.Search(context.Background(), r.b.Staff1, org.SearchQuery{Text: in.CustomerReference})
		require.NoError(t, err)
		require.Len(t, res.Hits, 1, "one organization holds the reference")
		consistent(t, r.store, r.b)
		r.tally.outcome(unknownStored)
	})
}

// runSwitchUnknown loses the answer to an ownership switch: afterwards the
// organization is wholly Customer-managed, its new owner the only Owner,
// after exactly one change.
func runSwitchUnknown(t *testing.T, r *rig) {
	t.Run("SwitchReplyLost", func(t *testing.T) {
		lead := org.Staff(r.b.P1.ID, "lead", ownership.Owner, true)
		o := r.b.MustCreate(t, lead, storetest.ProviderInput("Switched under a fault"))
		v := o.Version()
		c := switchToCustomer(r, lead, o.ID(), randomName("owner-")+"@faults.example")
		err := r.faulty(t, fault{name: "reset_after_write", at: atWrite, inject: resetDownstream}, func(ctx context.Context) error {
			_, err := c.do(ctx, v)
			return err
		})
		require.ErrorIs(t, err, org.ErrOutcomeUnknown)
		assert.Equal(t, unknownStored, r.settle(t, o.ID(), v, c, err))
	})
}

// wholly reports whether o is wholly managed by typ: for Customer, the
// member with email is the owner and the only Owner, and billing goes to
// them; for ServiceProvider, no member is an Owner.
func wholly(o *org.Organization, typ ownership.Type, email string) bool {
	if o.ManagedBy() != typ {
		return false
	}
	owners := 0
	var ownerEmail string
	for _, m := range o.Members() {
		if m.Role == ownership.Owner {
			owners++
			ownerEmail = m.Email
		}
	}
	if typ == ownership.ServiceProvider {
		return owners == 0
	}
	b, ok := o.Billing()
	return owners == 1 && ownerEmail == email && ok && b.Email == email
}

// sharedFaults are the faults both stores take. The outcome of a fault
// after the change is fixed by the fault; the others depend on the store
// and are given.
func sharedFaults(resetMid, cut, cutMid []string) []fault {
	return []fault{
		{name: "reset_mid_change", at: midChange, inject: resetUpstream, want: resetMid},
		{name: "reset_before_write", at: atWrite, inject: resetUpstream, want: []string{unknownNot}},
		{name: "reset_after_write", at: atWrite, inject: resetDownstream, want: []string{unknownStored}},
		{name: "latency_after_write", at: atWrite, inject: slowDownstream, timeout: 700 * time.Millisecond, want: []string{unknownStored}},
		{name: "cut_off", at: beforeCall, inject: cutOff, want: cut},
		{name: "cut_mid_change", at: midChange, inject: cutOff, want: cutMid},
	}
}

// runRestart races renames of a few organizations, each with IfVersion,
// restarts the server part way through, and checks that every acknowledged
// change is there, that changes whose outcome was unknown were resolved by
// a retry, and that the store carries on.
func runRestart(t *testing.T, b *storetest.Bundle, w org.Walker, restart func()) {
	const workers, perWorker, restartAfter = 4, 12, 16
	ctx := context.Background()
	ids := make([]uuid.UUID, workers)
	for i := range ids {
		ids[i] = b.MustCreate(t, b.Staff1, storetest.ProviderInput(fmt.Sprintf("Restarted %d", i))).ID()
	}
	var done, unknown, failed int64
	counts := make(chan [3]int64, workers)
	started := make(chan struct{}, workers*perWorker)
	restarted := make(chan struct{})
	go func() {
		for range restartAfter {
			<-started
		}
		restart()
		close(restarted)
	}()
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			var n [3]int64 // acknowledged, unknown then resolved, failed then retried
			v := int64(1)
			for i := range perWorker {
				name := fmt.Sprintf("Restarted %d-%d", w, i)
				started <- struct{}{}
				cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
				_, err := b.Service.Update(cctx, b.Staff1, ids[w], org.Update{Name: &name}, org.IfVersion(v))
				cancel()
				switch {
				case err == nil:
				case errors.Is(err, org.ErrOutcomeUnknown):
					n[1]++
					_, err = retry(ctx, func(ctx context.Context) (*org.Organization, error) {
						return b.Service.Update(ctx, b.Staff1, ids[w], org.Update{Name: &name}, org.IfVersion(v))
					})
					if err != nil && !errors.Is(err, org.ErrConflict) {
						errs <- fmt.Errorf("resolving %s: %w", name, err)
						return
					}
				default:
					n[2]++
					cur, gerr := retry(ctx, func(ctx context.Context) (*org.Organization, error) { return b.Service.Get(ctx, b.Staff1, ids[w]) })
					if gerr != nil {
						errs <- gerr
						return
					}
					if cur.Version() != v {
						errs <- fmt.Errorf("%s failed (%v) but the organization moved to version %d from %d", name, err, cur.Version(), v)
						return
					}
					if _, err := retry(ctx, func(ctx context.Context) (*org.Organization, error) {
						return b.Service.Update(ctx, b.Staff1, ids[w], org.Update{Name: &name}, org.IfVersion(v))
					}); err != nil {
						errs <- fmt.Errorf("retrying %s: %w", name, err)
						return
					}
				}
				n[0]++
				v++
			}
			counts <- n
			errs <- nil
		}()
	}
	for range workers {
		require.NoError(t, <-errs)
	}
	<-restarted
	close(counts)
	for n := range counts {
		done += n[0]
		unknown += n[1]
		failed += n[2]
	}
	for w, id := range ids {
		o, err := b.Service.Get(ctx, b.Staff1, id)
		require.NoError(t, err)
		assert.Equal(t, int64(1+perWorker), o.Version(), "one version per change")
		assert.Equal(t, fmt.Sprintf("Restarted %d-%d", w, perWorker-1), o.Name())
		evs := b.Events(t, b.Staff1, id)
		require.Len(t, evs, 1+perWorker)
		for i, ev := range evs[1:] {
			assert.Equal(t, fmt.Sprintf("Restarted %d-%d", w, i), ev.After.Name, "every acknowledged change is there, in order")
		}
	}
	consistent(t, w, b)
	t.Logf("restart: %d changes across a restart: %d acknowledged at once, %d unknown then resolved, %d failed then retried",
		done, done-unknown-failed, unknown, failed)
}
