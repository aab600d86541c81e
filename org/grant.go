package org

import (
	"time"

	"github.com/google/uuid"
)

// Remote-access durations.
const (
	// DefaultGrantDuration is how long an approved grant lasts when the
	// request names no duration.
	DefaultGrantDuration = 24 * time.Hour
	// MaxGrantDuration is the longest a grant may last.
	MaxGrantDuration = 30 * 24 * time.Hour
)

// GrantState is where a remote-access grant stands at a given time.
type GrantState uint8

// The states of a grant.
const (
	GrantPending GrantState = 1 // requested, not yet approved
	GrantActive  GrantState = 2 // approved and not yet expired or revoked
	GrantExpired GrantState = 3 // approved, and its time ran out
	GrantRevoked GrantState = 4 // revoked, before or after approval
)

// String returns "pending", "active", "expired" or "revoked".
func (s GrantState) String() string {
	switch s {
	case GrantPending:
		return "pending"
	case GrantActive:
		return "active"
	case GrantExpired:
		return "expired"
	case GrantRevoked:
		return "revoked"
	}
	return "unknown"
}

// Grant is remote access to a Customer-managed organization: requested by
// staff, approved by the organization's Owner or an Admin, given to the whole
// provider (every staff member with Sales Hub access) until it expires or is
// revoked. Expiry is not a change: a grant past ExpiresAt is simply inactive.
type Grant struct {
	ID          uuid.UUID     `json:"id"`
	RequestedBy string        `json:"requested_by"` // staff user id
	RequestedAt time.Time     `json:"requested_at"`
	Duration    time.Duration `json:"duration"` // how long it lasts once approved
	Reason      string        `json:"reason,omitempty"`
	ApprovedBy  uuid.UUID     `json:"approved_by,omitzero"` // member id
	ApprovedAt  time.Time     `json:"approved_at,omitzero"`
	ExpiresAt   time.Time     `json:"expires_at,omitzero"` // ApprovedAt + Duration
	RevokedBy   uuid.UUID     `json:"revoked_by,omitzero"` // member id
	RevokedAt   time.Time     `json:"revoked_at,omitzero"`
}

// State returns where the grant stands at now.
func (g Grant) State(now time.Time) GrantState {
	switch {
	case !g.RevokedAt.IsZero():
		return GrantRevoked
	case g.ApprovedAt.IsZero():
		return GrantPending
	case now.Before(g.ExpiresAt):
		return GrantActive
	}
	return GrantExpired
}

// remoteAccess reports whether some grant is active at now.
func (o *Organization) remoteAccess(now time.Time) bool {
	for _, g := range o.s.Grants {
		if g.State(now) == GrantActive {
			return true
		}
	}
	return false
}

func (o *Organization) grantIndex(id uuid.UUID) int {
	for i, g := range o.s.Grants {
		if g.ID == id {
			return i
		}
	}
	return -1
}
