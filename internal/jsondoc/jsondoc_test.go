package jsondoc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

var provider = uuid.MustParse("0190a000-0000-7000-8000-000000000001")

// snapshots returns generated organizations, and one carrying every field a
// generated one may leave out: members, remote access grants (whose
// durations encoding/json writes as nanoseconds), a suspension.
func snapshots(t testing.TB) []org.Snapshot {
	g := datagen.New(7, provider)
	var out []org.Snapshot
	for i := range 200 {
		o, err := g.Organization(i)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Snapshot())
	}
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	full := out[0]
	full.Status = org.StatusSuspended
	full.SuspendReason = "unpaid <invoice> & \"fees\""
	full.Members = append(full.Members, org.Member{ID: uuid.New(), Name: "Zoë Ådahl", Email: "zoe@example.com", Phone: "+46701234567", Role: ownership.Admin})
	full.Grants = []org.Grant{
		{ID: uuid.New(), RequestedBy: "staff-1", RequestedAt: at, Duration: 90 * time.Minute, Reason: "ticket 42"},
		{ID: uuid.New(), RequestedBy: "staff-2", RequestedAt: at, Duration: time.Hour, ApprovedBy: uuid.New(), ApprovedAt: at.Add(time.Minute), ExpiresAt: at.Add(61 * time.Minute), RevokedBy: uuid.New(), RevokedAt: at.Add(2 * time.Minute)},
	}
	return append(out, full)
}

func events(t testing.TB) []org.Event {
	var out []org.Event
	snaps := snapshots(t)
	for i, s := range snaps {
		ev := org.Event{ID: uuid.New(), OrganizationID: s.ID, ProviderID: s.ProviderID, Version: s.Version,
			Actor: org.ActorRef{Kind: "staff", ID: "u1"}, Time: s.UpdatedAt, Type: org.EventUpdated}
		ev.After = &snaps[i]
		if i > 0 {
			ev.Before = &snaps[i-1]
		}
		out = append(out, ev)
	}
	return out
}

// TestSameAsEncodingJSON holds the package to its promise: what it writes is
// what encoding/json writes, and what encoding/json wrote reads back as
// encoding/json reads it.
func TestSameAsEncodingJSON(t *testing.T) {
	check := func(t *testing.T, v, fromStd, fromDoc any) {
		t.Helper()
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := jsondoc.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Marshal differs from encoding/json:\n got %s\nwant %s", got, want)
		}
		if err := json.Unmarshal(want, fromStd); err != nil {
			t.Fatal(err)
		}
		if err := jsondoc.Unmarshal(want, fromDoc); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromDoc, fromStd) {
			t.Fatalf("Unmarshal differs from encoding/json:\n got %+v\nwant %+v", fromDoc, fromStd)
		}
	}
	t.Run("snapshots", func(t *testing.T) {
		for _, s := range snapshots(t) {
			check(t, s, new(org.Snapshot), new(org.Snapshot))
		}
	})
	t.Run("events", func(t *testing.T) {
		for _, ev := range events(t) {
			check(t, ev, new(org.Event), new(org.Event))
		}
	})
}

func TestUnmarshalError(t *testing.T) {
	var s org.Snapshot
	for _, doc := range []string{`{"version":"one"}`, `{"status":"gone"}`, `{"id":`} {
		if err := jsondoc.Unmarshal([]byte(doc), &s); err == nil {
			t.Errorf("Unmarshal(%s) = nil, want an error", doc)
		}
	}
}

// BenchmarkUnmarshal decodes stored organizations, beside encoding/json
// decoding the same documents in the same run.
func BenchmarkUnmarshal(b *testing.B) {
	var docs [][]byte
	for _, s := range snapshots(b) {
		d, err := json.Marshal(s)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	for _, c := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{{"jsondoc", jsondoc.Unmarshal}, {"encoding-json", json.Unmarshal}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var s org.Snapshot
				if err := c.unmarshal(docs[i%len(docs)], &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func Example() {
	g := datagen.New(1, provider)
	o, err := g.Organization(0)
	if err != nil {
		panic(err)
	}
	doc, err := jsondoc.Marshal(o.Snapshot())
	if err != nil {
		panic(err)
	}
	var s org.Snapshot
	if err := jsondoc.Unmarshal(doc, &s); err != nil {
		panic(err)
	}
	fmt.Println(s.ID == o.ID(), s.Name == o.Name())
	// Output: true true
}
