package tmf632_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/tmf632"
	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

const base = tmf632.DefaultBasePath

// env is one handler over a fresh memory store, with two providers and
// bearer tokens for the actors the tests need.
type env struct {
	t      *testing.T
	store  *memory.Store
	svc    *org.Service
	h      http.Handler
	p, p2  org.Provider
	staff  org.Actor
	tokens map[string]org.Actor
	doc    *openapi3.T
}

func newEnv(t *testing.T, opts ...tmf632.Option) *env {
	t.Helper()
	e := &env{t: t, doc: swagger(t)}
	e.p = org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	e.p2 = org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	e.store = memory.New()
	e.svc = org.NewService(e.store, org.NewProviderSet(e.p, e.p2))
	e.staff = org.Staff(e.p.ID, "sam", ownership.Admin, true)
	e.tokens = map[string]org.Actor{
		"staff":  e.staff,
		"nohub":  org.Staff(e.p.ID, "nat", ownership.Admin, false),
		"other":  org.Staff(e.p2.ID, "oscar", ownership.Admin, true),
		"member": org.Staff(e.p.ID, "mia", ownership.Member, true),
		"stray":  org.Staff(uuid.New(), "sue", ownership.Admin, true), // a provider the host did not configure
	}
	e.h = tmf632.NewHandler(e.svc, e.actor, opts...)
	return e
}

// actor is the host's part: a bearer token names an actor.
func (e *env) actor(r *http.Request) (org.Actor, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "banned" {
		return org.Actor{}, fmt.Errorf("%w: banned", org.ErrPermission)
	}
	a, known := e.tokens[tok]
	if !ok || !known {
		return org.Actor{}, errors.New("unknown token")
	}
	return a, nil
}

// do makes a request as the holder of token ("" for none) and checks the
// response against the swagger.
func (e *env) do(token, method, target, body string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, "http://hub.example"+target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	path, _, _ := strings.Cut(target, "?")
	switch rest, ok := strings.CutPrefix(path, base); {
	case ok && (rest == "" || rest == "/"):
		conform(e.t, e.doc, method, "/organization", rec)
	case ok && !strings.Contains(strings.TrimPrefix(rest, "/"), "/"):
		conform(e.t, e.doc, method, "/organization/{id}", rec)
	}
	return rec
}

// create makes an organization through the Service, as the host's own API
// would.
func (e *env) create(in org.CreateInput) *org.Organization {
	e.t.Helper()
	if in.ManagedBy == 0 {
		in.ManagedBy = ownership.ServiceProvider
	}
	o, err := e.svc.Create(context.Background(), e.staff, in)
	require.NoError(e.t, err)
	return o
}

// customer makes a Customer-managed organization with full billing, and a
// token for its owner.
func (e *env) customer(name, token string) *org.Organization {
	e.t.Helper()
	email := token + "@acme.example"
	o := e.create(org.CreateInput{
		Name: name, ManagedBy: ownership.Customer, Country: "GB", TimeZone: "Europe/London",
		Owner: &org.Person{Name: "Olive Owner", Email: email},
		Billing: &billing.Info{ContactName: "Accounts", Phone: "+442079460958", Currency: "GBP",
			Address: billing.Address{Line1: "1 Long Lane", Line2: "Floor 2", City: "London", Region: "Greater London",
				PostalCode: "EC1A 9HF", Country: "GB"}},
		CustomerReference: "CR-" + name, ExternalContract: "EC-" + name,
		BuyerTags: []string{"vip", "eu"}, Numbers: []string{"+442079460000"},
	})
	e.tokens[token] = org.CustomerMember(e.p.ID, o.ID(), email)
	return o
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// keys returns the attribute names of a JSON object.
func keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m))
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func char(r tmf632.Organization, name string) any {
	for _, c := range r.PartyCharacteristic {
		if c.Name == name {
			return c.Value
		}
	}
	return nil
}

func assertError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string, msgContains ...string) tmf632.Error {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	e := decode[tmf632.Error](t, rec)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, fmt.Sprint(status), e.Status)
	assert.NotEmpty(t, e.Reason)
	for _, s := range msgContains {
		assert.Contains(t, e.Message, s)
	}
	return e
}

func TestCreate(t *testing.T) {
	t.Parallel()
	t.Run("TradingNameAlone", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		rec := e.do("staff", http.MethodPost, base, `{"tradingName":"Globex"}`)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		r := decode[tmf632.Organization](t, rec)
		assert.Equal(t, "http://hub.example"+base+"/"+r.ID, r.Href)
		assert.Equal(t, r.Href, rec.Header().Get("Location"))
		assert.Equal(t, "Organization", r.Type)
		assert.Equal(t, "Globex", r.TradingName)
		assert.Equal(t, "Globex", r.Name)
		assert.Equal(t, "validated", r.Status)
		assert.Equal(t, "service_provider", char(r, "managedBy"))
		assert.Equal(t, "active", char(r, "status"))
		assert.Equal(t, []tmf632.RelatedParty{{ID: e.p.AdminOrganizationID.String(), Role: "owner", ReferredType: "Organization"}}, r.RelatedParty)
		assert.Empty(t, r.ContactMedium)
		o, err := e.svc.Get(context.Background(), e.staff, uuid.MustParse(r.ID))
		require.NoError(t, err)
		assert.Equal(t, ownership.ServiceProvider, o.ManagedBy())
	})
	t.Run("NameAloneAndExternalReferences", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		rec := e.do("staff", http.MethodPost, base, `{"@type":"Organization","@baseType":"Party","name":"Initech",
			"externalReference":[{"externalReferenceType":"customerReference","name":"CR-1"},
			                     {"externalReferenceType":"externalContract","name":"EC-1"}]}`)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		r := decode[tmf632.Organization](t, rec)
		assert.Equal(t, "Initech", r.TradingName)
		assert.Equal(t, []tmf632.ExternalReference{
			{ExternalReferenceType: "customerReference", Name: "CR-1"},
			{ExternalReferenceType: "externalContract", Name: "EC-1"},
		}, r.ExternalReference)
	})
	t.Run("IdempotencyKeyReturnsTheFirst", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		first := decode[tmf632.Organization](t, e.do("staff", http.MethodPost, base, `{"tradingName":"Once"}`, "Idempotency-Key", "k1"))
		again := decode[tmf632.Organization](t, e.do("staff", http.MethodPost, base, `{"tradingName":"Once"}`, "Idempotency-Key", "k1"))
		assert.Equal(t, first.ID, again.ID)
		rec := e.do("staff", http.MethodPost, base, `{"tradingName":"Other"}`, "Idempotency-Key", "k1")
		assertError(t, rec, http.StatusConflict, "conflict")
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for name, tc := range map[string]struct {
			body string
			want []string
		}{
			"Empty":              {`{}`, []string{"tradingName: tradingName is required"}},
			"BlankName":          {`{"tradingName":"  "}`, []string{"tradingName:"}},
			"NameNotString":      {`{"tradingName":42}`, []string{"tradingName: tradingName must be a string"}},
			"NamesDiffer":        {`{"tradingName":"A","name":"B"}`, []string{"name:"}},
			"UnwritableAttrs":    {`{"tradingName":"A","status":"validated","relatedParty":[],"contactMedium":[],"isLegalEntity":true}`, []string{"contactMedium", "isLegalEntity", "relatedParty", "status"}},
			"EveryOffenceAtOnce": {`{"tradingName":" ","status":"validated","externalReference":[{"externalReferenceType":"externalContract","name":"` + strings.Repeat("x", 101) + `"}]}`, []string{"status:", "tradingName:", "externalReference(externalContract):"}},
			"IDSent":             {`{"tradingName":"A","id":"x","href":"y"}`, []string{"id: id is assigned by the server", "href"}},
			"WrongType":          {`{"tradingName":"A","@type":"Individual"}`, []string{"@type"}},
			"UnknownRefType":     {`{"tradingName":"A","externalReference":[{"externalReferenceType":"vat","name":"x"}]}`, []string{"externalReference[0].externalReferenceType"}},
			"RefTypeTwice":       {`{"tradingName":"A","externalReference":[{"externalReferenceType":"customerReference","name":"x"},{"externalReferenceType":"customerReference","name":"y"}]}`, []string{"externalReference[1].externalReferenceType"}},
			"RefNoName":          {`{"tradingName":"A","externalReference":[{"externalReferenceType":"customerReference"}]}`, []string{"externalReference[0].name"}},
			"RefNotArray":        {`{"tradingName":"A","externalReference":{"name":"x"}}`, []string{"externalReference must be an array"}},
			"OrgkitRuleBroken":   {`{"tradingName":"A","externalReference":[{"externalReferenceType":"customerReference","name":"` + strings.Repeat("x", 300) + `"}]}`, []string{"externalReference(customerReference):"}},
			"IdempotencyTooBig":  {`{"tradingName":"A"}`, []string{"Idempotency-Key"}},
		} {
			t.Run(name, func(t *testing.T) {
				hdr := []string{}
				if name == "IdempotencyTooBig" {
					hdr = []string{"Idempotency-Key", strings.Repeat("k", 300)}
				}
				rec := e.do("staff", http.MethodPost, base, tc.body, hdr...)
				got := assertError(t, rec, http.StatusBadRequest, "invalid", tc.want...)
				assert.Equal(t, "Organization is invalid.", got.Reason)
			})
		}
		res, err := e.svc.Search(context.Background(), e.staff, org.SearchQuery{Count: true})
		require.NoError(t, err)
		assert.Zero(t, res.Count.N, "nothing is stored on invalid input")
	})
	t.Run("Malformed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for _, body := range []string{`not json`, `[]`, `null`, `"x"`} {
			assertError(t, e.do("staff", http.MethodPost, base, body), http.StatusBadRequest, "malformed")
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		body := `{"tradingName":"` + strings.Repeat("x", tmf632.MaxBodyBytes) + `"}`
		assertError(t, e.do("staff", http.MethodPost, base, body), http.StatusRequestEntityTooLarge, "too_large")
	})
	t.Run("DuplicateReferenceIsConflict", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.create(org.CreateInput{Name: "First", CustomerReference: "CR-9"})
		rec := e.do("staff", http.MethodPost, base, `{"tradingName":"Second","externalReference":[{"externalReferenceType":"customerReference","name":"cr-9"}]}`)
		assertError(t, rec, http.StatusConflict, "duplicate", "externalReference(customerReference)")
	})
	t.Run("Permission", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		assertError(t, e.do("nohub", http.MethodPost, base, `{"tradingName":"A"}`), http.StatusForbidden, "permission")
		e.customer("Acme", "olive")
		assertError(t, e.do("olive", http.MethodPost, base, `{"tradingName":"A"}`), http.StatusForbidden, "permission")
	})
}

func TestRetrieve(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.customer("Acme", "olive")
	path := base + "/" + o.ID().String()

	t.Run("CustomerManaged", func(t *testing.T) {
		rec := e.do("staff", http.MethodGet, path, "")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		r := decode[tmf632.Organization](t, rec)
		owner := o.Owner().Member
		assert.Equal(t, o.ID().String(), r.ID)
		assert.Equal(t, "Acme", r.TradingName)
		require.NotNil(t, r.ExistsDuring)
		assert.True(t, r.ExistsDuring.StartDateTime.Equal(o.CreatedAt()))
		assert.Equal(t, []tmf632.ExternalReference{
			{ExternalReferenceType: "customerReference", Name: "CR-Acme"},
			{ExternalReferenceType: "externalContract", Name: "EC-Acme"},
		}, r.ExternalReference)
		assert.Equal(t, []tmf632.RelatedParty{{ID: owner.ID.String(), Name: "Olive Owner", Role: "owner", ReferredType: "Individual"}}, r.RelatedParty)
		assert.Equal(t, []tmf632.Characteristic{
			{Name: "status", ValueType: "string", Value: "active"},
			{Name: "managedBy", ValueType: "string", Value: "customer"},
			{Name: "country", ValueType: "string", Value: "GB"},
			{Name: "timeZone", ValueType: "string", Value: "Europe/London"},
			{Name: "buyerTags", ValueType: "array", Value: []any{"vip", "eu"}},
			{Name: "numbers", ValueType: "array", Value: []any{"+442079460000"}},
		}, r.PartyCharacteristic)
		assert.Equal(t, []tmf632.ContactMedium{
			{MediumType: "email", Preferred: true, Characteristic: tmf632.MediumCharacteristic{ContactType: "billing", EmailAddress: "olive@acme.example"}},
			{MediumType: "phone", Characteristic: tmf632.MediumCharacteristic{ContactType: "billing", PhoneNumber: "+442079460958"}},
			{MediumType: "postalAddress", Characteristic: tmf632.MediumCharacteristic{ContactType: "billing",
				Street1: "1 Long Lane", Street2: "Floor 2", City: "London", StateOrProvince: "Greater London", PostCode: "EC1A 9HF", Country: "GB"}},
		}, r.ContactMedium)
	})
	t.Run("SuspendedIsStillValidated", func(t *testing.T) {
		sp := e.create(org.CreateInput{Name: "Paused"})
		_, err := e.svc.Suspend(context.Background(), e.staff, sp.ID(), "unpaid")
		require.NoError(t, err)
		r := decode[tmf632.Organization](t, e.do("staff", http.MethodGet, base+"/"+sp.ID().String(), ""))
		assert.Equal(t, "validated", r.Status)
		assert.Equal(t, "suspended", char(r, "status"))
	})
	t.Run("Fields", func(t *testing.T) {
		for fields, want := range map[string][]string{
			"tradingName":           {"@type", "href", "id", "tradingName"},
			"contactMedium, status": {"@type", "contactMedium", "href", "id", "status"},
			"id":                    {"@type", "href", "id"},
			"isLegalEntity":         {"@type", "href", "id"},
			"partyCharacteristic,relatedParty,externalReference,existsDuring,name": {"@type", "existsDuring", "externalReference", "href", "id", "name", "partyCharacteristic", "relatedParty"},
		} {
			rec := e.do("staff", http.MethodGet, path+"?fields="+strings.ReplaceAll(fields, " ", "%20"), "")
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, want, keys(t, rec.Body.Bytes()), fields)
		}
	})
	t.Run("CustomerMemberReadsOwn", func(t *testing.T) {
		rec := e.do("olive", http.MethodGet, path, "")
		assert.Equal(t, http.StatusOK, rec.Code)
	})
	t.Run("NotFound", func(t *testing.T) {
		mine := e.create(org.CreateInput{Name: "Mine"})
		for name, tc := range map[string]struct{ token, path string }{
			"UnknownID":        {"staff", base + "/" + uuid.New().String()},
			"NotAUUID":         {"staff", base + "/not-a-uuid"},
			"OtherProvider":    {"other", path},
			"OtherCustomerOrg": {"olive", base + "/" + mine.ID().String()},
		} {
			t.Run(name, func(t *testing.T) {
				assertError(t, e.do(tc.token, http.MethodGet, tc.path, ""), http.StatusNotFound, "not_found")
			})
		}
	})
	t.Run("NoSalesHubIsForbidden", func(t *testing.T) {
		assertError(t, e.do("nohub", http.MethodGet, path, ""), http.StatusForbidden, "permission")
	})
	t.Run("HrefFollowsTheRequest", func(t *testing.T) {
		r := decode[tmf632.Organization](t, e.do("staff", http.MethodGet, path, "", "X-Forwarded-Proto", "https"))
		assert.Equal(t, "https://hub.example"+path, r.Href)
	})
}

func TestPatch(t *testing.T) {
	t.Parallel()
	patch := func(e *env, token string, id uuid.UUID, body string, header ...string) *httptest.ResponseRecorder {
		return e.do(token, http.MethodPatch, base+"/"+id.String(), body,
			append([]string{"Content-Type", "application/merge-patch+json"}, header...)...)
	}
	t.Run("TradingNameAndReferencesInOneVersion", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		o := e.create(org.CreateInput{Name: "Old", CustomerReference: "CR-1", ExternalContract: "EC-1"})
		rec := patch(e, "staff", o.ID(), `{"tradingName":"New","externalReference":[{"externalReferenceType":"customerReference","name":"CR-2"}]}`)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		r := decode[tmf632.Organization](t, rec)
		assert.Equal(t, "New", r.TradingName)
		assert.Equal(t, []tmf632.ExternalReference{{ExternalReferenceType: "customerReference", Name: "CR-2"}}, r.ExternalReference,
			"a merge patch replaces the list, so the contract it lacks is cleared")
		got, err := e.svc.Get(context.Background(), e.staff, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version(), "one orgkit update")
		assert.Equal(t, "", got.ExternalContract())
	})
	t.Run("NameAloneAndNullReferences", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		o := e.create(org.CreateInput{Name: "Old", CustomerReference: "CR-1"})
		r := decode[tmf632.Organization](t, patch(e, "staff", o.ID(), `{"name":"Renamed","externalReference":null}`))
		assert.Equal(t, "Renamed", r.TradingName)
		assert.Empty(t, r.ExternalReference)
	})
	t.Run("LeavesOtherAttributes", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		o := e.create(org.CreateInput{Name: "Old", CustomerReference: "CR-1"})
		r := decode[tmf632.Organization](t, patch(e, "staff", o.ID(), `{"tradingName":"New"}`))
		assert.Equal(t, []tmf632.ExternalReference{{ExternalReferenceType: "customerReference", Name: "CR-1"}}, r.ExternalReference)
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		o := e.create(org.CreateInput{Name: "Old"})
		for name, tc := range map[string]struct {
			body string
			want []string
		}{
			"RelatedParty":   {`{"relatedParty":[{"id":"x","@referredType":"Individual"}]}`, []string{"relatedParty: relatedParty maps to nothing writable"}},
			"Status":         {`{"tradingName":"X","status":"closed"}`, []string{"status"}},
			"Characteristic": {`{"partyCharacteristic":[{"name":"country","value":"FR"}]}`, []string{"partyCharacteristic"}},
			"EveryOffence":   {`{"tradingName":"\u0007","relatedParty":[]}`, []string{"relatedParty:", "tradingName:"}},
			"NullName":       {`{"tradingName":null}`, []string{"tradingName: tradingName cannot be removed"}},
			"EmptyName":      {`{"tradingName":""}`, []string{"tradingName:"}},
			"NothingToDo":    {`{}`, []string{"body:"}},
			"BadReference":   {`{"externalReference":[{"externalReferenceType":"other","name":"x"}]}`, []string{"externalReference[0].externalReferenceType"}},
		} {
			t.Run(name, func(t *testing.T) {
				assertError(t, patch(e, "staff", o.ID(), tc.body), http.StatusBadRequest, "invalid", tc.want...)
			})
		}
		got, err := e.svc.Get(context.Background(), e.staff, o.ID())
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version(), "nothing changed")
	})
	t.Run("JSONPatchRefused", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		o := e.create(org.CreateInput{Name: "Old"})
		rec := e.do("staff", http.MethodPatch, base+"/"+o.ID().String(), `[{"op":"replace","path":"/tradingName","value":"X"}]`,
			"Content-Type", "application/json-patch+json")
		assertError(t, rec, http.StatusBadRequest, "unsupported_patch")
	})
	t.Run("Conflicts", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.create(org.CreateInput{Name: "Holder", ExternalContract: "EC-7"})
		o := e.create(org.CreateInput{Name: "Taker"})
		assertError(t, patch(e, "staff", o.ID(), `{"externalReference":[{"externalReferenceType":"externalContract","name":"EC-7"}]}`),
			http.StatusConflict, "duplicate", "externalReference(externalContract)")
		_, err := e.svc.Suspend(context.Background(), e.staff, o.ID(), "unpaid")
		require.NoError(t, err)
		assertError(t, patch(e, "staff", o.ID(), `{"tradingName":"X"}`), http.StatusConflict, "suspended")
	})
	t.Run("Permissions", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		c := e.customer("Acme", "olive")
		// The owner may rename their own Customer-managed organization...
		r := decode[tmf632.Organization](t, patch(e, "olive", c.ID(), `{"tradingName":"Acme Ltd"}`))
		assert.Equal(t, "Acme Ltd", r.TradingName)
		// ...but not change the provider's sales records.
		assertError(t, patch(e, "olive", c.ID(), `{"externalReference":[]}`), http.StatusForbidden, "permission")
		// Staff need a remote-access grant to change its information.
		assertError(t, patch(e, "staff", c.ID(), `{"tradingName":"X"}`), http.StatusForbidden, "permission", "remote-access")
		assertError(t, patch(e, "nohub", c.ID(), `{"tradingName":"X"}`), http.StatusForbidden, "permission")
		assertError(t, patch(e, "other", c.ID(), `{"tradingName":"X"}`), http.StatusNotFound, "not_found")
		assertError(t, patch(e, "staff", uuid.New(), `{"tradingName":"X"}`), http.StatusNotFound, "not_found")
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customer("Acme", "olive")
	o := e.create(org.CreateInput{Name: "Doomed", CustomerReference: "CR-1"})
	path := base + "/" + o.ID().String()

	assertError(t, e.do("olive", http.MethodDelete, base+"/"+c.ID().String(), ""), http.StatusForbidden, "permission")
	assertError(t, e.do("other", http.MethodDelete, path, ""), http.StatusNotFound, "not_found")

	rec := e.do("staff", http.MethodDelete, path, "")
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	assert.Empty(t, rec.Body.String())
	assertError(t, e.do("staff", http.MethodGet, path, ""), http.StatusNotFound, "not_found")
	assertError(t, e.do("staff", http.MethodDelete, path, ""), http.StatusNotFound, "not_found")
	assertError(t, e.do("staff", http.MethodDelete, base+"/not-a-uuid", ""), http.StatusNotFound, "not_found")
	// Its reference can be used again.
	rec = e.do("staff", http.MethodPost, base, `{"tradingName":"Heir","externalReference":[{"externalReferenceType":"customerReference","name":"CR-1"}]}`)
	assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
}

// listNames lists as token and returns the trading names, X-Total-Count and
// X-Result-Count.
func (e *env) listNames(token, query string) (names []string, total, result string) {
	e.t.Helper()
	rec := e.do(token, http.MethodGet, base+query, "")
	require.Equal(e.t, http.StatusOK, rec.Code, rec.Body.String())
	for _, r := range decode[[]tmf632.Organization](e.t, rec) {
		names = append(names, r.TradingName)
	}
	return names, rec.Header().Get("X-Total-Count"), rec.Header().Get("X-Result-Count")
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// More than two search pages, so offsets are served by walking cursors.
	const n = 230
	var want []string
	for i := range n {
		name := fmt.Sprintf("Org %03d", i)
		want = append(want, name)
		e.create(org.CreateInput{Name: name})
	}

	names, total, result := e.listNames("staff", "")
	assert.Equal(t, want[:tmf632.DefaultLimit], names)
	assert.Equal(t, "230", total)
	assert.Equal(t, "20", result)

	for _, tc := range []struct {
		query    string
		from, to int
	}{
		{"?offset=0&limit=5", 0, 5},
		{"?offset=95&limit=10", 95, 105},
		{"?offset=100&limit=100", 100, 200},
		{"?offset=205&limit=10", 205, 215},
		{"?offset=225&limit=10", 225, 230},
		{"?offset=230", 230, 230},
		{"?offset=10000&limit=3", 230, 230},
		{"?offset=150&limit=500", 150, 230}, // served as MaxLimit
		{"?limit=0", 0, 0},
	} {
		names, total, result := e.listNames("staff", tc.query)
		var page []string // nil when empty, as listNames returns
		page = append(page, want[tc.from:tc.to]...)
		assert.Equal(t, page, names, tc.query)
		assert.Equal(t, "230", total, tc.query)
		assert.Equal(t, fmt.Sprint(tc.to-tc.from), result, tc.query)
	}

	rec := e.do("staff", http.MethodGet, base+"?offset=150&limit=500&fields=tradingName", "")
	require.Equal(t, http.StatusOK, rec.Code)
	items := decode[[]json.RawMessage](t, rec)
	require.Len(t, items, n-150)
	for _, it := range items {
		assert.Equal(t, []string{"@type", "href", "id", "tradingName"}, keys(t, it))
	}

	for _, q := range []string{"?offset=10001", "?offset=-1", "?offset=x", "?limit=-2", "?limit=ten", "?limit=1&limit=2"} {
		assertError(t, e.do("staff", http.MethodGet, base+q, ""), http.StatusBadRequest, "invalid_query")
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.create(org.CreateInput{Name: "Acme"})
	e.create(org.CreateInput{Name: "ACME"})
	e.create(org.CreateInput{Name: "Acme Telecom"})                         // prefix of the text: not equal
	e.create(org.CreateInput{Name: "Zeta", CustomerReference: "acme"})      // an exact search match on its reference
	e.create(org.CreateInput{Name: "Roadrunner", ExternalContract: "ACME"}) // likewise, on its contract
	e.create(org.CreateInput{Name: "Globex"})

	for _, tc := range []struct {
		query, total string
		want         []string
	}{
		{"?tradingName=Acme", "2", []string{"Acme", "ACME"}},
		{"?tradingName=%EF%BC%A1%EF%BD%83%EF%BD%8D%EF%BD%85", "2", []string{"Acme", "ACME"}}, // full-width
		{"?name=acme", "2", []string{"Acme", "ACME"}},
		{"?name=acme&tradingName=ACME", "2", []string{"Acme", "ACME"}},
		{"?name=acme&tradingName=Globex", "0", nil},
		{"?tradingName=Acme&offset=1&limit=1", "2", []string{"ACME"}},
		{"?tradingName=Acme&limit=0", "2", nil},
		{"?tradingName=Acme%20Telecom", "1", []string{"Acme Telecom"}},
		{"?tradingName=Nobody", "0", nil},
		{"?id=" + acme.ID().String(), "1", []string{"Acme"}},
		{"?id=" + strings.ToUpper(acme.ID().String()) + "&tradingName=acme", "1", []string{"Acme"}},
		{"?id=" + acme.ID().String() + "&tradingName=Globex", "0", nil},
		{"?id=" + uuid.New().String(), "0", nil},
		{"?id=not-a-uuid", "0", nil},
		{"?status=validated&limit=2", "6", []string{"Acme", "ACME"}},
		{"?status=initialized", "0", nil},
		{"?status=closed", "0", nil},
		{"?tradingName=Acme&fields=id", "2", []string{"", ""}},
	} {
		names, total, result := e.listNames("staff", tc.query)
		assert.Equal(t, tc.want, names, tc.query)
		assert.Equal(t, tc.total, total, tc.query)
		assert.Equal(t, fmt.Sprint(len(tc.want)), result, tc.query)
	}

	for query, want := range map[string]string{
		"?status=suspended":            "status must be",
		"?isLegalEntity=true":          "isLegalEntity is not a filter",
		"?sort=tradingName":            "sort is not a filter",
		"?tradingName=a&tradingName=b": "tradingName may be given once",
		"?tradingName=" + strings.Repeat("x", search.MaxTextBytes+1): "",
	} {
		assertError(t, e.do("staff", http.MethodGet, base+query, ""), http.StatusBadRequest, "invalid_query", want)
	}
}

func TestListTenancy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.customer("Acme", "olive")
	e.create(org.CreateInput{Name: "Globex"})

	names, total, _ := e.listNames("staff", "")
	assert.Equal(t, []string{"Acme", "Globex"}, names)
	assert.Equal(t, "2", total)

	names, total, _ = e.listNames("olive", "")
	assert.Equal(t, []string{"Acme"}, names, "a customer member lists only their own organization")
	assert.Equal(t, "1", total)

	names, total, _ = e.listNames("olive", "?tradingName=Globex")
	assert.Empty(t, names)
	assert.Equal(t, "0", total)

	names, total, _ = e.listNames("other", "")
	assert.Empty(t, names, "nothing crosses providers")
	assert.Equal(t, "0", total)

	assertError(t, e.do("nohub", http.MethodGet, base, ""), http.StatusForbidden, "permission")
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.create(org.CreateInput{Name: "Acme"})
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, base, ""},
		{http.MethodPost, base, `{"tradingName":"X"}`},
		{http.MethodGet, base + "/" + o.ID().String(), ""},
		{http.MethodPatch, base + "/" + o.ID().String(), `{"tradingName":"X"}`},
		{http.MethodDelete, base + "/" + o.ID().String(), ""},
	} {
		rec := e.do("", tc.method, tc.path, tc.body)
		assertError(t, rec, http.StatusUnauthorized, "unauthorized")
		assert.Contains(t, rec.Header().Get("WWW-Authenticate"), "Bearer")
		assertError(t, e.do("unknown", tc.method, tc.path, tc.body), http.StatusUnauthorized, "unauthorized")
		assertError(t, e.do("banned", tc.method, tc.path, tc.body), http.StatusForbidden, "permission")
	}
	_, err := e.svc.Get(context.Background(), e.staff, o.ID())
	require.NoError(t, err, "no refused request changed anything")
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.create(org.CreateInput{Name: "Acme"})

	rec := e.do("staff", http.MethodPut, base+"/"+o.ID().String(), `{"tradingName":"X"}`)
	assertError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	assert.Equal(t, "GET, HEAD, PATCH, DELETE", rec.Header().Get("Allow"))
	rec = e.do("staff", http.MethodDelete, base, "")
	assertError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	assert.Equal(t, "GET, HEAD, POST", rec.Header().Get("Allow"))

	for _, path := range []string{base + "/" + o.ID().String() + "/members", "/tmf-api/party/v4/individual", base + "x"} {
		assertError(t, e.do("staff", http.MethodGet, path, ""), http.StatusNotFound, "not_found")
	}

	names, _, _ := e.listNames("staff", "/")
	assert.Equal(t, []string{"Acme"}, names, "a trailing slash names the collection")
	assert.Equal(t, http.StatusOK, e.do("staff", http.MethodHead, base+"/"+o.ID().String(), "").Code)
}

func TestBasePath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, tmf632.WithBasePath("/party/"))
	rec := e.do("staff", http.MethodPost, "/party", `{"tradingName":"Acme"}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	r := decode[tmf632.Organization](t, rec)
	assert.Equal(t, "http://hub.example/party/"+r.ID, r.Href)
	assert.Equal(t, http.StatusOK, e.do("staff", http.MethodGet, "/party/"+r.ID, "").Code)
	assert.Equal(t, http.StatusNotFound, e.do("staff", http.MethodGet, base, "").Code)
}

func TestStoreFailureIs500AndLogged(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	e := newEnv(t, tmf632.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	require.NoError(t, e.store.Close())
	rec := e.do("staff", http.MethodGet, base, "")
	got := assertError(t, rec, http.StatusInternalServerError, "internal")
	assert.Empty(t, got.Message, "internal details are logged, not sent")
	assert.Contains(t, log.String(), memory.ErrClosed.Error())
}

func TestUnknownProviderIsForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	assertError(t, e.do("stray", http.MethodGet, base, ""), http.StatusForbidden, "permission", "not configured")
	assertError(t, e.do("stray", http.MethodPost, base, `{"tradingName":"X"}`), http.StatusForbidden, "permission")
}

func TestBasePathAtRoot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, tmf632.WithBasePath("/"))
	rec := e.do("staff", http.MethodPost, "/", `{"tradingName":"Acme"}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	r := decode[tmf632.Organization](t, rec)
	assert.Equal(t, "http://hub.example/"+r.ID, r.Href)
	assert.Equal(t, http.StatusOK, e.do("staff", http.MethodGet, "/"+r.ID, "").Code)
}
