package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

func testCreate(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("RoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := CustomerInput("Acme Telecom", "olive@acme.example")
		in.CustomerReference, in.ExternalContract = "CR-1", "EC-1"
		in.BuyerTags = []string{"VIP", "Reseller"}
		in.Numbers = []string{Number(), Number()}
		created := b.MustCreate(t, b.Staff1, in)

		got, err := b.Service.Get(ctx, b.Staff1, created.ID())
		require.NoError(t, err)
		assert.Equal(t, created.Snapshot(), got.Snapshot())
		assert.Equal(t, int64(1), got.Version())
		assert.Equal(t, b.P1.ID, got.ProviderID())
		require.NotNil(t, got.Owner().Member)
		assert.Equal(t, ownership.Owner, got.Owner().Member.Role)
		bill, ok := got.Billing()
		require.True(t, ok)
		assert.Equal(t, "olive@acme.example", bill.Email, "billing email is the owner's")
	})

	t.Run("MissingIDIsErrNotFound", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		_, err := b.Service.Get(ctx, b.Staff1, uuid.New())
		require.ErrorIs(t, err, org.ErrNotFound)
	})

	t.Run("InvalidInputStoresNothing", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := CustomerInput("", "not-an-email")
		in.Numbers = []string{Number()}
		_, err := b.Service.Create(ctx, b.Staff1, in)
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("name"))
		assert.True(t, ve.Has("owner.email"))
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Count: true})
		require.NoError(t, err)
		assert.Empty(t, res.Hits)
		assert.Empty(t, b.Events(t, b.Staff1, uuid.Nil))
		// The number it named is still free.
		ok := ProviderInput("Other")
		ok.Numbers = in.Numbers
		b.MustCreate(t, b.Staff1, ok)
	})
}

func testUniqueness(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	fields := []struct {
		field string
		set   func(in *org.CreateInput, v string)
		value func() string
		// clash is another spelling of value that must clash with it.
		clash func(v string) string
	}{
		{org.FieldCustomerReference, func(in *org.CreateInput, v string) { in.CustomerReference = v },
			func() string { return "CR-" + uuid.NewString()[:8] }, func(v string) string { return " " + lower(v) + " " }},
		{org.FieldExternalContract, func(in *org.CreateInput, v string) { in.ExternalContract = v },
			func() string { return "EC-" + uuid.NewString()[:8] }, lower},
		{org.FieldNumbers, func(in *org.CreateInput, v string) { in.Numbers = []string{v} },
			Number, func(v string) string { return v[:2] + " " + v[2:5] + "-" + v[5:] }},
	}
	for _, f := range fields {
		t.Run(f.field, func(t *testing.T) {
			t.Parallel()
			b := Setup(t, newStore)
			v := f.value()
			first := ProviderInput("First")
			f.set(&first, v)
			b.MustCreate(t, b.Staff1, first)

			second := ProviderInput("Second")
			f.set(&second, f.clash(v))
			_, err := b.Service.Create(ctx, b.Staff1, second)
			var de *org.DuplicateError
			require.ErrorAs(t, err, &de)
			require.ErrorIs(t, err, org.ErrDuplicate)
			assert.Equal(t, f.field, de.Field)

			// Another provider may hold the same value.
			other := ProviderInput("Elsewhere")
			f.set(&other, v)
			b.MustCreate(t, b.Staff2, other)

			// An update that takes the value is refused and stores nothing.
			third := b.MustCreate(t, b.Staff1, ProviderInput("Third"))
			var uerr error
			switch f.field {
			case org.FieldNumbers:
				_, uerr = b.Service.AssignNumber(ctx, b.Staff1, third.ID(), v)
			case org.FieldCustomerReference:
				_, uerr = b.Service.Update(ctx, b.Staff1, third.ID(), org.Update{CustomerReference: &v})
			default:
				_, uerr = b.Service.Update(ctx, b.Staff1, third.ID(), org.Update{ExternalContract: &v})
			}
			require.ErrorAs(t, uerr, &de)
			assert.Equal(t, f.field, de.Field)
			got, err := b.Service.Get(ctx, b.Staff1, third.ID())
			require.NoError(t, err)
			assert.Equal(t, int64(1), got.Version())
			assert.Len(t, b.Events(t, b.Staff1, third.ID()), 1)
		})
	}

	t.Run("ClearedValueIsFree", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("Holder")
		in.CustomerReference = "CR-free"
		n := Number()
		in.Numbers = []string{n}
		o := b.MustCreate(t, b.Staff1, in)
		empty := ""
		_, err := b.Service.Update(ctx, b.Staff1, o.ID(), org.Update{CustomerReference: &empty})
		require.NoError(t, err)
		_, err = b.Service.ReleaseNumber(ctx, b.Staff1, o.ID(), n)
		require.NoError(t, err)
		b.MustCreate(t, b.Staff1, in)
	})

	t.Run("RacingClaimsOneWins", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		n := Number()
		const racers = 8
		var ids []uuid.UUID
		for range racers {
			ids = append(ids, b.MustCreate(t, b.Staff1, ProviderInput("Racer")).ID())
		}
		var wg sync.WaitGroup
		errs := make([]error, racers)
		for i, id := range ids {
			wg.Go(func() { _, errs[i] = b.Service.AssignNumber(ctx, b.Staff1, id, n) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				require.ErrorIs(t, err, org.ErrDuplicate)
			}
		}
		assert.Equal(t, 1, won)
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func testIsolation(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	in := ProviderInput("Shared Name Ltd")
	in.CustomerReference = "ISO-1"
	in.Numbers = []string{Number()}
	mine := b.MustCreate(t, b.Staff1, in)

	t.Run("GetIsNotFound", func(t *testing.T) {
		_, err := b.Service.Get(ctx, b.Staff2, mine.ID())
		require.ErrorIs(t, err, org.ErrNotFound)
	})
	t.Run("SearchFindsNothing", func(t *testing.T) {
		for _, q := range []string{"", mine.ID().String(), "Shared", "ISO-1", in.Numbers[0]} {
			res, err := b.Service.Search(ctx, b.Staff2, org.SearchQuery{Text: q, Count: true})
			require.NoError(t, err)
			assert.Empty(t, res.Hits, q)
			assert.Equal(t, 0, res.Count.N, q)
		}
	})
	t.Run("ChangesAreNotFound", func(t *testing.T) {
		name := "Taken"
		_, err := b.Service.Update(ctx, b.Staff2, mine.ID(), org.Update{Name: &name})
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = b.Service.Suspend(ctx, b.Staff2, mine.ID(), "no")
		require.ErrorIs(t, err, org.ErrNotFound)
		require.ErrorIs(t, b.Service.Delete(ctx, b.Staff2, mine.ID()), org.ErrNotFound)
		got, err := b.Service.Get(ctx, b.Staff1, mine.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version())
	})
	t.Run("EventsAreNotVisible", func(t *testing.T) {
		assert.Empty(t, b.Events(t, b.Staff2, uuid.Nil))
		assert.Empty(t, b.Events(t, b.Staff2, mine.ID()))
		assert.Len(t, b.Events(t, b.Staff1, mine.ID()), 1)
	})
}

func testUpdate(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("StaleVersionIsErrConflict", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Versioned"))
		_, err := b.Service.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"a"}, org.IfVersion(1))
		require.NoError(t, err)
		_, err = b.Service.SetBuyerTags(ctx, b.Staff1, o.ID(), []string{"b"}, org.IfVersion(1))
		require.ErrorIs(t, err, org.ErrConflict)
		got, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version())
		assert.Equal(t, []string{"a"}, got.BuyerTags())
		assert.Len(t, b.Events(t, b.Staff1, o.ID()), 2)
	})

	t.Run("ConcurrentChangesAreAllKept", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Busy"))
		const writers = 12
		numbers := make([]string, writers)
		var wg sync.WaitGroup
		for i := range writers {
			numbers[i] = Number()
			wg.Go(func() {
				_, err := b.Service.AssignNumber(ctx, b.Staff1, o.ID(), numbers[i])
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(1+writers), got.Version())
		assert.ElementsMatch(t, numbers, got.Numbers())
		evs := b.Events(t, b.Staff1, o.ID())
		require.Len(t, evs, 1+writers)
		for i, ev := range evs {
			assert.Equal(t, int64(i+1), ev.Version, "events in version order")
		}
	})

	t.Run("RefusedChangeStoresNothing", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, CustomerInput("Customer Co", "c@customer.example"))
		bad := Billing("someone.else@example.com")
		// Staff need a grant; the customer owner may edit.
		owner := org.CustomerMember(b.P1.ID, o.ID(), "c@customer.example")
		_, err := b.Service.UpdateBilling(ctx, owner, o.ID(), bad)
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("billing.email"))
		got, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, o.Snapshot(), got.Snapshot())
	})
}

func testSwitch(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	adminStaff := func(b *Bundle) org.Actor { return org.Staff(b.P1.ID, "lead", ownership.Owner, true) }

	t.Run("ToCustomerStoresOwnerRolesBillingAndEvent", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Switcher"))
		got, err := b.Service.SwitchManagedBy(ctx, adminStaff(b), o.ID(), org.Switch{
			To:       ownership.Customer,
			NewOwner: &org.Person{Name: "Nina New", Email: "nina@switcher.example"},
			Billing:  Billing(""),
		})
		require.NoError(t, err)
		stored, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, got.Snapshot(), stored.Snapshot())
		assert.Equal(t, ownership.Customer, stored.ManagedBy())
		require.NotNil(t, stored.Owner().Member)
		assert.Equal(t, "nina@switcher.example", stored.Owner().Member.Email)
		bill, _ := stored.Billing()
		assert.Equal(t, "nina@switcher.example", bill.Email)
		evs := b.Events(t, b.Staff1, o.ID())
		require.Len(t, evs, 2)
		assert.Equal(t, org.EventManagedBySwitched, evs[1].Type)
		assert.Equal(t, stored.Snapshot(), *evs[1].After)
	})

	t.Run("FailedSwitchStoresNothing", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, ProviderInput("Half"))
		// No billing is held and none is sent: the switch is invalid after
		// the owner was already chosen, and must leave no trace.
		_, err := b.Service.SwitchManagedBy(ctx, adminStaff(b), o.ID(), org.Switch{
			To:       ownership.Customer,
			NewOwner: &org.Person{Name: "Hal", Email: "hal@half.example"},
		})
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("billing"))
		stored, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, o.Snapshot(), stored.Snapshot())
		assert.Len(t, b.Events(t, b.Staff1, o.ID()), 1)
	})

	t.Run("ToServiceProviderAndBack", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		o := b.MustCreate(t, b.Staff1, CustomerInput("Roundtrip", "r@round.example"))
		owner := org.CustomerMember(b.P1.ID, o.ID(), "r@round.example")
		_, g, err := b.Service.RequestRemoteAccess(ctx, b.Staff1, o.ID(), org.AccessRequest{})
		require.NoError(t, err)
		_, err = b.Service.ApproveRemoteAccess(ctx, owner, o.ID(), g.ID)
		require.NoError(t, err)
		sp, err := b.Service.SwitchManagedBy(ctx, adminStaff(b), o.ID(), org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
		require.NoError(t, err)
		assert.Nil(t, sp.Owner().Member)
		assert.Equal(t, b.P1.AdminOrganizationID, sp.Owner().AdminOrganizationID)
		former := sp.Members()[0]
		assert.Equal(t, ownership.Admin, former.Role)

		back, err := b.Service.SwitchManagedBy(ctx, adminStaff(b), o.ID(), org.Switch{To: ownership.Customer, NewOwnerMemberID: former.ID})
		require.NoError(t, err)
		assert.Equal(t, former.ID, back.Owner().Member.ID)
		stored, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.NoError(t, err)
		assert.Equal(t, back.Snapshot(), stored.Snapshot())
		assert.Equal(t, int64(5), stored.Version())
	})
}

func testIdempotency(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("RetryReturnsFirstResult", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("Once Only")
		in.IdempotencyKey = "key-1"
		first := b.MustCreate(t, b.Staff1, in)
		again := b.MustCreate(t, b.Staff1, in)
		assert.Equal(t, first.ID(), again.ID())
		res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: "Once Only", Count: true})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Count.N)
		assert.Len(t, b.Events(t, b.Staff1, uuid.Nil), 1)
	})

	t.Run("RetryAfterAChangeReturnsItAsItIsNow", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("Changing")
		in.IdempotencyKey = "key-2"
		first := b.MustCreate(t, b.Staff1, in)
		_, err := b.Service.SetBuyerTags(ctx, b.Staff1, first.ID(), []string{"gold"})
		require.NoError(t, err)
		b.Clock.Advance(23 * 3600e9)
		again := b.MustCreate(t, b.Staff1, in)
		assert.Equal(t, first.ID(), again.ID())
		assert.Equal(t, int64(2), again.Version())
	})

	t.Run("KeyReusedForAnotherRequestIsErrConflict", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("First Request")
		in.IdempotencyKey = "key-3"
		b.MustCreate(t, b.Staff1, in)
		in.Name = "Second Request"
		_, err := b.Service.Create(ctx, b.Staff1, in)
		require.ErrorIs(t, err, org.ErrConflict)
	})

	t.Run("KeysArePerProvider", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("Same Key")
		in.IdempotencyKey = "key-4"
		one := b.MustCreate(t, b.Staff1, in)
		two := b.MustCreate(t, b.Staff2, in)
		assert.NotEqual(t, one.ID(), two.ID())
		assert.Equal(t, b.P2.ID, two.ProviderID())
	})

	t.Run("ConcurrentRetriesCreateOne", func(t *testing.T) {
		t.Parallel()
		b := Setup(t, newStore)
		in := ProviderInput("Raced Create")
		in.IdempotencyKey = "key-5"
		ids := make([]uuid.UUID, 6)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				o, err := b.Service.Create(ctx, b.Staff1, in)
				if assert.NoError(t, err) {
					ids[i] = o.ID()
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			assert.Equal(t, ids[0], id)
		}
		assert.Len(t, b.Events(t, b.Staff1, uuid.Nil), 1)
	})
}

func testDelete(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	in := CustomerInput("Doomed Widgets", "dora@doomed.example")
	in.CustomerReference, in.ExternalContract = "CR-DOOM", "EC-DOOM"
	in.Numbers = []string{Number()}
	in.Billing.TaxID = "GB123456789"
	o := b.MustCreate(t, b.Staff1, in)
	_, err := b.Service.Suspend(ctx, b.Staff1, o.ID(), "unpaid invoices of dora@doomed.example")
	require.NoError(t, err)
	require.NoError(t, b.Service.Delete(ctx, b.Staff1, o.ID()))

	t.Run("GoneFromStorage", func(t *testing.T) {
		_, err := b.Service.Get(ctx, b.Staff1, o.ID())
		require.ErrorIs(t, err, org.ErrNotFound)
		require.ErrorIs(t, b.Service.Delete(ctx, b.Staff1, o.ID()), org.ErrNotFound)
	})
	t.Run("GoneFromSearch", func(t *testing.T) {
		for _, q := range []string{"", o.ID().String(), "Doomed", "CR-DOOM", "EC-DOOM", in.Numbers[0]} {
			res, err := b.Service.Search(ctx, b.Staff1, org.SearchQuery{Text: q, Count: true})
			require.NoError(t, err)
			assert.Empty(t, res.Hits, q)
			assert.Equal(t, 0, res.Count.N, q)
		}
	})
	t.Run("KeysAreFree", func(t *testing.T) {
		again := ProviderInput("Reborn")
		again.CustomerReference, again.ExternalContract, again.Numbers = in.CustomerReference, in.ExternalContract, in.Numbers
		b.MustCreate(t, b.Staff1, again)
	})
	t.Run("EventsRemainErased", func(t *testing.T) {
		evs := b.Events(t, b.Staff1, o.ID())
		require.Len(t, evs, 3)
		assert.Equal(t, []org.EventType{org.EventCreated, org.EventSuspended, org.EventDeleted},
			[]org.EventType{evs[0].Type, evs[1].Type, evs[2].Type})
		last := evs[2]
		assert.Equal(t, int64(3), last.Version)
		assert.Nil(t, last.After)
		assert.Equal(t, "staff-1", last.Actor.ID)
		for _, ev := range evs {
			for _, s := range []*org.Snapshot{ev.Before, ev.After} {
				if s == nil {
					continue
				}
				assert.Equal(t, o.ID(), s.ID)
				assertNoPersonalData(t, *s, "Olive Owner", "dora@doomed.example", "+442079460958", "1 Long Lane", "EC1A 9HF", "GB123456789")
			}
		}
	})
}

// assertNoPersonalData fails if any of the values appears anywhere in s.
func assertNoPersonalData(t *testing.T, s org.Snapshot, values ...string) {
	t.Helper()
	text := snapshotText(s)
	for _, v := range values {
		assert.NotContains(t, text, v)
	}
}

func snapshotText(s org.Snapshot) string {
	o, err := org.Rehydrate(s)
	if err != nil {
		return err.Error()
	}
	j, err := o.MarshalJSON()
	if err != nil {
		return err.Error()
	}
	return string(j)
}

var errStop = errors.New("stop")
