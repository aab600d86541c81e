package org

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// SearchQuery is what the Sales Hub search box sends: text that may be an
// Org UUID, an Org name, a purchased number, a customer reference or an
// external contract, and filters. See package search for how text matches
// and how hits are ordered.
type SearchQuery struct {
	Text string
	// Status keeps organizations in these statuses; empty means active and
	// suspended (deleted organizations are gone).
	Status []Status
	// ManagedBy keeps organizations managed this way; empty means any.
	ManagedBy []ownership.Type
	// Tags keeps organizations carrying every one of these buyer tags,
	// compared without regard to case.
	Tags []string
	// Limit is the page size: 0 means search.DefaultLimit; at most
	// search.MaxLimit.
	Limit int
	// Cursor continues from the page that returned it. It is bound to the
	// provider and the query, and refused with another.
	Cursor string
	// Count asks for the number of all matches.
	Count bool
}

// Search finds organizations of the actor's provider as the search box does.
// Customer members find only their own organization. A change is searchable
// as soon as the call that made it returns.
func (s *Service) Search(ctx context.Context, a Actor, q SearchQuery) (SearchResult, error) {
	p, err := s.provider(ctx, a)
	if err != nil {
		return SearchResult{}, err
	}
	sq := search.Query{Text: q.Text, Limit: q.Limit, Cursor: q.Cursor, Count: q.Count,
		Filter: search.Filter{Tags: q.Tags}}
	for _, st := range q.Status {
		if st != StatusActive && st != StatusSuspended {
			return SearchResult{}, fmt.Errorf("%w: unknown status filter %d", search.ErrInvalidQuery, st)
		}
		sq.Filter.Status = append(sq.Filter.Status, st.String())
	}
	for _, t := range q.ManagedBy {
		if t != ownership.Customer && t != ownership.ServiceProvider {
			return SearchResult{}, fmt.Errorf("%w: unknown managed_by filter %d", search.ErrInvalidQuery, t)
		}
		sq.Filter.ManagedBy = append(sq.Filter.ManagedBy, t.String())
	}
	plan, err := search.Compile(p.ID.String(), sq)
	if err != nil {
		return SearchResult{}, err
	}
	if a.Kind() == ActorMember {
		return s.searchOwn(ctx, a, p, plan)
	}
	if err := s.authorize(ctx, a, ActionRead, nil, s.now()); err != nil {
		return SearchResult{}, err
	}
	res, err := s.store.Search(ctx, plan)
	if err != nil {
		return SearchResult{}, err
	}
	if len(res.Hits) > plan.Limit {
		res.Hits = res.Hits[:plan.Limit]
		last := res.Hits[len(res.Hits)-1]
		res.Next = plan.Cursor(search.PositionOf(last.Match, last.Organization.NameFold(), last.Organization.ID().String()))
	}
	for _, h := range res.Hits {
		present(h.Organization, p)
	}
	return res, nil
}

// searchOwn answers a customer member's search, which can find at most
// their own organization.
func (s *Service) searchOwn(ctx context.Context, a Actor, p Provider, plan search.Plan) (SearchResult, error) {
	var res SearchResult
	if plan.Count {
		res.Count = new(search.CountOf(0))
	}
	o, err := s.store.Get(ctx, p.ID, a.OrganizationID())
	if err != nil {
		return SearchResult{}, err
	}
	if err := s.authorize(ctx, a, ActionRead, o, s.now()); err != nil {
		return SearchResult{}, err
	}
	m, ok := plan.Terms.Match(o.SearchKeys())
	if !ok || !plan.Filter.Accept(o.Status().String(), o.ManagedBy().String(), o.TagKeys()) {
		return res, nil
	}
	if plan.Count {
		res.Count = new(search.CountOf(1))
	}
	if plan.Includes(search.PositionOf(m, o.NameFold(), o.ID().String())) {
		res.Hits = []Hit{{Organization: present(o, p), Match: m}}
	}
	return res, nil
}

// Events reads the audit trail in the order it was stored: one
// organization's (q.OrganizationID) or, for staff, the whole provider's.
// Events of deleted organizations remain, with personal data erased.
func (s *Service) Events(ctx context.Context, a Actor, q EventQuery) (EventPage, error) {
	p, err := s.provider(ctx, a)
	if err != nil {
		return EventPage{}, err
	}
	q.ProviderID = p.ID
	switch {
	case q.Limit == 0:
		q.Limit = DefaultEventLimit
	case q.Limit < 0 || q.Limit > MaxEventLimit:
		return EventPage{}, &ValidationError{Fields: []FieldError{{Field: "limit", Rule: "range",
			Message: fmt.Sprintf("limit must be between 1 and %d", MaxEventLimit)}}}
	}
	if a.Kind() == ActorMember {
		// Members read their own organization's trail, which needs it to exist.
		if q.OrganizationID != a.OrganizationID() {
			return EventPage{}, ErrNotFound
		}
		o, err := s.store.Get(ctx, p.ID, q.OrganizationID)
		if err != nil {
			return EventPage{}, err
		}
		if err := s.authorize(ctx, a, ActionReadEvents, o, s.now()); err != nil {
			return EventPage{}, err
		}
	} else if err := s.authorize(ctx, a, ActionReadEvents, nil, s.now()); err != nil {
		return EventPage{}, err
	}
	return s.store.Events(ctx, q)
}
