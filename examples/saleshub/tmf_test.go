package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/org"
)

// TestTMF632IsMounted checks that the host serves TMF632 for the same
// organizations and bearer tokens as its JSON API.
func TestTMF632IsMounted(t *testing.T) {
	a, err := newApp(context.Background(), memory.New(), "", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var staff string
	for _, tok := range a.dir.All() {
		if tok.Entry.Actor().Kind() == org.ActorStaff && tok.Entry.Actor().SalesHubAccess() {
			staff = tok.Token
			break
		}
	}
	require.NotEmpty(t, staff)

	req := httptest.NewRequest(http.MethodGet, "/tmf-api/party/v4/organization?fields=tradingName", nil)
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "no token")

	req.Header.Set("Authorization", "Bearer "+staff)
	rec = httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var list []map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.NotEmpty(t, list, "the demo organizations")
	assert.Equal(t, "Organization", list[0]["@type"])
	assert.NotEmpty(t, list[0]["tradingName"])
}
