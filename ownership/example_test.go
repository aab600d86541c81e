package ownership_test

import (
	"errors"
	"fmt"

	"github.com/orgkit/orgkit/ownership"
)

func ExampleSwitch_toCustomer() {
	sp := ownership.State{
		Type:    ownership.ServiceProvider,
		Members: []ownership.Membership{{ID: "ann", Role: ownership.Admin}, {ID: "bob", Role: ownership.Member}},
	}
	s, err := ownership.Switch(sp, ownership.Request{To: ownership.Customer, NewOwnerMemberID: "ann"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Type, s.Owner)
	for _, m := range s.Members {
		fmt.Println(m.ID, m.Role)
	}
	// Output:
	// customer ann
	// ann owner
	// bob member
}

func ExampleSwitch_toServiceProvider() {
	c := ownership.State{
		Type:    ownership.Customer,
		Owner:   "ann",
		Members: []ownership.Membership{{ID: "ann", Role: ownership.Owner}},
	}
	s, err := ownership.Switch(c, ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %q %s\n", s.Type, s.Owner, s.Members[0].Role)
	// Output:
	// service_provider "" admin
}

func ExampleSwitch_refused() {
	c := ownership.State{
		Type:    ownership.Customer,
		Owner:   "ann",
		Members: []ownership.Membership{{ID: "ann", Role: ownership.Owner}},
	}

	_, err := ownership.Switch(c, ownership.Request{To: ownership.Customer, NewOwnerMemberID: "ann"})
	fmt.Println(errors.Is(err, ownership.ErrSameType))

	_, err = ownership.Switch(c, ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Owner})
	var invalid *ownership.InvalidError
	if errors.As(err, &invalid) {
		fmt.Println(errors.Is(err, ownership.ErrInvalid), invalid.Field, invalid.Rule)
	}
	// Output:
	// true
	// true former_owner_role not_owner
}

func ExampleState_Check() {
	s := ownership.State{
		Type:    ownership.ServiceProvider,
		Members: []ownership.Membership{{ID: "ann", Role: ownership.Owner}},
	}
	err := s.Check()
	fmt.Println(errors.Is(err, ownership.ErrInvalidState))
	fmt.Println(err)
	// Output:
	// true
	// ownership: invalid state: a service-provider-managed organization has no member with role owner, has 1
}

func ExampleParseType() {
	t, err := ownership.ParseType("service_provider")
	fmt.Println(t == ownership.ServiceProvider, err)
	_, err = ownership.ParseType("Customer")
	fmt.Println(err)
	// Output:
	// true <nil>
	// ownership: unknown managed-by type "Customer"
}
