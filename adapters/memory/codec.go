package memory

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// The store keeps each snapshot as one immutable string in a compact binary
// form rather than as Go structs: a million organizations then cost a
// fraction of the memory, hold no pointers for the garbage collector to
// scan, and decoding takes its strings as substrings, without copying.
//
// The form is private to this process (nothing is persisted), so it has no
// version. A test fills every field of org.Snapshot by reflection and checks
// the round trip, so a field added to the snapshot cannot be silently lost.

// errCorrupt means an encoded snapshot did not decode: a bug, never input.
var errCorrupt = errors.New("memory: corrupt encoded snapshot")

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) byte(v uint8)     { e.b = append(e.b, v) }
func (e *encoder) uuid(u uuid.UUID) { e.b = append(e.b, u[:]...) }

func (e *encoder) string(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strings(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.string(s)
	}
}

// Time zones: the instant is kept to the nanosecond with its zone; UTC and
// Local come back as themselves, any other zone as a fixed zone of the same
// name and offset. The monotonic clock reading is dropped, as any store does.
const (
	zoneUTC   = 0
	zoneLocal = 1
	zoneFixed = 2
)

func (e *encoder) time(t time.Time) {
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	switch loc := t.Location(); loc {
	case time.UTC:
		e.byte(zoneUTC)
	case time.Local:
		e.byte(zoneLocal)
	default:
		name, offset := t.Zone()
		e.byte(zoneFixed)
		e.string(name)
		e.varint(int64(offset))
	}
}

func encodeSnapshot(s *org.Snapshot) string {
	e := encoder{b: make([]byte, 0, 512)}
	e.snapshot(s)
	return string(e.b)
}

func (e *encoder) snapshot(s *org.Snapshot) {
	e.uuid(s.ID)
	e.uuid(s.ProviderID)
	e.varint(s.Version)
	e.time(s.CreatedAt)
	e.time(s.UpdatedAt)
	e.string(s.Name)
	e.string(s.Country)
	e.string(s.TimeZone)
	e.string(s.CustomerReference)
	e.string(s.ExternalContract)
	e.strings(s.BuyerTags)
	e.strings(s.Numbers)
	e.byte(uint8(s.ManagedBy))
	e.uuid(s.OwnerID)
	e.uvarint(uint64(len(s.Members)))
	for _, m := range s.Members {
		e.uuid(m.ID)
		e.string(m.Name)
		e.string(m.Email)
		e.string(m.Phone)
		e.byte(uint8(m.Role))
	}
	if b := s.Billing; b == nil {
		e.byte(0)
	} else {
		e.byte(1)
		e.string(b.ContactName)
		e.string(b.Email)
		e.string(b.Phone)
		e.string(b.Currency)
		e.string(b.TaxID)
		e.string(b.Address.Line1)
		e.string(b.Address.Line2)
		e.string(b.Address.City)
		e.string(b.Address.Region)
		e.string(b.Address.PostalCode)
		e.string(b.Address.Country)
	}
	e.byte(uint8(s.Status))
	e.string(s.SuspendReason)
	e.uvarint(uint64(len(s.Grants)))
	for _, g := range s.Grants {
		e.uuid(g.ID)
		e.string(g.RequestedBy)
		e.time(g.RequestedAt)
		e.varint(int64(g.Duration))
		e.string(g.Reason)
		e.uuid(g.ApprovedBy)
		e.time(g.ApprovedAt)
		e.time(g.ExpiresAt)
		e.uuid(g.RevokedBy)
		e.time(g.RevokedAt)
	}
}

// decoder reads what encoder wrote. Strings it returns share the memory of
// the encoded string, which is never changed.
type decoder struct {
	s   string
	bad bool
}

func (d *decoder) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(d.s) == 0 {
			d.bad = true
			return 0
		}
		c := d.s[0]
		d.s = d.s[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) byte() uint8 {
	if len(d.s) == 0 {
		d.bad = true
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *decoder) uuid() (u uuid.UUID) {
	if len(d.s) < 16 {
		d.bad = true
		return u
	}
	copy(u[:], d.s)
	d.s = d.s[16:]
	return u
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.bad = true
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

// count reads the length of a list; every item takes at least a byte, so a
// count beyond the bytes left is corrupt.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *decoder) strings() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.string()
	}
	return out
}

func (d *decoder) time() time.Time {
	sec := d.varint()
	nsec := d.uvarint()
	if nsec > math.MaxInt32 {
		d.bad = true
	}
	t := time.Unix(sec, int64(nsec))
	switch d.byte() {
	case zoneUTC:
		return t.UTC()
	case zoneLocal:
		return t.Local()
	default:
		name := d.string()
		return t.In(time.FixedZone(name, int(d.varint())))
	}
}

func decodeSnapshot(enc string) (org.Snapshot, error) {
	d := decoder{s: enc}
	var s org.Snapshot
	s.ID = d.uuid()
	s.ProviderID = d.uuid()
	s.Version = d.varint()
	s.CreatedAt = d.time()
	s.UpdatedAt = d.time()
	s.Name = d.string()
	s.Country = d.string()
	s.TimeZone = d.string()
	s.CustomerReference = d.string()
	s.ExternalContract = d.string()
	s.BuyerTags = d.strings()
	s.Numbers = d.strings()
	s.ManagedBy = ownership.Type(d.byte())
	s.OwnerID = d.uuid()
	if n := d.count(); n > 0 {
		s.Members = make([]org.Member, n)
		for i := range s.Members {
			m := &s.Members[i]
			m.ID = d.uuid()
			m.Name = d.string()
			m.Email = d.string()
			m.Phone = d.string()
			m.Role = ownership.Role(d.byte())
		}
	}
	if d.byte() == 1 {
		s.Billing = &billing.Info{
			ContactName: d.string(),
			Email:       d.string(),
			Phone:       d.string(),
			Currency:    d.string(),
			TaxID:       d.string(),
			Address: billing.Address{
				Line1:      d.string(),
				Line2:      d.string(),
				City:       d.string(),
				Region:     d.string(),
				PostalCode: d.string(),
				Country:    d.string(),
			},
		}
	}
	s.Status = org.Status(d.byte())
	s.SuspendReason = d.string()
	if n := d.count(); n > 0 {
		s.Grants = make([]org.Grant, n)
		for i := range s.Grants {
			g := &s.Grants[i]
			g.ID = d.uuid()
			g.RequestedBy = d.string()
			g.RequestedAt = d.time()
			g.Duration = time.Duration(d.varint())
			g.Reason = d.string()
			g.ApprovedBy = d.uuid()
			g.ApprovedAt = d.time()
			g.ExpiresAt = d.time()
			g.RevokedBy = d.uuid()
			g.RevokedAt = d.time()
		}
	}
	if d.bad || len(d.s) != 0 {
		return org.Snapshot{}, errCorrupt
	}
	return s, nil
}
