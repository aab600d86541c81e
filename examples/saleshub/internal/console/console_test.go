package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/examples/saleshub/internal/console"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

const (
	tokAda = "ada-owner-staff-token"
	tokBea = "bea-other-provider-tok"
)

var northwind, southwind = uuid.New(), uuid.New()

// browser is a signed-in cookie jar over the console.
type browser struct {
	t      *testing.T
	h      http.Handler
	cookie *http.Cookie
	csrf   string
}

func newConsole(t *testing.T) (http.Handler, *org.Service) {
	store := memory.New()
	t.Cleanup(func() { store.Close() })
	dir, err := actors.New(map[string]actors.Entry{
		tokAda: {ProviderID: northwind, Kind: "staff", UserID: "ada", Role: "owner", SalesHubAccess: true},
		tokBea: {ProviderID: southwind, Kind: "staff", UserID: "bea", Role: "admin", SalesHubAccess: true},
	})
	require.NoError(t, err)
	svc := org.NewService(store, dir.Providers())
	return console.New(svc, dir, console.Options{OfferTokens: true}), svc
}

func (b *browser) send(method, path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func signIn(t *testing.T, h http.Handler, token string) *browser {
	b := &browser{t: t, h: h}
	res := b.send("POST", "/signin", url.Values{"token": {token}})
	require.Equal(t, http.StatusSeeOther, res.Code, res.Body.String())
	ck := res.Result().Cookies()
	require.Len(t, ck, 1)
	assert.True(t, ck[0].HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck[0].SameSite)
	b.cookie = ck[0]
	page := b.send("GET", "/", nil)
	require.Equal(t, http.StatusOK, page.Code)
	m := csrfField.FindStringSubmatch(page.Body.String())
	require.NotNil(t, m)
	b.csrf = m[1]
	return b
}

func TestSignIn(t *testing.T) {
	h, _ := newConsole(t)
	b := &browser{t: t, h: h}
	res := b.send("GET", "/", nil)
	assert.Equal(t, http.StatusSeeOther, res.Code)
	assert.Equal(t, "/signin", res.Header().Get("Location"))
	page := b.send("GET", "/signin", nil)
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "Demo actors")
	assert.Contains(t, page.Header().Get("Content-Security-Policy"), "default-src 'self'")
	res = b.send("POST", "/signin", url.Values{"token": {"wrong-token-wrong-token"}})
	assert.Equal(t, http.StatusUnauthorized, res.Code)
	assert.Contains(t, res.Body.String(), "This token is not known")

	s := signIn(t, h, tokAda)
	// A form without the session's CSRF token changes nothing.
	res = s.send("POST", "/signout", url.Values{"csrf": {"forged"}})
	assert.Equal(t, http.StatusForbidden, res.Code)
	res = s.send("POST", "/signout", url.Values{"csrf": {s.csrf}})
	assert.Equal(t, http.StatusSeeOther, res.Code)
	assert.Equal(t, http.StatusSeeOther, s.send("GET", "/", nil).Code, "signed out")
}

func TestCrossOriginPostRefused(t *testing.T) {
	h, _ := newConsole(t)
	req := httptest.NewRequest("POST", "/signin", strings.NewReader("token="+tokAda))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Empty(t, rec.Result().Cookies())
}

func TestCreateShowsErrorsNextToFields(t *testing.T) {
	h, svc := newConsole(t)
	s := signIn(t, h, tokAda)
	res := s.send("GET", "/organizations/new", nil)
	require.Equal(t, http.StatusOK, res.Code)
	res = s.send("POST", "/organizations", url.Values{"csrf": {s.csrf}, "managed_by": {"customer"}, "name": {""},
		"owner.name": {"Olive"}, "owner.email": {"not-an-email"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Code)
	body := res.Body.String()
	assert.Contains(t, body, "Organization is invalid.")
	assert.Regexp(t, `name="owner.email" value="not-an-email" aria-invalid="true"[^>]*><small class="error">`, body)
	assert.Regexp(t, `name="name" value="" aria-invalid="true"`, body)

	res = s.send("POST", "/organizations", url.Values{"csrf": {s.csrf}, "managed_by": {"service_provider"}, "name": {"Globex"},
		"numbers": {"+44 20 7946 0777"}, "customer_reference": {"G-1"}})
	require.Equal(t, http.StatusSeeOther, res.Code, res.Body.String())
	loc := res.Header().Get("Location")
	page := s.send("GET", loc, nil)
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "Organization created.")

	// A duplicate reference is shown next to its field, in its dialog.
	res = s.send("POST", "/organizations", url.Values{"csrf": {s.csrf}, "managed_by": {"service_provider"}, "name": {"Other"}, "customer_reference": {"g-1"}})
	require.Equal(t, http.StatusConflict, res.Code)
	assert.Contains(t, res.Body.String(), "This customer reference is already used by another organization.")

	// The search box opens an exact number match directly.
	res = s.send("GET", "/?q="+url.QueryEscape("+44 20 7946 0777"), nil)
	assert.Equal(t, http.StatusSeeOther, res.Code)
	assert.Equal(t, loc, res.Header().Get("Location"))

	id := uuid.MustParse(strings.TrimPrefix(loc, "/organizations/"))
	o, err := svc.Get(context.Background(), org.Staff(northwind, "ada", ownership.Owner, true), id)
	require.NoError(t, err)
	v := func(kv ...string) url.Values {
		f := url.Values{"csrf": {s.csrf}, "version": {"1"}}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	// Switching to Customer without billing: the dialog opens again with errors.
	res = s.send("POST", loc+"/managed-by", v("managed_by", "customer", "new_owner_mode", "new", "new_owner.name", "Nora", "new_owner.email", "nora@g.example"))
	require.Equal(t, http.StatusUnprocessableEntity, res.Code)
	assert.Contains(t, res.Body.String(), `id="dlg-managed-by" class="wide" data-autoshow`)
	// A stale version is refused, not overwritten.
	_, err = svc.SetBuyerTags(context.Background(), org.Staff(northwind, "ada", ownership.Owner, true), o.ID(), []string{"x"})
	require.NoError(t, err)
	res = s.send("POST", loc+"/tags", v("buyer_tags", "a, b"))
	assert.Equal(t, http.StatusConflict, res.Code)
	assert.Contains(t, res.Body.String(), "Someone else changed this organization")
	res = s.send("POST", loc+"/suspend", url.Values{"csrf": {s.csrf}, "reason": {"unpaid"}})
	assert.Equal(t, http.StatusSeeOther, res.Code)
	res = s.send("POST", loc+"/tags", url.Values{"csrf": {s.csrf}, "buyer_tags": {"a"}})
	assert.Equal(t, http.StatusConflict, res.Code)
	assert.Contains(t, res.Body.String(), "This organization is suspended.")
	res = s.send("GET", loc+"?tab=activity", nil)
	assert.Contains(t, res.Body.String(), "Suspended")

	// Another provider's staff do not see it.
	bea := signIn(t, h, tokBea)
	assert.Equal(t, http.StatusNotFound, bea.send("GET", loc, nil).Code)
	assert.Equal(t, http.StatusNotFound, bea.send("POST", loc+"/delete", url.Values{"csrf": {bea.csrf}}).Code)

	res = s.send("POST", loc+"/delete", url.Values{"csrf": {s.csrf}})
	assert.Equal(t, http.StatusSeeOther, res.Code)
	assert.Equal(t, "/", res.Header().Get("Location"))
	assert.Equal(t, http.StatusNotFound, s.send("GET", loc, nil).Code)
}
