package org

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// IdempotencyKeyTTL is how long a Service asks stores to remember a create's
// idempotency key.
const IdempotencyKeyTTL = 24 * time.Hour

// Policy lets a host tighten the default permissions: it is consulted after
// Authorize allows an action, and a non-nil error refuses it. It cannot
// loosen tenancy or grant what Authorize refused.
type Policy func(ctx context.Context, a Actor, act Action, o *Organization) error

// Service runs the organization use cases over a Store, enforcing the
// permission table, tenancy, input rules, the ownership state machine and
// status control. It holds no state of its own beyond its options, so it is
// cheap to build: a Service over a store bound to a caller's database
// transaction makes its changes inside that transaction.
type Service struct {
	store     Store
	providers Providers
	now       func() time.Time
	ids       IDSource
	log       *slog.Logger
	policy    Policy
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (default time.Now), which stamps changes and
// decides grant expiry.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDSource sets how ids are made (default uuid.NewV7).
func WithIDSource(ids IDSource) Option { return func(s *Service) { s.ids = ids } }

// WithLogger sets a logger for changes and store failures. Log records carry
// ids, types and versions, never personal data. The default discards them.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithPolicy sets a policy that can refuse what the default permissions allow.
func WithPolicy(p Policy) Option { return func(s *Service) { s.policy = p } }

// NewService returns a Service over store, for the providers the host
// configures.
func NewService(store Store, providers Providers, opts ...Option) *Service {
	s := &Service{
		store:     store,
		providers: providers,
		now:       time.Now,
		ids:       uuid.NewV7,
		log:       slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// authorize applies the permission table and then the host's policy.
func (s *Service) authorize(ctx context.Context, a Actor, act Action, o *Organization, now time.Time) error {
	if err := Authorize(a, act, o, now); err != nil {
		return err
	}
	if s.policy != nil {
		if err := s.policy(ctx, a, act, o); err != nil {
			return fmt.Errorf("%w: %w", ErrPermission, err)
		}
	}
	return nil
}

func (s *Service) provider(ctx context.Context, a Actor) (Provider, error) {
	if a.kind == 0 {
		return Provider{}, fmt.Errorf("%w: no actor", ErrPermission)
	}
	return s.providers.Provider(ctx, a.providerID)
}

// present prepares an organization for a caller: the owner of a
// Service-Provider-managed organization is the provider's Admin Organization.
func present(o *Organization, p Provider) *Organization {
	if o != nil {
		o.adminOrg = p.AdminOrganizationID
	}
	return o
}

// Create validates and stores a new organization. Customer-managed ones need
// owner details and billing information; Service-Provider-managed ones
// neither. A retry with the same IdempotencyKey returns the first result.
func (s *Service) Create(ctx context.Context, a Actor, in CreateInput) (*Organization, error) {
	p, err := s.provider(ctx, a)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.authorize(ctx, a, ActionCreate, nil, now); err != nil {
		return nil, err
	}
	o, err := New(p.ID, in, s.ids, now)
	if err != nil {
		return nil, err
	}
	ev, err := s.event(a, EventCreated, nil, o, now)
	if err != nil {
		return nil, err
	}
	c := Creation{Organization: o, Event: ev}
	if in.IdempotencyKey != "" {
		if len(in.IdempotencyKey) > 255 {
			return nil, &ValidationError{Fields: []FieldError{{Field: "idempotency_key", Rule: "max", Message: "idempotency_key must be at most 255 bytes"}}}
		}
		c.IdempotencyKey = in.IdempotencyKey
		c.Fingerprint = fingerprint(in)
		c.KeyExpires = now.Add(IdempotencyKeyTTL)
	}
	stored, err := s.store.Create(ctx, c)
	if err != nil {
		return nil, s.failed(ctx, "create", o.ID(), err)
	}
	if stored.ID() == o.ID() {
		s.logChange(ctx, ev)
	}
	return present(stored, p), nil
}

// fingerprint identifies a create request, so a reused idempotency key with
// a different request is caught rather than answered with the wrong result.
func fingerprint(in CreateInput) string {
	b, _ := json.Marshal(in) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Get returns an organization with its members, billing and grants.
func (s *Service) Get(ctx context.Context, a Actor, id uuid.UUID) (*Organization, error) {
	p, err := s.provider(ctx, a)
	if err != nil {
		return nil, err
	}
	o, err := s.store.Get(ctx, p.ID, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, o, s.now()); err != nil {
		return nil, err
	}
	return present(o, p), nil
}

// mutation is one change use case: what it needs permission for, the event
// it records, and how it changes the organization.
type mutation struct {
	actions []Action
	event   EventType
	// whileSuspended lets the change through on a suspended organization.
	whileSuspended bool
	delete         bool
	// apply changes next, a copy of the stored organization; it may read the
	// actor's member record from it.
	apply func(next *Organization, now time.Time) error
}

// mutate runs m inside the store's atomic step: permissions and the version
// are checked against the organization as stored at that instant, so no
// concurrent change is lost or overwritten.
func (s *Service) mutate(ctx context.Context, a Actor, id uuid.UUID, opts []ChangeOption, m mutation) (*Organization, error) {
	p, err := s.provider(ctx, a)
	if err != nil {
		return nil, err
	}
	var co changeOptions
	for _, opt := range opts {
		opt(&co)
	}
	var ev Event
	out, err := s.store.Update(ctx, p.ID, id, func(cur *Organization) (Change, error) {
		now := s.now()
		// A stale version is a conflict for anyone who may read the
		// organization, before the change's own permissions: a retry of
		// a change whose outcome was unknown must learn that it was
		// stored even when the change took away the permission it needed
		// (a switch to Customer, say).
		if co.version != 0 && cur.Version() != co.version {
			if err := s.authorize(ctx, a, ActionRead, cur, now); err != nil {
				return Change{}, err
			}
			return Change{}, fmt.Errorf("%w: version %d is not the latest (%d)", ErrConflict, co.version, cur.Version())
		}
		for _, act := range m.actions {
			if err := s.authorize(ctx, a, act, cur, now); err != nil {
				return Change{}, err
			}
		}
		if cur.Status() == StatusSuspended && !m.whileSuspended {
			return Change{}, ErrSuspended
		}
		next := cur.Clone()
		if m.apply != nil {
			if err := m.apply(next, now); err != nil {
				return Change{}, err
			}
		}
		next.s.Version = cur.Version() + 1
		next.s.UpdatedAt = now
		if m.delete {
			next = nil
		}
		var err error
		ev, err = s.event(a, m.event, cur, next, now)
		if err != nil {
			return Change{}, err
		}
		return Change{Organization: next, Delete: m.delete, Event: ev}, nil
	})
	if err != nil {
		return nil, s.failed(ctx, string(m.event), id, err)
	}
	s.logChange(ctx, ev)
	return present(out, p), nil
}

func (s *Service) event(a Actor, typ EventType, before, after *Organization, now time.Time) (Event, error) {
	id, err := s.ids()
	if err != nil {
		return Event{}, fmt.Errorf("orgkit: new id: %w", err)
	}
	ev := Event{ID: id, Actor: actorRef(a, before), Time: now, Type: typ}
	if before != nil {
		b := before.Snapshot()
		ev.Before = &b
		ev.OrganizationID, ev.ProviderID, ev.Version = before.ID(), before.ProviderID(), before.Version()+1
	}
	if after != nil {
		s := after.Snapshot()
		ev.After = &s
		ev.OrganizationID, ev.ProviderID, ev.Version = after.ID(), after.ProviderID(), after.Version()
	}
	return ev, nil
}

func (s *Service) logChange(ctx context.Context, ev Event) {
	s.log.LogAttrs(ctx, slog.LevelInfo, "orgkit change",
		slog.String("type", string(ev.Type)),
		slog.String("organization_id", ev.OrganizationID.String()),
		slog.String("provider_id", ev.ProviderID.String()),
		slog.Int64("version", ev.Version),
		slog.String("actor_kind", ev.Actor.Kind),
		slog.String("actor_id", ev.Actor.ID))
}

// failed logs store failures that are not the caller's doing and returns err.
func (s *Service) failed(ctx context.Context, op string, id uuid.UUID, err error) error {
	for _, expected := range []error{ErrNotFound, ErrInvalid, ErrConflict, ErrDuplicate,
		ErrPermission, ErrSuspended, ErrTransition, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, expected) {
			return err
		}
	}
	s.log.LogAttrs(ctx, slog.LevelError, "orgkit store failure",
		slog.String("op", op), slog.String("organization_id", id.String()), slog.String("error", err.Error()))
	return err
}
