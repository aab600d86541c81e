package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

func testEvents(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("EachChangeStoresItsEvent", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Audited"))
		steps := []struct {
			typ org.EventType
			do  func() error
		}{
			{org.EventUpdated, func() error {
				n := "Audited Ltd"
				_, err := b.Service.Update(ctx, b.Staff1, o.ID(), org.Update{Name: &n})
				return err
			}},
			{org.EventBuyerTagsSet, func() error {
				_, err := b.Service.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"gold"})
				return err
			}},
			{org.EventMemberAdded, func() error {
				_, err := b.Service.AddMember(ctx, b.Staff1, o.ID(), org.NewMember{Name: "Ann", Email: "ann@audited.example", Role: ownership.Admin})
				return err
			}},
			{org.EventNumberAssigned, func() error {
				_, err := b.Service.AssignNumber(ctx, b.Staff1, o.ID(), Number())
				return err
			}},
			{org.EventSuspended, func() error { _, err := b.Service.Suspend(ctx, b.Staff1, o.ID(), "late"); return err }},
			{org.EventReactivated, func() error { _, err := b.Service.Reactivate(ctx, b.Staff1, o.ID()); return err }},
		}
		for _, s := range steps {
			require.NoError(t, s.do(), s.typ)
		}
		evs := b.Events(t, b.Staff1, o.ID())
		require.Len(t, evs, 1+len(steps))
		assert.Equal(t, org.EventCreated, evs[0].Type)
		assert.Nil(t, evs[0].Before)
		for i, s := range steps {
			ev := evs[i+1]
			assert.Equal(t, s.typ, ev.Type)
			assert.Equal(t, int64(i+2), ev.Version)
			assert.Equal(t, o.ID(), ev.OrganizationID)
			assert.Equal(t, b.P1.ID, ev.ProviderID)
			assert.Equal(t, org.ActorRef{Kind: "staff", ID: "staff-1"}, ev.Actor)
			require.NotNil(t, ev.Before)
			require.NotNil(t, ev.After)
			assert.Equal(t, ev.Version-1, ev.Before.Version)
			assert.Equal(t, ev.Version, ev.After.Version)
			assert.Equal(t, *evs[i].After, *ev.Before, "each event starts where the last ended")
		}
		now, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, now.Snapshot(), *evs[len(evs)-1].After)
	})

	t.Run("ProviderFeedInOrderWithCursor", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		var want []uuid.UUID
		for i := range 10 {
			o := b.MustCreate(t, b.Staff1, ProviderInput(fmt.Sprintf("Feed %d", i)))
			want = append(want, o.ID())
		}
		evs := b.Events(t, b.Staff1, uuid.Nil)
		require.Len(t, evs, 10)
		for i, ev := range evs {
			assert.Equal(t, want[i], ev.OrganizationID)
		}
		// A cursor at the end picks up what is stored later.
		page, err := b.Service.Events(ctx, b.Staff1, org.EventQuery{Limit: 100})
		require.NoError(t, err)
		late := b.MustCreate(t, b.Staff1, ProviderInput("Late"))
		next, err := b.Service.Events(ctx, b.Staff1, org.EventQuery{After: page.Next})
		require.NoError(t, err)
		require.Len(t, next.Events, 1)
		assert.Equal(t, late.ID(), next.Events[0].OrganizationID)
	})

	t.Run("ConcurrentWritersLoseNoEvent", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		const writers, each = 6, 5
		var wg sync.WaitGroup
		after := ""
		seen := map[uuid.UUID]bool{}
		var mu sync.Mutex
		done := make(chan struct{})
		// A reader polls while writers create; together with a final read it
		// must see every event exactly once.
		// read reports false when reading failed: the reader stops then,
		// so a broken feed fails the test instead of hanging it.
		read := func() bool {
			page, err := b.Service.Events(ctx, b.Staff1, org.EventQuery{After: after, Limit: 3})
			if !assert.NoError(t, err) {
				return false
			}
			mu.Lock()
			defer mu.Unlock()
			for _, ev := range page.Events {
				assert.False(t, seen[ev.ID], "event read twice")
				seen[ev.ID] = true
			}
			after = page.Next
			return true
		}
		go func() {
			defer close(done)
			for {
				select {
				case <-ctx.Done():
					return
				default:
				}
				if !read() {
					return
				}
				mu.Lock()
				n := len(seen)
				mu.Unlock()
				if n == writers*each {
					return
				}
			}
		}()
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					_, err := b.Service.Create(ctx, b.Staff1, ProviderInput(fmt.Sprintf("W%d-%d", w, i)))
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		<-done
		assert.Len(t, seen, writers*each)
	})

	t.Run("MalformedCursorIsInvalid", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		_, err := b.Service.Events(ctx, b.Staff1, org.EventQuery{After: "not a cursor'; --"})
		require.ErrorIs(t, err, org.ErrInvalid)
	})
}

func testImport(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	probe := newStore(t)
	_ = probe.Close()
	if _, ok := probe.(org.Importer); !ok {
		t.Skip("store does not implement org.Importer")
	}
	mkItems := func(b *Bundle, names ...string) []org.Imported {
		var items []org.Imported
		for _, name := range names {
			in := ProviderInput(name)
			in.Numbers = []string{Number()}
			now := b.Clock.Now()
			o, err := org.New(b.P1.ID, in, nil, now)
			require.NoError(t, err)
			s := o.Snapshot()
			items = append(items, org.Imported{Organization: o, Event: org.Event{
				ID: uuid.Must(uuid.NewV7()), OrganizationID: o.ID(), ProviderID: o.ProviderID(), Version: 1,
				Actor: org.ActorRef{Kind: "system", ID: "loader"}, Time: now, Type: org.EventImported, After: &s,
			}})
		}
		return items
	}

	t.Run("StoresAllWithEvents", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		items := mkItems(b, "Imp A", "Imp B", "Imp C")
		require.NoError(t, b.Store.(org.Importer).Import(ctx, items))
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "imp", Count: true})
		require.NoError(t, err)
		assert.Equal(t, 3, res.Count.N)
		n := items[1].Organization.Numbers()[0]
		res, err = b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: n})
		require.NoError(t, err)
		require.Len(t, res.Hits, 1)
		assert.Equal(t, items[1].Organization.ID(), res.Hits[0].Organization.ID())
		evs := b.Events(t, b.Staff1, uuid.Nil)
		require.Len(t, evs, 3)
		for _, ev := range evs {
			assert.Equal(t, org.EventImported, ev.Type)
		}
	})

	t.Run("DuplicateStoresNothing", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		items := mkItems(b, "Dup A", "Dup B")
		// Give B the number of A: the whole import is refused.
		sb := items[1].Organization.Snapshot()
		sb.Numbers = items[0].Organization.Numbers()
		ob, err := org.Rehydrate(sb)
		require.NoError(t, err)
		items[1].Organization = ob
		err = b.Store.(org.Importer).Import(ctx, items)
		require.ErrorIs(t, err, org.ErrDuplicate)
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Count: true})
		require.NoError(t, err)
		assert.Equal(t, 0, res.Count.N)
		assert.Empty(t, b.Events(t, b.Staff1, uuid.Nil))
	})
}

func testWalk(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	w, ok := b.Store.(org.Walker)
	if !ok {
		t.Skip("store does not implement org.Walker")
	}
	in := ProviderInput("Walked")
	in.CustomerReference, in.ExternalContract, in.Numbers = "W-REF", "W-CON", []string{Number()}
	o := b.MustCreate(t, b.Staff1, in)
	b.MustCreate(t, b.Staff2, ProviderInput("Not walked"))

	var orgs []uuid.UUID
	kinds := map[string]string{}
	var events int
	require.NoError(t, w.Walk(ctx, b.P1.ID, org.Visitor{
		Organization: func(x org.Snapshot) error { orgs = append(orgs, x.ID); return nil },
		Index: func(e org.IndexEntry) error {
			assert.Equal(t, o.ID(), e.OrganizationID)
			kinds[e.Kind] = e.Key
			return nil
		},
		Event: func(ev org.Event) error { events++; return nil },
	}))
	assert.Equal(t, []uuid.UUID{o.ID()}, orgs)
	assert.Equal(t, "w-ref", kinds[org.FieldCustomerReference])
	assert.Equal(t, "w-con", kinds[org.FieldExternalContract])
	assert.Equal(t, in.Numbers[0], kinds[org.FieldNumbers])
	assert.Equal(t, 1, events)

	err := w.Walk(ctx, b.P1.ID, org.Visitor{Organization: func(org.Snapshot) error { return errStop }})
	require.ErrorIs(t, err, errStop)
}
