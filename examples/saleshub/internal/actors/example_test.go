package actors_test

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
)

func ExampleNew() {
	provider := uuid.MustParse("0190a7e4-7c00-7000-8000-00000000a001")
	dir, err := actors.New(map[string]actors.Entry{
		"a-long-random-token-1": {ProviderID: provider, Kind: "staff", UserID: "ada", Role: "owner", SalesHubAccess: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := dir.Lookup("a-long-random-token-1")
	fmt.Println(e.Label(), "-", e.Describe())
	fmt.Println(dir.Providers()[provider].AdminOrganizationID == actors.AdminOrganizationID(provider))
	// Output:
	// ada - Staff · Owner
	// true
}
