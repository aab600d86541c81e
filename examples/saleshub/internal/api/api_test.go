package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/examples/saleshub/internal/api"
	"github.com/orgkit/orgkit/org"
)

// Tokens of the fixture's actors.
const (
	tokAda   = "ada-owner-staff-token"   // Northwind staff, Owner, Sales Hub
	tokMax   = "max-member-staff-token"  // Northwind staff, Member, Sales Hub
	tokNoHub = "nohub-staff-token-xxxxx" // Northwind staff without Sales Hub access
	tokBea   = "bea-other-provider-tok"  // Southwind staff
	tokOlive = "olive-customer-owner-t"  // owner of the customer org
	tokMia   = "mia-customer-member-to"  // role Member in the customer org
)

var (
	northwind = uuid.MustParse("0190a7e4-7c00-7000-8000-00000000a001")
	southwind = uuid.MustParse("0190a7e4-7c00-7000-8000-00000000b002")
)

type fixture struct {
	t    *testing.T
	h    http.Handler
	acme string // a Customer-managed organization of Northwind
}

var customerBody = map[string]any{
	"name": "Acme Telecom", "managed_by": "customer", "country": "GB",
	"owner":              map[string]any{"name": "Olive Owens", "email": "olive@acme.example"},
	"billing":            billingBody("GBP"),
	"customer_reference": "ACME-001", "numbers": []string{"+44 20 7946 0001"},
	"buyer_tags": []string{"Enterprise"},
}

func billingBody(currency string) map[string]any {
	return map[string]any{"contact_name": "Accounts", "currency": currency,
		"address": map[string]any{"line1": "1 Long Lane", "city": "London", "postal_code": "EC1A 9HF", "country": "GB"}}
}

// newFixture serves the API over a memory store with a Customer-managed
// organization whose owner (Olive) and a Member (Mia) have tokens.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	store := memory.New()
	t.Cleanup(func() { store.Close() })
	acmeID := make(chan uuid.UUID, 1)
	staff := map[string]actors.Entry{
		tokAda:   {ProviderID: northwind, Kind: "staff", UserID: "ada", Role: "owner", SalesHubAccess: true},
		tokMax:   {ProviderID: northwind, Kind: "staff", UserID: "max", Role: "member", SalesHubAccess: true},
		tokNoHub: {ProviderID: northwind, Kind: "staff", UserID: "nohub", Role: "admin"},
		tokBea:   {ProviderID: southwind, Kind: "staff", UserID: "bea", Role: "admin", SalesHubAccess: true},
	}
	dir, err := actors.New(staff)
	require.NoError(t, err)
	svc := org.NewService(store, dir.Providers())
	f := &fixture{t: t, h: api.New(svc, dir, api.Options{MaxBody: 4096})}
	res := f.do("POST", "/v1/organizations", tokAda, customerBody)
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	f.acme = decode(t, res)["id"].(string)
	acmeID <- uuid.MustParse(f.acme)
	res = f.do("POST", "/v1/organizations/"+f.acme+"/remote-access", tokAda, nil)
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())

	// The customer members' tokens need the organization's id.
	id := <-acmeID
	staff[tokOlive] = actors.Entry{ProviderID: northwind, Kind: "member", OrganizationID: id, Email: "olive@acme.example"}
	staff[tokMia] = actors.Entry{ProviderID: northwind, Kind: "member", OrganizationID: id, Email: "mia@acme.example"}
	dir, err = actors.New(staff)
	require.NoError(t, err)
	f.h = api.New(svc, dir, api.Options{MaxBody: 4096})
	res = f.do("POST", "/v1/organizations/"+f.acme+"/members", tokOlive, map[string]any{"name": "Mia", "email": "mia@acme.example", "role": "member"})
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	return f
}

// do sends a request; body is JSON-encoded unless it is a string. headers
// are name, value pairs.
func (f *fixture) do(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(f.t, err)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, res *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(res.Body.Bytes(), &m), res.Body.String())
	return m
}

// problem checks a problem-details answer and returns it.
func problem(t *testing.T, res *httptest.ResponseRecorder, status int, kind string) map[string]any {
	t.Helper()
	require.Equal(t, status, res.Code, res.Body.String())
	assert.Equal(t, "application/problem+json", res.Header().Get("Content-Type"))
	p := decode(t, res)
	assert.Equal(t, "urn:orgkit:problem:"+kind, p["type"])
	assert.EqualValues(t, status, p["status"])
	return p
}

func fields(p map[string]any) []string {
	var out []string
	for _, e := range p["errors"].([]any) {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	res := f.do("GET", "/v1/organizations", "", nil)
	problem(t, res, http.StatusUnauthorized, "unauthorized")
	assert.Contains(t, res.Header().Get("WWW-Authenticate"), "Bearer")
	problem(t, f.do("GET", "/v1/organizations", "not-a-known-token", nil), http.StatusUnauthorized, "unauthorized")
	req := httptest.NewRequest("GET", "/v1/organizations", nil)
	req.Header.Set("Authorization", "Basic "+tokAda)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	problem(t, rec, http.StatusUnauthorized, "unauthorized")
	// Staff without Sales Hub access are known but not allowed.
	problem(t, f.do("GET", "/v1/organizations", tokNoHub, nil), http.StatusForbidden, "forbidden")
}

func TestCreateGetAndIdempotency(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"name": "Globex", "managed_by": "service_provider", "external_contract": "K-1"}
	res := f.do("POST", "/v1/organizations", tokAda, body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	o := decode(t, res)
	assert.Equal(t, "/v1/organizations/"+o["id"].(string), res.Header().Get("Location"))
	assert.Equal(t, `"1"`, res.Header().Get("ETag"))
	assert.Equal(t, "service_provider", o["managed_by"])
	owner := o["owner"].(map[string]any)
	assert.Equal(t, "admin_organization", owner["kind"])
	assert.Equal(t, actors.AdminOrganizationID(northwind).String(), owner["admin_organization_id"])
	assert.Equal(t, []any{}, o["members"])

	again := f.do("POST", "/v1/organizations", tokAda, body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, again.Code)
	assert.Equal(t, o["id"], decode(t, again)["id"], "a retry returns the first result")
	body["name"] = "Globex 2"
	problem(t, f.do("POST", "/v1/organizations", tokAda, body, "Idempotency-Key", "k-1"), http.StatusConflict, "conflict")

	get := f.do("GET", "/v1/organizations/"+o["id"].(string), tokAda, nil)
	require.Equal(t, http.StatusOK, get.Code)
	assert.Equal(t, `"1"`, get.Header().Get("ETag"))
	assert.Equal(t, "no-store", get.Header().Get("Cache-Control"))
	assert.Equal(t, http.StatusNotModified, f.do("GET", "/v1/organizations/"+o["id"].(string), tokAda, nil, "If-None-Match", `"1"`).Code)

	// The customer overview carries the owner and members.
	acme := decode(t, f.do("GET", "/v1/organizations/"+f.acme, tokAda, nil))
	assert.Equal(t, "Olive Owens", acme["owner"].(map[string]any)["name"])
	assert.Len(t, acme["members"], 2)
	assert.Equal(t, "olive@acme.example", acme["billing"].(map[string]any)["email"], "the owner's email is the billing email")
}

func TestCreateRefusals(t *testing.T) {
	f := newFixture(t)
	p := problem(t, f.do("POST", "/v1/organizations", tokAda, map[string]any{"name": "", "managed_by": "customer",
		"owner": map[string]any{"name": "X", "email": "nope"}}), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, "Organization is invalid.", p["title"])
	assert.Subset(t, fields(p), []string{"name", "owner.email", "billing"})
	p = problem(t, f.do("POST", "/v1/organizations", tokAda, map[string]any{"name": "X", "managed_by": "nobody"}), http.StatusUnprocessableEntity, "invalid")
	assert.Contains(t, fields(p), "managed_by")

	dup := map[string]any{"name": "Other", "managed_by": "service_provider", "customer_reference": "acme-001"}
	p = problem(t, f.do("POST", "/v1/organizations", tokAda, dup), http.StatusConflict, "duplicate")
	assert.Equal(t, "customer_reference", p["field"])
	// Another provider may use the same reference.
	assert.Equal(t, http.StatusCreated, f.do("POST", "/v1/organizations", tokBea, dup).Code)
	problem(t, f.do("POST", "/v1/organizations", tokOlive, dup), http.StatusForbidden, "forbidden")
}

func TestMalformedRequests(t *testing.T) {
	f := newFixture(t)
	path := "/v1/organizations"
	problem(t, f.do("POST", path, tokAda, `{"name":`), http.StatusBadRequest, "bad-request")
	problem(t, f.do("POST", path, tokAda, `{"name":"x"} {}`), http.StatusBadRequest, "bad-request")
	problem(t, f.do("POST", path, tokAda, `[1]`), http.StatusBadRequest, "bad-request")
	problem(t, f.do("POST", path, tokAda, ``+"\n"), http.StatusBadRequest, "bad-request")
	p := problem(t, f.do("POST", path, tokAda, `{"name":"x","colour":"red"}`), http.StatusBadRequest, "bad-request")
	assert.Contains(t, p["detail"], "colour")
	problem(t, f.do("POST", path, tokAda, `{"name": 7}`), http.StatusBadRequest, "bad-request")
	problem(t, f.do("POST", path, tokAda, `{"name":"`+strings.Repeat("x", 5000)+`"}`), http.StatusRequestEntityTooLarge, "too-large")

	req := httptest.NewRequest("POST", path, strings.NewReader(`name=x`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+tokAda)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	problem(t, rec, http.StatusUnsupportedMediaType, "unsupported-media-type")

	problem(t, f.do("GET", "/v1/nothing", tokAda, nil), http.StatusNotFound, "not-found")
	res := f.do("PUT", "/v1/organizations", tokAda, nil)
	problem(t, res, http.StatusMethodNotAllowed, "method-not-allowed")
	assert.Contains(t, res.Header().Get("Allow"), "GET")
	problem(t, f.do("GET", "/v1/organizations/not-a-uuid", tokAda, nil), http.StatusNotFound, "not-found")
	problem(t, f.do("GET", "/v1/organizations/"+uuid.NewString(), tokAda, nil), http.StatusNotFound, "not-found")
}

func TestTenancy(t *testing.T) {
	f := newFixture(t)
	o := "/v1/organizations/" + f.acme
	// Another provider's organization is not found, whatever the route.
	for _, r := range []struct{ method, path string }{
		{"GET", o}, {"PATCH", o}, {"DELETE", o}, {"PUT", o + "/buyer-tags"}, {"POST", o + "/suspend"},
		{"GET", o + "/remote-access"}, {"GET", o + "/events"},
	} {
		var body any
		if r.method != "GET" && r.method != "DELETE" {
			body = map[string]any{}
		}
		if r.method == "PATCH" {
			body = map[string]any{"name": "x"}
		}
		if r.method == "PUT" {
			body = map[string]any{"tags": []string{}}
		}
		if r.method == "POST" {
			body = map[string]any{"reason": "x"}
		}
		problem(t, f.do(r.method, r.path, tokBea, body, "If-Match", `"1"`), http.StatusNotFound, "not-found")
	}
	res := decode(t, f.do("GET", "/v1/organizations?q=ACME-001", tokBea, nil))
	assert.Empty(t, res["items"])
}

func TestPatchPreconditions(t *testing.T) {
	f := newFixture(t)
	o := "/v1/organizations/" + f.acme
	body := map[string]any{"customer_reference": "ACME-002", "external_contract": "NW-1"}
	problem(t, f.do("PATCH", o, tokAda, body), http.StatusPreconditionRequired, "precondition")
	cur := f.do("GET", o, tokAda, nil).Header().Get("ETag")
	problem(t, f.do("PATCH", o, tokAda, body, "If-Match", `"1"`), http.StatusPreconditionFailed, "stale")
	problem(t, f.do("PATCH", o, tokAda, body, "If-Match", "W/"+cur), http.StatusPreconditionFailed, "stale")
	res := f.do("PATCH", o, tokAda, body, "If-Match", cur)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.NotEqual(t, cur, res.Header().Get("ETag"))
	assert.Equal(t, "ACME-002", decode(t, res)["customer_reference"])
	// Every change route honours If-Match, not only PATCH.
	problem(t, f.do("PUT", o+"/buyer-tags", tokAda, map[string]any{"tags": []string{"a"}}, "If-Match", cur), http.StatusPreconditionFailed, "stale")
	// Invalid and forbidden edits.
	etag := res.Header().Get("ETag")
	p := problem(t, f.do("PATCH", o, tokAda, map[string]any{}, "If-Match", etag), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, "Organization is invalid.", p["title"])
	problem(t, f.do("PATCH", o, tokAda, map[string]any{"time_zone": "Europe/Paris"}, "If-Match", etag), http.StatusForbidden, "forbidden")
	p = problem(t, f.do("PATCH", o, tokOlive, map[string]any{"time_zone": "Mars/Base"}, "If-Match", etag), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"time_zone"}, fields(p))
	problem(t, f.do("PATCH", o, tokMia, map[string]any{"name": "Mine"}, "If-Match", etag), http.StatusForbidden, "forbidden")
}

// TestSeedCustomerFlow: a Customer-managed organization is edited by its
// owner, staff get remote access, switch it to Service Provider and back.
func TestSeedCustomerFlow(t *testing.T) {
	f := newFixture(t)
	o := "/v1/organizations/" + f.acme
	// Staff need an approved grant to edit a Customer-managed organization.
	problem(t, f.do("PUT", o+"/billing", tokAda, billingBody("EUR")), http.StatusForbidden, "forbidden")
	grants := decode(t, f.do("GET", o+"/remote-access", tokOlive, nil))["items"].([]any)
	require.Len(t, grants, 1)
	g := grants[0].(map[string]any)
	assert.Equal(t, "pending", g["state"])
	gpath := o + "/remote-access/" + g["id"].(string)
	problem(t, f.do("POST", gpath+"/approve", tokMia, nil), http.StatusForbidden, "forbidden")
	problem(t, f.do("POST", gpath+"/approve", tokAda, nil), http.StatusForbidden, "forbidden")
	res := f.do("POST", gpath+"/approve", tokOlive, nil)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, "active", decode(t, res)["state"])
	problem(t, f.do("POST", gpath+"/approve", tokOlive, nil), http.StatusConflict, "transition")
	problem(t, f.do("POST", o+"/remote-access/"+uuid.NewString()+"/approve", tokOlive, nil), http.StatusNotFound, "not-found")

	// Edit Billing Information with the grant; a different billing email is invalid.
	b := billingBody("EUR")
	res = f.do("PUT", o+"/billing", tokAda, b)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, "EUR", decode(t, res)["billing"].(map[string]any)["currency"])
	b["email"] = "someone@else.example"
	p := problem(t, f.do("PUT", o+"/billing", tokAda, b), http.StatusUnprocessableEntity, "invalid")
	assert.Contains(t, fields(p), "billing.email")

	// Switch to the type it has: 409; demotion to Owner: 422.
	problem(t, f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer", "new_owner": map[string]any{"name": "A", "email": "a@b.example"}}), http.StatusConflict, "transition")
	p = problem(t, f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "service_provider", "former_owner_role": "owner"}), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"former_owner_role"}, fields(p))
	problem(t, f.do("PUT", o+"/managed-by", tokMax, map[string]any{"managed_by": "service_provider", "former_owner_role": "admin"}), http.StatusForbidden, "forbidden")
	res = f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "service_provider", "former_owner_role": "admin"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	sp := decode(t, res)
	assert.Equal(t, "admin_organization", sp["owner"].(map[string]any)["kind"])

	// Back to Customer with an existing member; an unknown member is invalid.
	p = problem(t, f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer", "new_owner": map[string]any{"member_id": uuid.NewString()}}), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"new_owner.member_id"}, fields(p))
	var mia string
	for _, m := range sp["members"].([]any) {
		if mm := m.(map[string]any); mm["email"] == "mia@acme.example" {
			mia = mm["id"].(string)
		}
	}
	res = f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer", "new_owner": map[string]any{"member_id": mia}})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	c := decode(t, res)
	assert.Equal(t, "mia@acme.example", c["owner"].(map[string]any)["email"])
	assert.Equal(t, "mia@acme.example", c["billing"].(map[string]any)["email"], "billing follows the new owner")

	// The new owner revokes the grant; staff are locked out again.
	res = f.do("POST", gpath+"/revoke", tokMia, nil)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, "revoked", decode(t, res)["state"])
	problem(t, f.do("PUT", o+"/billing", tokAda, billingBody("USD")), http.StatusForbidden, "forbidden")
}

// TestSeedServiceProviderFlow: create, find by every key, edit information,
// tags, numbers and members, switch to Customer with a new owner entered by
// hand, suspend, reactivate, suspend and delete.
func TestSeedServiceProviderFlow(t *testing.T) {
	f := newFixture(t)
	res := f.do("POST", "/v1/organizations", tokAda, map[string]any{"name": "Straße Networks", "managed_by": "service_provider",
		"country": "DE", "customer_reference": "SN-1", "external_contract": "K-2024-17", "numbers": []string{"+49 30 901820"}})
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	id := decode(t, res)["id"].(string)
	o := "/v1/organizations/" + id
	for q, matched := range map[string]string{id: "id", "+49 30 9018": "number", "sn-1": "customer_reference", "k-2024": "external_contract", "strasse": "name"} {
		page := decode(t, f.do("GET", "/v1/organizations?q="+urlQuery(q), tokAda, nil))
		items := page["items"].([]any)
		require.Len(t, items, 1, q)
		assert.Equal(t, matched, items[0].(map[string]any)["matched"], q)
		assert.Equal(t, id, items[0].(map[string]any)["organization"].(map[string]any)["id"])
	}
	etag := f.do("GET", o, tokAda, nil).Header().Get("ETag")
	res = f.do("PATCH", o, tokAda, map[string]any{"name": "Strasse Networks", "time_zone": "Europe/Berlin"}, "If-Match", etag)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	res = f.do("PUT", o+"/buyer-tags", tokAda, map[string]any{"tags": []string{"VIP", "vip", "EMEA"}})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, []any{"VIP", "EMEA"}, decode(t, res)["buyer_tags"])
	p := problem(t, f.do("PUT", o+"/buyer-tags", tokAda, map[string]any{}), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"tags"}, fields(p))

	// Numbers: assign, duplicate across organizations, release.
	res = f.do("POST", o+"/numbers", tokAda, map[string]any{"number": "+49 30 901821"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	p = problem(t, f.do("POST", "/v1/organizations/"+f.acme+"/numbers", tokAda, map[string]any{"number": "+49 30 901821"}), http.StatusConflict, "duplicate")
	assert.Equal(t, "numbers", p["field"])
	p = problem(t, f.do("POST", o+"/numbers", tokAda, map[string]any{"number": "12"}), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"number"}, fields(p))
	require.Equal(t, http.StatusOK, f.do("DELETE", o+"/numbers/+4930901821", tokAda, nil).Code)
	problem(t, f.do("DELETE", o+"/numbers/+4930901821", tokAda, nil), http.StatusNotFound, "not-found")

	// Members: add, change role (PATCH needs If-Match), refuse Owner, remove.
	res = f.do("POST", o+"/members", tokAda, map[string]any{"name": "Sam", "email": "sam@sn.example", "role": "admin"})
	require.Equal(t, http.StatusCreated, res.Code, res.Body.String())
	member := res.Header().Get("Location")
	require.True(t, strings.HasPrefix(member, o+"/members/"), member)
	problem(t, f.do("POST", o+"/members", tokAda, map[string]any{"name": "Sam", "email": "SAM@sn.example", "role": "member"}), http.StatusUnprocessableEntity, "invalid")
	problem(t, f.do("PATCH", member, tokAda, map[string]any{"role": "member"}), http.StatusPreconditionRequired, "precondition")
	etag = res.Header().Get("ETag")
	p = problem(t, f.do("PATCH", member, tokAda, map[string]any{"role": "owner"}, "If-Match", etag), http.StatusUnprocessableEntity, "invalid")
	assert.Equal(t, []string{"role"}, fields(p))
	res = f.do("PATCH", member, tokAda, map[string]any{"role": "member"}, "If-Match", etag)
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	problem(t, f.do("PATCH", o+"/members/"+uuid.NewString(), tokAda, map[string]any{"role": "member"}, "If-Match", res.Header().Get("ETag")), http.StatusNotFound, "not-found")
	require.Equal(t, http.StatusOK, f.do("DELETE", member, tokAda, nil).Code)
	problem(t, f.do("DELETE", member, tokAda, nil), http.StatusNotFound, "not-found")

	// Switch to Customer with a new owner entered by hand, who needs billing.
	p = problem(t, f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer", "new_owner": map[string]any{"name": "Nora", "email": "nora@sn.example"}}), http.StatusUnprocessableEntity, "invalid")
	assert.Contains(t, fields(p), "billing")
	problem(t, f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer"}), http.StatusUnprocessableEntity, "invalid")
	res = f.do("PUT", o+"/managed-by", tokAda, map[string]any{"managed_by": "customer",
		"new_owner": map[string]any{"name": "Nora", "email": "nora@sn.example"}, "billing": billingBody("EUR")})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, "nora@sn.example", decode(t, res)["owner"].(map[string]any)["email"])
	// Staff may not request remote access to a Service-Provider-managed one.
	problem(t, f.do("POST", "/v1/organizations/"+f.acme+"/remote-access", tokMax, map[string]any{"duration": "forever"}), http.StatusUnprocessableEntity, "invalid")

	// Suspend / Delete Organization.
	problem(t, f.do("POST", o+"/suspend", tokAda, map[string]any{"reason": ""}), http.StatusUnprocessableEntity, "invalid")
	res = f.do("POST", o+"/suspend", tokAda, map[string]any{"reason": "unpaid"})
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	assert.Equal(t, "suspended", decode(t, res)["status"])
	problem(t, f.do("POST", o+"/suspend", tokAda, map[string]any{"reason": "again"}), http.StatusConflict, "transition")
	problem(t, f.do("PUT", o+"/buyer-tags", tokAda, map[string]any{"tags": []string{"x"}}), http.StatusConflict, "suspended")
	page := decode(t, f.do("GET", "/v1/organizations?status=suspended", tokAda, nil))
	assert.Len(t, page["items"], 1)
	require.Equal(t, http.StatusOK, f.do("POST", o+"/reactivate", tokAda, nil).Code)
	problem(t, f.do("POST", o+"/reactivate", tokAda, nil), http.StatusConflict, "transition")
	problem(t, f.do("DELETE", o, tokMax, nil, "If-Match", `"99"`), http.StatusPreconditionFailed, "stale")
	problem(t, f.do("DELETE", o, tokOlive, nil), http.StatusNotFound, "not-found")
	res = f.do("DELETE", o, tokMax, nil)
	require.Equal(t, http.StatusNoContent, res.Code, res.Body.String())
	assert.Empty(t, res.Body.String())
	problem(t, f.do("GET", o, tokAda, nil), http.StatusNotFound, "not-found")
	// The reference can be used again; the audit trail remains, erased.
	assert.Equal(t, http.StatusCreated, f.do("POST", "/v1/organizations", tokAda, map[string]any{"name": "Reuse", "managed_by": "service_provider", "customer_reference": "SN-1"}).Code)
	ev := decode(t, f.do("GET", o+"/events", tokAda, nil))
	items := ev["items"].([]any)
	require.NotEmpty(t, items)
	assert.Equal(t, "organization.deleted", items[len(items)-1].(map[string]any)["type"])
	assert.NotContains(t, mustJSON(t, items), "nora@sn.example", "personal data is erased from the trail")
}

func TestSearchParameters(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/organizations", tokAda, map[string]any{
			"name": "Page " + string(rune('A'+i)), "managed_by": "service_provider", "buyer_tags": []string{"paged", "t" + string(rune('a'+i))}}).Code)
	}
	page := decode(t, f.do("GET", "/v1/organizations?tag=paged&limit=2&count=true", tokAda, nil))
	assert.Len(t, page["items"], 2)
	assert.Equal(t, "3", page["count"])
	next := page["next_cursor"].(string)
	require.NotEmpty(t, next)
	page = decode(t, f.do("GET", "/v1/organizations?tag=paged&limit=2&cursor="+urlQuery(next), tokAda, nil))
	assert.Len(t, page["items"], 1)
	assert.Nil(t, page["next_cursor"])
	assert.Len(t, decode(t, f.do("GET", "/v1/organizations?tag=paged&tag=ta", tokAda, nil))["items"], 1)
	assert.Len(t, decode(t, f.do("GET", "/v1/organizations?managed_by=customer", tokAda, nil))["items"], 1)
	problem(t, f.do("GET", "/v1/organizations?tag=other&cursor="+urlQuery(next), tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/organizations?status=deleted", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/organizations?managed_by=x", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/organizations?limit=0", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/organizations?limit=1000", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/organizations?count=maybe", tokAda, nil), http.StatusBadRequest, "bad-request")
	// A customer member finds only their own organization.
	own := decode(t, f.do("GET", "/v1/organizations", tokOlive, nil))["items"].([]any)
	require.Len(t, own, 1)
	assert.Equal(t, f.acme, own[0].(map[string]any)["organization"].(map[string]any)["id"])
}

func TestEvents(t *testing.T) {
	f := newFixture(t)
	feed := decode(t, f.do("GET", "/v1/events?limit=2", tokAda, nil))
	require.Len(t, feed["items"], 2)
	first := feed["items"].([]any)[0].(map[string]any)
	assert.Equal(t, "organization.created", first["type"])
	rest := decode(t, f.do("GET", "/v1/events?after="+urlQuery(feed["next_cursor"].(string)), tokAda, nil))
	require.Len(t, rest["items"], 1, "create, remote-access request, member added")
	assert.Equal(t, "member.added", rest["items"].([]any)[0].(map[string]any)["type"])
	assert.Empty(t, decode(t, f.do("GET", "/v1/events", tokBea, nil))["items"], "nothing crosses providers")
	assert.Len(t, decode(t, f.do("GET", "/v1/organizations/"+f.acme+"/events", tokOlive, nil))["items"], 3)
	problem(t, f.do("GET", "/v1/organizations/"+f.acme+"/events", tokMia, nil), http.StatusForbidden, "forbidden")
	problem(t, f.do("GET", "/v1/events", tokOlive, nil), http.StatusForbidden, "forbidden")
	problem(t, f.do("GET", "/v1/events?after=garbage", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/events?limit=-1", tokAda, nil), http.StatusBadRequest, "bad-request")
	problem(t, f.do("GET", "/v1/events?limit=100000", tokAda, nil), http.StatusUnprocessableEntity, "invalid")
}

func urlQuery(s string) string {
	r := strings.NewReplacer("+", "%2B", " ", "+", "=", "%3D", "/", "%2F")
	return r.Replace(s)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
