package datagen

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// DefaultStart is when organization 0 is created, unless [WithStart] says
// otherwise.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Interval is the time between the creation of one organization and the
// next.
const Interval = time.Second

// Actor is who the "organization.imported" events record.
var Actor = org.ActorRef{Kind: "system", ID: "datagen"}

// Generator makes the organizations of one provider. It holds no mutable
// state, so one Generator may be used from many goroutines.
type Generator struct {
	seed     int64
	provider uuid.UUID
	start    time.Time
	offset   uint64 // shifts the number permutation, from the seed
	refBase  uint64 // shifts references, from the seed
}

// Option adjusts a Generator.
type Option func(*Generator)

// WithStart sets when organization 0 is created; organization i is created
// i*[Interval] later.
func WithStart(t time.Time) Option { return func(g *Generator) { g.start = t } }

// New returns a Generator of organizations of the provider. The same seed,
// provider and options give the same organizations.
func New(seed int64, providerID uuid.UUID, opts ...Option) *Generator {
	g := &Generator{seed: seed, provider: providerID, start: DefaultStart}
	for _, o := range opts {
		o(g)
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6f72676b6974)) // "orgkit"
	g.offset = r.Uint64()
	g.refBase = r.Uint64()
	return g
}

// ProviderID returns the provider the organizations belong to.
func (g *Generator) ProviderID() uuid.UUID { return g.provider }

// rng returns the random source of organization i; stream selects one of
// its independent streams (input, ids, queries).
func (g *Generator) rng(i int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.seed)^stream*0x9e3779b97f4a7c15, uint64(i)))
}

const (
	streamInput uint64 = iota + 1
	streamIDs
	streamMembers
	streamEvent
	streamQueries
)

// CreatedAt returns when organization i is created.
func (g *Generator) CreatedAt(i int) time.Time {
	return g.start.Add(time.Duration(i) * Interval)
}

// IDs returns the id source organization i is made with: UUID v7 whose
// timestamp is the organization's creation time, so ids rise with i, and
// whose random bits come from the seed.
func (g *Generator) IDs(i int) org.IDSource {
	r := g.rng(i, streamIDs)
	t := g.CreatedAt(i)
	return func() (uuid.UUID, error) { return newV7(r, t), nil }
}

// newV7 returns a UUID v7 with t's millisecond timestamp and random bits
// from r.
func newV7(r *rand.Rand, t time.Time) uuid.UUID {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], uint64(t.UnixMilli())<<16|r.Uint64()&0xffff)
	binary.BigEndian.PutUint64(u[8:16], r.Uint64())
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u
}

// ID returns the id of organization i without making it.
func (g *Generator) ID(i int) uuid.UUID {
	id, _ := g.IDs(i)()
	return id
}

// Numbers returns the purchased numbers of organization i in E.164.
func (g *Generator) Numbers(i int) []string {
	out := make([]string, NumbersPerOrganization)
	for j := range out {
		out[j] = g.number(i*NumbersPerOrganization + j)
	}
	return out
}

// pick returns an element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func (g *Generator) locale(r *rand.Rand) *locale {
	n := r.IntN(100)
	for i, w := range localeWeights {
		if n < w {
			return &locales[i]
		}
		n -= w
	}
	return &locales[0]
}

// brand makes a coined word of two or three syllables, capitalized where
// the script has case.
func brand(r *rand.Rand, l *locale) string {
	n := 2 + r.IntN(2)
	var b strings.Builder
	for range n {
		b.WriteString(pick(r, l.syllables))
	}
	if l.country == "AE" {
		// Arabic brands are whole words; one is enough.
		return pick(r, l.syllables)
	}
	return capitalize(b.String())
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}

// toFullWidth writes ASCII letters, digits and punctuation in their
// full-width forms and spaces as ideographic spaces.
func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteRune('\u3000')
		case r > ' ' && r < 0x7f:
			b.WriteRune(r - 0x21 + 0xff01)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func name(r *rand.Rand, l *locale) string {
	brand, industry, legal := brand(r, l), pick(r, l.industries), pick(r, l.legal)
	var s string
	switch {
	case l.joined && l.legalFirst:
		s = legal + brand + industry
	case l.joined:
		s = brand + industry + legal
	case l.country == "RU":
		s = legal + " «" + brand + " " + industry + "»"
	case l.legalFirst:
		s = legal + " " + brand + " " + industry
	case r.IntN(4) == 0:
		// Some names put the trade first, or have no legal form at all.
		s = industry + " " + brand
	default:
		s = brand + " " + industry + " " + legal
	}
	if l.fullWidth {
		s = toFullWidth(s)
	}
	return s
}

func personName(r *rand.Rand, l *locale) string {
	if l.joined || l.country == "KR" {
		return pick(r, l.family) + pick(r, l.given)
	}
	return pick(r, l.given) + " " + pick(r, l.family)
}

// Input returns the creation input of organization i: what a person would
// have typed into the "+" form. Organization adds the further members. It
// panics when i is outside [0, MaxOrganizations), as Organization and
// Imported do.
func (g *Generator) Input(i int) org.CreateInput {
	if i < 0 || i >= MaxOrganizations {
		panic(fmt.Sprintf("datagen: organization %d is outside [0, %d)", i, MaxOrganizations))
	}
	r := g.rng(i, streamInput)
	l := g.locale(r)
	in := org.CreateInput{
		Name:     name(r, l),
		Country:  l.country,
		TimeZone: l.timeZone,
	}
	for j, n := range g.Numbers(i) {
		if j == 1 {
			// People paste numbers formatted; the store keeps them in E.164.
			cc := plans[(i*NumbersPerOrganization+j)%len(plans)].cc
			n = "+" + cc + " " + n[1+len(cc):]
		}
		in.Numbers = append(in.Numbers, n)
	}
	// References and contracts are unique: their numeric part is an affine
	// permutation of i (odd multiplier, not a multiple of 5, modulo 10^9).
	const space = 1_000_000_000
	if r.IntN(10) < 8 {
		n := (uint64(i)*387_420_489 + g.refBase) % space
		in.CustomerReference = fmt.Sprintf("%s-%09d", pick(r, []string{"CUST", "CR", "ACC"}), n)
	}
	if r.IntN(10) < 6 {
		n := (uint64(i)*1_162_261_467 + g.refBase>>20) % space
		in.ExternalContract = fmt.Sprintf("EC/%d/%09d", 2019+i%7, n)
	}
	for range r.IntN(4) {
		in.BuyerTags = append(in.BuyerTags, pick(r, Tags))
	}
	email := func(local string) string {
		return local + "@o" + strconv.FormatInt(int64(i), 36) + ".example.com"
	}
	if r.IntN(10) < 7 {
		in.ManagedBy = ownership.Customer
		in.Owner = &org.Person{Name: personName(r, l), Email: email("owner")}
		if r.IntN(2) == 0 {
			in.Owner.Phone = g.number(i * NumbersPerOrganization)
		}
		in.Billing = g.billing(r, l, "")
	} else {
		in.ManagedBy = ownership.ServiceProvider
		if r.IntN(3) == 0 {
			in.Billing = g.billing(r, l, email("billing"))
		}
	}
	return in
}

func (g *Generator) billing(r *rand.Rand, l *locale, email string) *billing.Info {
	b := &billing.Info{
		ContactName: personName(r, l),
		Email:       email,
		Currency:    l.currency,
		Address: billing.Address{
			Line1:      strconv.Itoa(1+r.IntN(200)) + " " + pick(r, l.streets),
			City:       pick(r, l.cities),
			PostalCode: l.postal(r),
			Country:    l.country,
		},
	}
	if r.IntN(3) == 0 {
		b.TaxID = l.country + digits(r, 9)
	}
	return b
}

// Organization returns organization i, valid by org.New, with up to three
// members besides its owner (Service-Provider-managed ones have up to two,
// none of them Owner).
func (g *Generator) Organization(i int) (*org.Organization, error) {
	ids := g.IDs(i)
	o, err := org.New(g.provider, g.Input(i), ids, g.CreatedAt(i))
	if err != nil {
		return nil, fmt.Errorf("datagen: organization %d: %w", i, err)
	}
	r := g.rng(i, streamMembers)
	extra := r.IntN(4)
	if o.ManagedBy() == ownership.ServiceProvider {
		extra = r.IntN(3)
	}
	if extra == 0 {
		return o, nil
	}
	// org.New makes only the owner; a Service would add the others one
	// change at a time. Generated data arrives whole, at version 1, so they
	// are added to the snapshot and the organization rebuilt from it.
	l := &locales[0]
	for k := range locales {
		if locales[k].country == o.Country() {
			l = &locales[k]
			break
		}
	}
	s := o.Snapshot()
	for k := range extra {
		id, err := ids()
		if err != nil {
			return nil, err
		}
		role := ownership.Member
		if k == 0 {
			role = ownership.Admin
		}
		s.Members = append(s.Members, org.Member{
			ID:    id,
			Name:  personName(r, l),
			Email: "member" + strconv.Itoa(k+1) + "@o" + strconv.FormatInt(int64(i), 36) + ".example.com",
			Role:  role,
		})
	}
	o, err = org.Rehydrate(s)
	if err != nil {
		return nil, fmt.Errorf("datagen: organization %d: %w", i, err)
	}
	return o, nil
}

// Imported returns organization i with its "organization.imported" event,
// ready for an org.Importer.
func (g *Generator) Imported(i int) (org.Imported, error) {
	o, err := g.Organization(i)
	if err != nil {
		return org.Imported{}, err
	}
	// The event id has a random stream of its own, so it does not depend
	// on how many ids the organization used.
	evID := newV7(g.rng(i, streamEvent), o.CreatedAt())
	after := o.Snapshot()
	return org.Imported{
		Organization: o,
		Event: org.Event{
			ID:             evID,
			OrganizationID: o.ID(),
			ProviderID:     g.provider,
			Version:        o.Version(),
			Actor:          Actor,
			Time:           o.CreatedAt(),
			Type:           org.EventImported,
			After:          &after,
		},
	}, nil
}

// Batches makes organizations 0 to n-1 with their events and hands them to
// fn in order, size at a time (the last batch may be smaller); first is
// the index of the batch's first organization. Organizations are made on
// every CPU while fn stores the previous batch. It stops at the first error
// from fn or from making an organization, and when ctx is done. fn may keep
// the slice.
func (g *Generator) Batches(ctx context.Context, n, size int, fn func(first int, items []org.Imported) error) error {
	if n < 0 || n > MaxOrganizations {
		return fmt.Errorf("datagen: %d organizations is outside [0, %d]", n, MaxOrganizations)
	}
	if size <= 0 {
		return fmt.Errorf("datagen: batch size %d is not positive", size)
	}
	type result struct {
		items []org.Imported
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	batches := (n + size - 1) / size
	// Each batch has its own channel, so batches are made in parallel but
	// handed over in order; the window bounds how far makers run ahead.
	out := make([]chan result, batches)
	for b := range out {
		out[b] = make(chan result, 1)
	}
	window := make(chan struct{}, workers+1)
	next := make(chan int)
	go func() {
		defer close(next)
		for b := range batches {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for b := range next {
				lo, hi := b*size, min(n, (b+1)*size)
				items := make([]org.Imported, 0, hi-lo)
				var err error
				for i := lo; i < hi && err == nil; i++ {
					var it org.Imported
					if it, err = g.Imported(i); err == nil {
						items = append(items, it)
					}
				}
				out[b] <- result{items, err}
			}
		}()
	}
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		var res result
		select {
		case res = <-out[b]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-window
		if res.err != nil {
			return res.err
		}
		if err := fn(b*size, res.items); err != nil {
			return err
		}
	}
	return nil
}
