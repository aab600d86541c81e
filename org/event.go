package org

import (
	"time"

	"github.com/google/uuid"
)

// EventType names what a change did.
type EventType string

// The event types.
const (
	EventCreated              EventType = "organization.created"
	EventImported             EventType = "organization.imported"
	EventUpdated              EventType = "organization.updated"
	EventBillingUpdated       EventType = "billing.updated"
	EventBuyerTagsSet         EventType = "buyer_tags.set"
	EventMemberAdded          EventType = "member.added"
	EventMemberUpdated        EventType = "member.updated"
	EventMemberRemoved        EventType = "member.removed"
	EventNumberAssigned       EventType = "number.assigned"
	EventNumberReleased       EventType = "number.released"
	EventManagedBySwitched    EventType = "managed_by.switched"
	EventSuspended            EventType = "organization.suspended"
	EventReactivated          EventType = "organization.reactivated"
	EventDeleted              EventType = "organization.deleted"
	EventRemoteAccessRequest  EventType = "remote_access.requested"
	EventRemoteAccessApproved EventType = "remote_access.approved"
	EventRemoteAccessRevoked  EventType = "remote_access.revoked"
)

// ActorRef records who made a change: staff by user id, customer members by
// member id. It holds no email or name, so it survives erasure.
type ActorRef struct {
	Kind string `json:"kind"` // "staff", "member" or "system"
	ID   string `json:"id,omitempty"`
}

// Event is the record of one change, stored in the same atomic step as the
// change itself: nothing is recorded that did not happen, nothing happens
// unrecorded.
type Event struct {
	ID             uuid.UUID `json:"id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	ProviderID     uuid.UUID `json:"provider_id"`
	// Version is the organization's version after the change.
	Version int64     `json:"version"`
	Actor   ActorRef  `json:"actor"`
	Time    time.Time `json:"time"`
	Type    EventType `json:"type"`
	// Before is the state before the change; nil for a creation.
	Before *Snapshot `json:"before,omitempty"`
	// After is the state after the change; nil for a deletion.
	After *Snapshot `json:"after,omitempty"`
}

// Redacted returns the event with personal data erased from Before and
// After (see Snapshot.Redacted). Stores apply it to every event of an
// organization when it is deleted.
func (e Event) Redacted() Event {
	if e.Before != nil {
		b := e.Before.Redacted()
		e.Before = &b
	}
	if e.After != nil {
		a := e.After.Redacted()
		e.After = &a
	}
	return e
}

// EventQuery selects events to read, in the order they were stored.
type EventQuery struct {
	ProviderID uuid.UUID
	// OrganizationID narrows the feed to one organization; uuid.Nil reads
	// the whole provider's feed.
	OrganizationID uuid.UUID
	// After is the opaque cursor a previous page returned; "" starts at the
	// beginning.
	After string
	// Limit is the most events to return: 0 means DefaultEventLimit, and it
	// may not exceed MaxEventLimit.
	Limit int
}

// Event page sizes.
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

// EventPage is one page of events.
type EventPage struct {
	Events []Event
	// Next is the cursor to read on from; pass it as After. It is set even on
	// the last page, so a reader can poll for events stored later.
	Next string
}
