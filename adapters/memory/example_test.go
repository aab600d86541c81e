package memory_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// A Service over the memory store: the embedded default.
func Example() {
	ctx := context.Background()
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	store := memory.New()
	defer store.Close()
	svc := org.NewService(store, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "sam", ownership.Admin, true)

	o, err := svc.Create(ctx, staff, org.CreateInput{Name: "Globex", ManagedBy: ownership.ServiceProvider})
	if err != nil {
		fmt.Println(err)
		return
	}
	got, _ := svc.Get(ctx, staff, o.ID())
	fmt.Println(got.Name(), got.Version())
	// Output: Globex 1
}

// Generated organizations loaded in bulk, then found by part of a name, as
// the Sales Hub search box finds them: names that start with the text come
// before names that hold it elsewhere.
func Example_generated() {
	ctx := context.Background()
	provider := org.Provider{ID: uuid.MustParse("0192f0c4-0000-7000-8000-000000000001"), AdminOrganizationID: uuid.New()}
	store := memory.New()
	defer store.Close()
	gen := datagen.New(1, provider.ID)
	err := gen.Batches(ctx, 2000, 500, func(_ int, items []org.Imported) error {
		return store.Import(ctx, items)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	svc := org.NewService(store, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "sam", ownership.Admin, true)

	res, err := svc.Search(ctx, staff, org.SearchQuery{Text: "LOGIST", Limit: 4, Count: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Count, "matches")
	for _, h := range res.Hits {
		fmt.Println(h.Match, h.Organization.Name())
	}
	// Output:
	// 45 matches
	// prefix/name Logistics Angazen
	// prefix/name Logistics Luxix
	// prefix/name Logistics Luxzen
	// prefix/name Logistics Nortonqu
}
