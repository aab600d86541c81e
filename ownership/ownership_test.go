package ownership_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/ownership"
)

type m = ownership.Membership

func spState() ownership.State {
	return ownership.State{
		Type:    ownership.ServiceProvider,
		Members: []m{{"ann", ownership.Admin}, {"bob", ownership.Member}},
	}
}

func customerState() ownership.State {
	return ownership.State{
		Type:    ownership.Customer,
		Owner:   "ann",
		Members: []m{{"ann", ownership.Owner}, {"bob", ownership.Admin}, {"cat", ownership.Member}},
	}
}

func cloneState(s ownership.State) ownership.State {
	s.Members = append([]m(nil), s.Members...)
	return s
}

func TestSwitch(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		from      ownership.State
		req       ownership.Request
		want      ownership.State
		wantErr   error
		wantField string
		wantRule  string
	}{
		{
			name: "ToCustomerWithExistingMember",
			from: spState(),
			req:  ownership.Request{To: ownership.Customer, NewOwnerMemberID: "bob"},
			want: ownership.State{
				Type:    ownership.Customer,
				Owner:   "bob",
				Members: []m{{"ann", ownership.Admin}, {"bob", ownership.Owner}},
			},
		},
		{
			name: "ToCustomerWithNewMember",
			from: spState(),
			req:  ownership.Request{To: ownership.Customer, NewMemberID: "dan"},
			want: ownership.State{
				Type:    ownership.Customer,
				Owner:   "dan",
				Members: []m{{"ann", ownership.Admin}, {"bob", ownership.Member}, {"dan", ownership.Owner}},
			},
		},
		{
			name: "ToCustomerWithNewMemberAndNoMembers",
			from: ownership.State{Type: ownership.ServiceProvider},
			req:  ownership.Request{To: ownership.Customer, NewMemberID: "dan"},
			want: ownership.State{
				Type:    ownership.Customer,
				Owner:   "dan",
				Members: []m{{"dan", ownership.Owner}},
			},
		},
		{
			name:      "ToCustomerMissingOwner",
			from:      spState(),
			req:       ownership.Request{To: ownership.Customer},
			wantErr:   ownership.ErrInvalid,
			wantField: "new_owner",
			wantRule:  "required",
		},
		{
			name:      "ToCustomerBothOwnersGiven",
			from:      spState(),
			req:       ownership.Request{To: ownership.Customer, NewOwnerMemberID: "bob", NewMemberID: "dan"},
			wantErr:   ownership.ErrInvalid,
			wantField: "new_owner",
			wantRule:  "exclusive",
		},
		{
			name:      "ToCustomerUnknownMember",
			from:      spState(),
			req:       ownership.Request{To: ownership.Customer, NewOwnerMemberID: "zed"},
			wantErr:   ownership.ErrInvalid,
			wantField: "new_owner.member_id",
			wantRule:  "member",
		},
		{
			name:      "ToCustomerNewMemberIDCollides",
			from:      spState(),
			req:       ownership.Request{To: ownership.Customer, NewMemberID: "ann"},
			wantErr:   ownership.ErrInvalid,
			wantField: "new_owner",
			wantRule:  "unique",
		},
		{
			name: "ToServiceProviderDemotingToAdmin",
			from: customerState(),
			req:  ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin},
			want: ownership.State{
				Type:    ownership.ServiceProvider,
				Members: []m{{"ann", ownership.Admin}, {"bob", ownership.Admin}, {"cat", ownership.Member}},
			},
		},
		{
			name: "ToServiceProviderDemotingToMember",
			from: customerState(),
			req:  ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Member},
			want: ownership.State{
				Type:    ownership.ServiceProvider,
				Members: []m{{"ann", ownership.Member}, {"bob", ownership.Admin}, {"cat", ownership.Member}},
			},
		},
		{
			name:      "ToServiceProviderRefusesOwner",
			from:      customerState(),
			req:       ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Owner},
			wantErr:   ownership.ErrInvalid,
			wantField: "former_owner_role",
			wantRule:  "not_owner",
		},
		{
			name:      "ToServiceProviderRefusesZeroRole",
			from:      customerState(),
			req:       ownership.Request{To: ownership.ServiceProvider},
			wantErr:   ownership.ErrInvalid,
			wantField: "former_owner_role",
			wantRule:  "required",
		},
		{
			name:      "ToServiceProviderRefusesUnknownRole",
			from:      customerState(),
			req:       ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: 9},
			wantErr:   ownership.ErrInvalid,
			wantField: "former_owner_role",
			wantRule:  "oneof",
		},
		{
			name:    "SameTypeCustomer",
			from:    customerState(),
			req:     ownership.Request{To: ownership.Customer, NewOwnerMemberID: "bob"},
			wantErr: ownership.ErrSameType,
		},
		{
			name:    "SameTypeServiceProvider",
			from:    spState(),
			req:     ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin},
			wantErr: ownership.ErrSameType,
		},
		{
			name:      "InvalidTarget",
			from:      spState(),
			req:       ownership.Request{To: 0, NewOwnerMemberID: "bob"},
			wantErr:   ownership.ErrInvalid,
			wantField: "managed_by",
			wantRule:  "oneof",
		},
		{
			name:    "BrokenState",
			from:    ownership.State{Type: ownership.Customer, Owner: "ann"},
			req:     ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin},
			wantErr: ownership.ErrInvalidState,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := cloneState(tt.from)

			got, err := ownership.Switch(tt.from, tt.req)

			assert.Equal(t, before, tt.from, "input state is not mutated")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, ownership.State{}, got)
				var ie *ownership.InvalidError
				if tt.wantField == "" {
					assert.False(t, errors.As(err, &ie), "a refusal names no field")
					return
				}
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, tt.wantField, ie.Field)
				assert.Equal(t, tt.wantRule, ie.Rule)
				assert.NotEmpty(t, ie.Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			require.NoError(t, got.Check())
		})
	}
}

func TestSwitchReturnsFreshMembers(t *testing.T) {
	t.Parallel()

	from := customerState()
	got, err := ownership.Switch(from, ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	require.NoError(t, err)
	got.Members[1].Role = ownership.Member
	assert.Equal(t, ownership.Admin, from.Members[1].Role, "result shares no backing array with the input")

	// A slice with spare capacity must not be written past its length.
	backing := make([]m, 2, 3)
	copy(backing, spState().Members)
	spare := ownership.State{Type: ownership.ServiceProvider, Members: backing}
	_, err = ownership.Switch(spare, ownership.Request{To: ownership.Customer, NewMemberID: "dan"})
	require.NoError(t, err)
	assert.Equal(t, m{}, backing[:3][2])
}

func TestSwitchRoundTrip(t *testing.T) {
	t.Parallel()

	s := customerState()
	sp, err := ownership.Switch(s, ownership.Request{To: ownership.ServiceProvider, FormerOwnerRole: ownership.Admin})
	require.NoError(t, err)
	back, err := ownership.Switch(sp, ownership.Request{To: ownership.Customer, NewOwnerMemberID: "ann"})
	require.NoError(t, err)
	assert.Equal(t, s, back)
}

func TestInvalidError(t *testing.T) {
	t.Parallel()

	_, err := ownership.Switch(spState(), ownership.Request{To: ownership.Customer})
	assert.ErrorIs(t, err, ownership.ErrInvalid)
	assert.NotErrorIs(t, err, ownership.ErrSameType)
	assert.EqualError(t, err, "ownership: invalid request: new_owner: new_owner is required: name an existing member or a new member")
}

func TestCheck(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		state ownership.State
		ok    bool
	}{
		{"CustomerValid", customerState(), true},
		{"ServiceProviderValid", spState(), true},
		{"ServiceProviderNoMembers", ownership.State{Type: ownership.ServiceProvider}, true},
		{"ZeroType", ownership.State{}, false},
		{"UnknownType", ownership.State{Type: 3}, false},
		{"CustomerWithoutOwnerMember", ownership.State{Type: ownership.Customer, Owner: "ann", Members: []m{{"ann", ownership.Admin}}}, false},
		{"CustomerWithoutOwnerID", ownership.State{Type: ownership.Customer, Members: []m{{"ann", ownership.Owner}}}, false},
		{"CustomerOwnerIDIsAnotherMember", ownership.State{Type: ownership.Customer, Owner: "bob", Members: []m{{"ann", ownership.Owner}, {"bob", ownership.Admin}}}, false},
		{"CustomerOwnerIDUnknown", ownership.State{Type: ownership.Customer, Owner: "zed", Members: []m{{"ann", ownership.Owner}}}, false},
		{"CustomerTwoOwners", ownership.State{Type: ownership.Customer, Owner: "ann", Members: []m{{"ann", ownership.Owner}, {"bob", ownership.Owner}}}, false},
		{"ServiceProviderWithOwnerID", ownership.State{Type: ownership.ServiceProvider, Owner: "ann", Members: []m{{"ann", ownership.Admin}}}, false},
		{"ServiceProviderWithOwnerRole", ownership.State{Type: ownership.ServiceProvider, Members: []m{{"ann", ownership.Owner}}}, false},
		{"DuplicateMemberID", ownership.State{Type: ownership.ServiceProvider, Members: []m{{"ann", ownership.Admin}, {"ann", ownership.Member}}}, false},
		{"EmptyMemberID", ownership.State{Type: ownership.ServiceProvider, Members: []m{{"", ownership.Admin}}}, false},
		{"ZeroRole", ownership.State{Type: ownership.ServiceProvider, Members: []m{{"ann", 0}}}, false},
		{"UnknownRole", ownership.State{Type: ownership.ServiceProvider, Members: []m{{"ann", 7}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.state.Check()
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ownership.ErrInvalidState)
		})
	}
}

func TestTypeText(t *testing.T) {
	t.Parallel()

	for _, typ := range []ownership.Type{ownership.Customer, ownership.ServiceProvider} {
		b, err := typ.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, typ.String(), string(b))
		got, err := ownership.ParseType(string(b))
		require.NoError(t, err)
		assert.Equal(t, typ, got)
	}
	assert.Equal(t, "customer", ownership.Customer.String())
	assert.Equal(t, "service_provider", ownership.ServiceProvider.String())
	assert.Equal(t, "Type(0)", ownership.Type(0).String())

	for _, bad := range []string{"", "Customer", "sp", "service provider", " customer"} {
		_, err := ownership.ParseType(bad)
		assert.Error(t, err, bad)
	}
	_, err := ownership.Type(0).MarshalText()
	assert.Error(t, err)

	var doc struct{ ManagedBy ownership.Type }
	require.NoError(t, json.Unmarshal([]byte(`{"ManagedBy":"service_provider"}`), &doc))
	assert.Equal(t, ownership.ServiceProvider, doc.ManagedBy)
	assert.Error(t, json.Unmarshal([]byte(`{"ManagedBy":"nobody"}`), &doc))
	assert.Error(t, json.Unmarshal([]byte(`{"ManagedBy":2}`), &doc), "numbers are not accepted")
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ManagedBy":"service_provider"}`, string(out))
}

func TestRoleText(t *testing.T) {
	t.Parallel()

	for role, name := range map[ownership.Role]string{ownership.Owner: "owner", ownership.Admin: "admin", ownership.Member: "member"} {
		assert.Equal(t, name, role.String())
		b, err := role.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, name, string(b))
		var got ownership.Role
		require.NoError(t, got.UnmarshalText(b))
		assert.Equal(t, role, got)
	}
	assert.Equal(t, "Role(4)", ownership.Role(4).String())
	for _, bad := range []string{"", "Owner", "guest"} {
		_, err := ownership.ParseRole(bad)
		assert.Error(t, err, bad)
	}
	_, err := ownership.Role(0).MarshalText()
	assert.Error(t, err)
}
