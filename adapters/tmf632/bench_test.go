package tmf632_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/tmf632"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// BenchmarkList measures what walking search pages costs: a page at a
// deep offset against the first page, over the same organizations.
func BenchmarkList(b *testing.B) {
	p := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	svc := org.NewService(memory.New(), org.NewProviderSet(p))
	staff := org.Staff(p.ID, "sam", ownership.Admin, true)
	const n = 5000
	for i := range n {
		if _, err := svc.Create(context.Background(), staff, org.CreateInput{
			Name: fmt.Sprintf("Org %05d", i), ManagedBy: ownership.ServiceProvider}); err != nil {
			b.Fatal(err)
		}
	}
	h := tmf632.NewHandler(svc, func(*http.Request) (org.Actor, error) { return staff, nil })
	for _, bc := range []struct{ name, query string }{
		{"FirstPage", "?limit=20"},
		{"Offset1000", "?offset=1000&limit=20"},
		{"Offset4900", "?offset=4900&limit=20"},
		{"TradingNameFilter", "?tradingName=Org%2001234"},
	} {
		q := bc.query
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://hub.example"+tmf632.DefaultBasePath+q, nil))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body)
				}
			}
		})
	}
}
