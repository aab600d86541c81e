package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// hostileInput seeds the fuzz targets: injection strings for SQL and Lua,
// broken encodings, control characters, huge and empty values and
// look-alike Unicode.
var hostileInput = []string{
	"", " ", "Acme", "olive@acme.example", "+44 20 7946 0958",
	"' OR 1=1 --", "'; DROP TABLE organizations; --", "%_\\", "\"]]) redis.call('FLUSHALL') --[[",
	"*\r\n$8\r\nFLUSHALL\r\n", "{p:x}", "acme\xff\xfe", "\xc3\x28", "a\x00b", "\x1b[2J",
	"\u202eevil", "аcme@аcme.example", "ＡＣＭＥ", strings.Repeat("x", 300), strings.Repeat("ß", 5000),
}

// FuzzCreate feeds hostile values into every text field of a create. The
// Service either stores a valid organization or refuses with a
// *ValidationError and stores nothing; it never panics.
func FuzzCreate(f *testing.F) {
	for i, s := range hostileInput {
		f.Add(s, hostileInput[(i+1)%len(hostileInput)], hostileInput[(i+2)%len(hostileInput)], i%2 == 0)
	}
	e := newEnv(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, a, b, c string, customer bool) {
		in := org.CreateInput{Name: a, ManagedBy: ownership.ServiceProvider, CustomerReference: b,
			ExternalContract: c, BuyerTags: []string{a, b}, Numbers: []string{c}, Country: b, TimeZone: c}
		if customer {
			in.ManagedBy = ownership.Customer
			in.Owner = &org.Person{Name: b, Email: a, Phone: c}
			in.Billing = &billing.Info{ContactName: a, Email: b, Phone: c, Currency: a, TaxID: b,
				Address: billing.Address{Line1: a, Line2: b, City: c, Region: a, PostalCode: b, Country: c}}
		}
		before, err := e.svc.Search(ctx, e.staff, org.SearchQuery{Count: true})
		require.NoError(t, err)
		o, err := e.svc.Create(ctx, e.staff, in)
		after, serr := e.svc.Search(ctx, e.staff, org.SearchQuery{Count: true})
		require.NoError(t, serr)
		if err != nil {
			var ve *org.ValidationError
			if !errors.As(err, &ve) {
				require.ErrorIs(t, err, org.ErrDuplicate)
			} else {
				require.NotEmpty(t, ve.Fields)
				require.Equal(t, "Organization is invalid.", err.Error())
			}
			require.Equal(t, before.Count.N, after.Count.N, "a refused create stores nothing")
			return
		}
		require.Equal(t, before.Count.N+1, after.Count.N)
		require.NotEmpty(t, o.Name())
		require.Equal(t, strings.TrimSpace(o.Name()), o.Name())
		require.LessOrEqual(t, utf8.RuneCountInString(o.Name()), org.MaxNameRunes)
		for _, n := range o.Numbers() {
			require.True(t, strings.HasPrefix(n, "+"), n)
		}
		_, err = org.Rehydrate(o.Snapshot())
		require.NoError(t, err)
	})
}
