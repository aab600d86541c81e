package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// Race sizes: enough goroutines to interleave every kind of change, few
// enough operations to stay quick against a real server.
const (
	racers       = 32
	opsPerRacer  = 10
	raceOrgs     = 4
	raceNumbers  = 6
	raceDuration = 30 * 24 * time.Hour
)

// testRace races updates, ownership switches both ways, member changes,
// number claims and suspend/reactivate on a few organizations. Afterwards
// every acknowledged change is in the event stream and every refused one is
// not, the stream replays to the final state, and no number is held twice.
func testRace(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	b := Setup(t, newStore)
	lead := org.Staff(b.P1.ID, "lead", ownership.Owner, true)

	ids := make([]uuid.UUID, raceOrgs)
	for i := range ids {
		var o *org.Organization
		if i%2 == 0 {
			o = b.MustCreate(t, lead, ProviderInput(fmt.Sprintf("Race %d", i)))
			var err error
			o, err = b.Service.AddMember(ctx, lead, o.ID(), org.NewMember{Name: "M", Email: fmt.Sprintf("m%d@race.example", i), Role: ownership.Member})
			require.NoError(t, err)
		} else {
			email := fmt.Sprintf("owner%d@race.example", i)
			o = b.MustCreate(t, lead, CustomerInput(fmt.Sprintf("Race %d", i), email))
			_, g, err := b.Service.RequestRemoteAccess(ctx, lead, o.ID(), org.AccessRequest{Duration: raceDuration})
			require.NoError(t, err)
			_, err = b.Service.ApproveRemoteAccess(ctx, org.CustomerMember(b.P1.ID, o.ID(), email), o.ID(), g.ID)
			require.NoError(t, err)
		}
		ids[i] = o.ID()
	}
	startVersion := map[uuid.UUID]int64{}
	for _, id := range ids {
		o, err := b.Service.Get(ctx, lead, id)
		require.NoError(t, err)
		startVersion[id] = o.Version()
	}
	pool := make([]string, raceNumbers)
	for i := range pool {
		pool[i] = Number()
	}

	type tally struct {
		acked   map[uuid.UUID]map[org.EventType]int
		refused int
	}
	var mu sync.Mutex
	tl := tally{acked: map[uuid.UUID]map[org.EventType]int{}}
	record := func(id uuid.UUID, typ org.EventType, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			if tl.acked[id] == nil {
				tl.acked[id] = map[org.EventType]int{}
			}
			tl.acked[id][typ]++
			return
		}
		tl.refused++
		for _, expected := range []error{org.ErrSuspended, org.ErrTransition, org.ErrInvalid, org.ErrDuplicate, org.ErrNotFound, org.ErrPermission} {
			if errors.Is(err, expected) {
				return
			}
		}
		t.Errorf("unexpected error from %s: %v", typ, err)
	}

	var wg sync.WaitGroup
	for r := range racers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 42))
			for i := range opsPerRacer {
				id := ids[rng.IntN(len(ids))]
				typ, err := raceOp(ctx, b.Service, lead, id, rng, pool, fmt.Sprintf("r%d-%d", r, i))
				record(id, typ, err)
			}
		})
	}
	wg.Wait()

	total := 0
	for _, id := range ids {
		final, err := b.Service.Get(ctx, lead, id)
		require.NoError(t, err)
		evs := b.Events(t, lead, id)
		require.NotEmpty(t, evs)
		acked := 0
		for _, n := range tl.acked[id] {
			acked += n
		}
		total += acked
		assert.Equal(t, startVersion[id]+int64(acked), final.Version(), "one version per acknowledged change")
		counted := map[org.EventType]int{}
		for i, ev := range evs {
			assert.Equal(t, int64(i+1), ev.Version)
			if i > 0 {
				require.NotNil(t, ev.Before)
				assert.Equal(t, *evs[i-1].After, *ev.Before, "the stream replays without gaps")
			}
			if ev.Version > startVersion[id] {
				counted[ev.Type]++
			}
		}
		for typ, n := range tl.acked[id] {
			assert.Equal(t, n, counted[typ], "acknowledged %s changes of %s", typ, id)
		}
		for typ, n := range counted {
			assert.Equal(t, tl.acked[id][typ], n, "stored %s events of %s", typ, id)
		}
		assert.Equal(t, final.Snapshot(), *evs[len(evs)-1].After, "the stream ends at the final state")
	}
	t.Logf("%d operations raced: %d acknowledged, %d refused", racers*opsPerRacer, total, tl.refused)
	assert.Equal(t, racers*opsPerRacer, total+tl.refused)
	assert.Positive(t, total)
	assert.Positive(t, tl.refused)
}

// raceOp makes one random change and says which event it records.
func raceOp(ctx context.Context, svc *org.Service, a org.Actor, id uuid.UUID, rng *rand.Rand, pool []string, tag string) (org.EventType, error) {
	switch rng.IntN(9) {
	case 0:
		name := "Race " + tag
		_, err := svc.Update(ctx, a, id, org.Update{Name: &name})
		return org.EventUpdated, err
	case 1:
		_, err := svc.SetBuyerTags(ctx, a, id, []string{tag})
		return org.EventBuyerTagsSet, err
	case 2:
		_, err := svc.AddMember(ctx, a, id, org.NewMember{Name: "Racer", Email: tag + "@race.example", Role: ownership.Member})
		return org.EventMemberAdded, err
	case 3:
		o, err := svc.Get(ctx, a, id)
		if err != nil {
			return org.EventMemberUpdated, err
		}
		ms := o.Members()
		m := ms[rng.IntN(len(ms))]
		role := []ownership.Role{ownership.Admin, ownership.Member}[rng.IntN(2)]
		_, err = svc.UpdateMember(ctx, a, id, m.ID, org.MemberUpdate{Role: &role})
		return org.EventMemberUpdated, err
	case 4:
		_, err := svc.AssignNumber(ctx, a, id, pool[rng.IntN(len(pool))])
		return org.EventNumberAssigned, err
	case 5:
		_, err := svc.ReleaseNumber(ctx, a, id, pool[rng.IntN(len(pool))])
		return org.EventNumberReleased, err
	case 6:
		_, err := svc.Suspend(ctx, a, id, "race")
		return org.EventSuspended, err
	case 7:
		_, err := svc.Reactivate(ctx, a, id)
		return org.EventReactivated, err
	default:
		// Switch to whichever type it has not, as read a moment ago: a
		// concurrent switch may make this a refused transition.
		o, err := svc.Get(ctx, a, id)
		if err != nil {
			return org.EventManagedBySwitched, err
		}
		sw := org.Switch{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin}
		if o.ManagedBy() == ownership.ServiceProvider {
			sw = org.Switch{To: ownership.Customer, NewOwner: &org.Person{Name: "New Owner", Email: tag + "-owner@race.example"}, Billing: Billing("")}
		}
		_, err = svc.SwitchManagedBy(ctx, a, id, sw)
		return org.EventManagedBySwitched, err
	}
}
