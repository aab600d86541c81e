package memory_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/memory"
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
