package memory

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
)

// storedEvent is an event with its snapshots encoded. A snapshot equal to
// the organization's stored one shares its string, so an import's event
// costs little beyond its header.
type storedEvent struct {
	seq      uint64
	id       uuid.UUID
	orgID    uuid.UUID
	provider uuid.UUID
	version  int64
	time     time.Time
	actor    org.ActorRef
	typ      org.EventType
	before   string // encoded snapshot, "" when nil
	after    string // encoded snapshot, "" when nil
	prev     int32  // the organization's previous event, or -1
}

// encodeEvent encodes ev; before and after, when set, are the records whose
// encoded snapshots ev.Before and ev.After may share.
func encodeEvent(ev org.Event, before, after *record) (storedEvent, error) {
	e := storedEvent{
		id: ev.ID, orgID: ev.OrganizationID, provider: ev.ProviderID, version: ev.Version,
		time: ev.Time, actor: ev.Actor, typ: ev.Type, prev: -1,
	}
	share := func(s *org.Snapshot, r *record) string {
		if s == nil {
			return ""
		}
		enc := encodeSnapshot(s)
		if r != nil && r.snap() == enc {
			return r.snap()
		}
		return enc
	}
	e.before = share(ev.Before, before)
	e.after = share(ev.After, after)
	return e, nil
}

// event decodes the stored event.
func (e *storedEvent) event() (org.Event, error) {
	ev := org.Event{
		ID: e.id, OrganizationID: e.orgID, ProviderID: e.provider, Version: e.version,
		Time: e.time, Actor: e.actor, Type: e.typ,
	}
	for _, p := range []struct {
		enc string
		dst **org.Snapshot
	}{{e.before, &ev.Before}, {e.after, &ev.After}} {
		if p.enc == "" {
			continue
		}
		s, err := decodeSnapshot(p.enc)
		if err != nil {
			return org.Event{}, err
		}
		*p.dst = &s
	}
	return ev, nil
}

// redacted returns the event with personal data erased (org.Event.Redacted).
func (e *storedEvent) redacted() (storedEvent, error) {
	ev, err := e.event()
	if err != nil {
		return storedEvent{}, err
	}
	r, err := encodeEvent(ev.Redacted(), nil, nil)
	if err != nil {
		return storedEvent{}, err
	}
	r.seq, r.prev = e.seq, e.prev
	return r, nil
}

// appendEvent stores e as the latest event of the organization in slot.
func (s *Store) appendEvent(t *tenant, slot uint32, e storedEvent) {
	s.seq++
	e.seq = s.seq
	e.prev = t.recs[slot].lastEvent
	t.events = append(t.events, e)
	t.recs[slot].lastEvent = int32(len(t.events) - 1)
}
