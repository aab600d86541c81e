package tmf632_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/tmf632"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// exampleHandler mounts the TMF632 handler as a host would, over the memory
// store, with one bearer token for a staff member. Ids are sequential so
// that the output is stable.
func exampleHandler() http.Handler {
	p := org.Provider{
		ID:                  uuid.MustParse("0190a3c4-0000-7000-8000-000000000001"),
		AdminOrganizationID: uuid.MustParse("0190a3c4-0000-7000-8000-0000000000ad"),
	}
	var n int
	ids := func() (uuid.UUID, error) {
		n++
		return uuid.Parse(fmt.Sprintf("0190a3c4-0000-7000-8000-%012d", 100+n))
	}
	svc := org.NewService(memory.New(), org.NewProviderSet(p), org.WithIDSource(ids))
	staff := org.Staff(p.ID, "sam@provider.example", ownership.Admin, true)
	h := tmf632.NewHandler(svc, func(r *http.Request) (org.Actor, error) {
		if r.Header.Get("Authorization") != "Bearer demo-token" {
			return org.Actor{}, errors.New("unknown bearer token")
		}
		return staff, nil
	})
	mux := http.NewServeMux()
	mux.Handle(tmf632.DefaultBasePath, h)
	mux.Handle(tmf632.DefaultBasePath+"/", h)
	return mux
}

func call(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://hub.example"+target, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer demo-token")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Create, read, change, list and delete an organization through TMF632.
func Example() {
	h := exampleHandler()
	const base = tmf632.DefaultBasePath

	w := call(h, "POST", base, `{"tradingName":"Globex",
		"externalReference":[{"externalReferenceType":"customerReference","name":"CR-42"}]}`)
	fmt.Println(w.Code, w.Header().Get("Location"))

	id := "0190a3c4-0000-7000-8000-000000000101"
	w = call(h, "PATCH", base+"/"+id, `{"tradingName":"Globex Corporation"}`)
	fmt.Println(w.Code)

	w = call(h, "GET", base+"/"+id+"?fields=tradingName,externalReference,relatedParty", "")
	fmt.Print(w.Code, " ", w.Body.String())

	w = call(h, "GET", base+"?tradingName=globex%20corporation&fields=status", "")
	fmt.Print(w.Code, " total=", w.Header().Get("X-Total-Count"), " ", w.Body.String())

	w = call(h, "DELETE", base+"/"+id, "")
	fmt.Println(w.Code)
	// Output:
	// 201 http://hub.example/tmf-api/party/v4/organization/0190a3c4-0000-7000-8000-000000000101
	// 200
	// 200 {"id":"0190a3c4-0000-7000-8000-000000000101","href":"http://hub.example/tmf-api/party/v4/organization/0190a3c4-0000-7000-8000-000000000101","@type":"Organization","tradingName":"Globex Corporation","externalReference":[{"externalReferenceType":"customerReference","name":"CR-42"}],"relatedParty":[{"id":"0190a3c4-0000-7000-8000-0000000000ad","role":"owner","@referredType":"Organization"}]}
	// 200 total=1 [{"id":"0190a3c4-0000-7000-8000-000000000101","href":"http://hub.example/tmf-api/party/v4/organization/0190a3c4-0000-7000-8000-000000000101","@type":"Organization","status":"validated"}]
	// 204
}

// Refusals carry the TMF Error shape; invalid input names every offending
// attribute.
func Example_errors() {
	h := exampleHandler()
	w := call(h, "POST", tmf632.DefaultBasePath, `{"tradingName":" ","externalReference":[{"externalReferenceType":"vat","name":"GB1"}]}`)
	fmt.Print(w.Code, " ", w.Body.String())

	w = call(h, "GET", tmf632.DefaultBasePath+"/0190a3c4-0000-7000-8000-000000000999", "")
	fmt.Print(w.Code, " ", w.Body.String())
	// Output:
	// 400 {"code":"invalid","reason":"Organization is invalid.","message":"externalReference[0].externalReferenceType: externalReferenceType must be customerReference or externalContract (oneof); tradingName: name is required (required)","status":"400"}
	// 404 {"code":"not_found","reason":"Organization not found.","message":"/tmf-api/party/v4/organization/0190a3c4-0000-7000-8000-000000000999","status":"404"}
}

// NewOrganization maps an organization a Service returned, for hosts that
// build their own TMF responses.
func ExampleNewOrganization() {
	p := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	svc := org.NewService(memory.New(), org.NewProviderSet(p))
	staff := org.Staff(p.ID, "sam@provider.example", ownership.Admin, true)
	o, err := svc.Create(context.Background(), staff, org.CreateInput{
		Name: "Initech", ManagedBy: ownership.ServiceProvider, BuyerTags: []string{"enterprise"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := tmf632.NewOrganization(o, "https://hub.example/tmf-api/party/v4/organization/"+o.ID().String())
	fmt.Println(r.Type, r.TradingName, r.Status)
	for _, c := range r.PartyCharacteristic {
		fmt.Println(c.Name, c.Value)
	}
	// Output:
	// Organization Initech validated
	// status active
	// managedBy service_provider
	// buyerTags [enterprise]
}
