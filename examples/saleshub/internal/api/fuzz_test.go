package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/examples/saleshub/internal/api"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// bodyRoutes are the routes that read a JSON body; {id} is an organization
// of the caller's provider.
var bodyRoutes = []struct{ method, path string }{
	{"POST", "/v1/organizations"},
	{"PATCH", "/v1/organizations/{id}"},
	{"PUT", "/v1/organizations/{id}/billing"},
	{"PUT", "/v1/organizations/{id}/buyer-tags"},
	{"POST", "/v1/organizations/{id}/members"},
	{"POST", "/v1/organizations/{id}/numbers"},
	{"PUT", "/v1/organizations/{id}/managed-by"},
	{"POST", "/v1/organizations/{id}/suspend"},
	{"POST", "/v1/organizations/{id}/remote-access"},
}

// hostile are seed bodies: injection strings for SQL, Lua and Redis, invalid
// UTF-8, control characters, lookalike Unicode, empty and huge bodies, and
// JSON that is almost right.
var hostile = []string{
	``,
	`{}`,
	`null`,
	`[]`,
	`{"name":"Acme","managed_by":"service_provider"}`,
	`{"name":"x'); DROP TABLE organizations; --","managed_by":"service_provider"}`,
	`{"name":"Robert\"); DELETE FROM orgkit.events; --","customer_reference":"' OR 1=1 --"}`,
	`{"name":"]] redis.call('FLUSHALL') --[[","managed_by":"service_provider"}`,
	`{"name":"x\r\nFLUSHALL\r\n","managed_by":"service_provider"}`,
	`{"name":"%_\\*?[a-z]{}","customer_reference":"*","external_contract":"[^a]"}`,
	"{\"name\":\"\xff\xfe\xfd\",\"managed_by\":\"service_provider\"}",
	"{\"name\":\"a\x00b\",\"managed_by\":\"service_provider\"}",
	`{"name":"a\u0000b\u001fc\u007f","managed_by":"service_provider"}`,
	`{"name":"\ud800","managed_by":"service_provider"}`,
	`{"name":"ＡＣＭＥ","managed_by":"ѕervice_provider"}`,
	`{"name":"Acme","managed_by":"service_provider","numbers":["+１４１５５５５０１００"]}`,
	`{"name":"Acme","managed_by":"customer","owner":{"name":"Olive","email":"olive@аcme.example"}}`,
	`{"name":"Acme","managed_by":"service_provider","unknown":1}`,
	`{"name":"Acme","managed_by":"service_provider"} {"name":"Second"}`,
	`{"name":1e999}`,
	`{"name":` + strings.Repeat(`[`, 10000),
	`{"name":"` + strings.Repeat("A", 5000) + `","managed_by":"service_provider"}`,
	`{"buyer_tags":["` + strings.Repeat(`x","`, 600) + `"]}`,
	`{"email":"mia@acme.example","name":"Mia","role":"owner"}`,
	`{"number":"+44 20 7946 0999"}`,
	`{"managed_by":"service_provider","former_owner_role":"owner"}`,
	`{"reason":"` + strings.Repeat("\u202e", 300) + `"}`,
	`{"duration":-1}`,
}

// FuzzDecodeBody sends arbitrary bodies to every route that reads one. No
// body may panic the API or be answered 500, and a refused body changes
// nothing: the provider's event stream, which records every change, does
// not grow.
func FuzzDecodeBody(f *testing.F) {
	for i := range bodyRoutes {
		for _, b := range hostile {
			f.Add(uint8(i), b)
		}
	}
	store := memory.New()
	f.Cleanup(func() { _ = store.Close() })
	dir, err := actors.New(map[string]actors.Entry{
		tokAda: {ProviderID: northwind, Kind: "staff", UserID: "ada", Role: "owner", SalesHubAccess: true},
	})
	if err != nil {
		f.Fatal(err)
	}
	svc := org.NewService(store, dir.Providers())
	h := api.New(svc, dir, api.Options{MaxBody: 4096})
	ada := org.Staff(northwind, "ada", ownership.Owner, true)
	o, err := svc.Create(context.Background(), ada, org.CreateInput{Name: "Fuzzed", ManagedBy: ownership.ServiceProvider})
	if err != nil {
		f.Fatal(err)
	}
	id := o.ID().String()

	f.Fuzz(func(t *testing.T, route uint8, body string) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		before := eventCount(t, store)
		req := httptest.NewRequest(rt.method, strings.ReplaceAll(rt.path, "{id}", id), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokAda)
		req.Header.Set("If-Match", "*")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s answered %d to %q: %s", rt.method, rt.path, rec.Code, body, rec.Body)
		}
		if rec.Code >= 300 {
			if after := eventCount(t, store); after != before {
				t.Fatalf("%s %s refused %q with %d but stored %d change(s)", rt.method, rt.path, body, rec.Code, after-before)
			}
		}
	})
}

// eventCount counts the events of the fixture's provider.
func eventCount(t *testing.T, s *memory.Store) int {
	t.Helper()
	n := 0
	err := s.Walk(context.Background(), northwind, org.Visitor{Event: func(org.Event) error { n++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
