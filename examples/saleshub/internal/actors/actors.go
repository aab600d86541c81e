// Package actors maps the bearer tokens of the saleshub host to orgkit
// actors, and gives each provider its Admin Organization.
//
// A tokens file is a JSON object whose keys are tokens and whose values are
// actors, as package org describes them (org.Staff, org.CustomerMember):
//
//	{
//	  "3c1f…": {"provider_id": "…", "kind": "staff", "user_id": "ada",
//	            "role": "owner", "sales_hub_access": true},
//	  "9a0b…": {"provider_id": "…", "kind": "member",
//	            "organization_id": "…", "email": "olive@acme.example"}
//	}
//
// Every provider named by an actor is configured. Its Admin Organization id
// is derived from the provider id (a name-based UUID, version 5, in the
// namespace [AdminNamespace]), so it is the same on every start and every
// replica. A staff entry may set "admin_organization_id" to use another one;
// all entries of a provider that set it must agree. An optional "name" is
// shown in the console instead of the user id or email.
package actors

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// AdminNamespace is the UUID namespace in which a provider's Admin
// Organization id is derived from its provider id when the tokens file does
// not set one: uuid.NewSHA1(AdminNamespace, providerID[:]).
var AdminNamespace = uuid.MustParse("0b5c3f5e-8d1c-4f57-9a43-5f0e6b2d7a11")

// AdminOrganizationID returns the Admin Organization id the host derives for
// a provider.
func AdminOrganizationID(providerID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(AdminNamespace, providerID[:])
}

// Entry is one actor as a tokens file describes it.
type Entry struct {
	ProviderID uuid.UUID `json:"provider_id"`
	// Kind is "staff" or "member".
	Kind string `json:"kind"`
	// Name is an optional display name for the console.
	Name string `json:"name,omitempty"`

	// Staff fields.
	UserID              string    `json:"user_id,omitempty"`
	Role                string    `json:"role,omitempty"`
	SalesHubAccess      bool      `json:"sales_hub_access,omitempty"`
	AdminOrganizationID uuid.UUID `json:"admin_organization_id,omitzero"`

	// Customer member fields.
	OrganizationID uuid.UUID `json:"organization_id,omitzero"`
	Email          string    `json:"email,omitempty"`
}

// Actor returns the orgkit actor the entry describes.
func (e Entry) Actor() org.Actor {
	if e.Kind == "member" {
		return org.CustomerMember(e.ProviderID, e.OrganizationID, e.Email)
	}
	role, _ := ownership.ParseRole(e.Role) // checked by New
	return org.Staff(e.ProviderID, e.UserID, role, e.SalesHubAccess)
}

// Label is how the console names the actor: its name, or the user id or
// email.
func (e Entry) Label() string {
	switch {
	case e.Name != "":
		return e.Name
	case e.Kind == "member":
		return e.Email
	}
	return e.UserID
}

// Describe says what kind of actor it is, such as "Staff · Owner" or
// "Customer member".
func (e Entry) Describe() string {
	if e.Kind == "member" {
		return "Customer member"
	}
	s := "Staff · " + titleCase(e.Role)
	if !e.SalesHubAccess {
		s += " · no Sales Hub access"
	}
	return s
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (e Entry) check() error {
	if e.ProviderID == uuid.Nil {
		return errors.New("provider_id is required")
	}
	switch e.Kind {
	case "staff":
		if strings.TrimSpace(e.UserID) == "" {
			return errors.New("user_id is required for staff")
		}
		if _, err := ownership.ParseRole(e.Role); err != nil {
			return errors.New(`role must be "owner", "admin" or "member"`)
		}
		if e.OrganizationID != uuid.Nil || e.Email != "" {
			return errors.New("organization_id and email are for customer members only")
		}
	case "member":
		if e.OrganizationID == uuid.Nil {
			return errors.New("organization_id is required for a customer member")
		}
		if strings.TrimSpace(e.Email) == "" {
			return errors.New("email is required for a customer member")
		}
		if e.UserID != "" || e.Role != "" || e.SalesHubAccess || e.AdminOrganizationID != uuid.Nil {
			return errors.New("user_id, role, sales_hub_access and admin_organization_id are for staff only")
		}
	default:
		return fmt.Errorf(`kind must be "staff" or "member", not %q`, e.Kind)
	}
	return nil
}

// Directory is a fixed set of tokens and the providers their actors belong
// to. It is safe for concurrent use: it never changes after New.
type Directory struct {
	entries   map[string]Entry
	providers org.ProviderSet
	order     []string // tokens in a stable order, for listing demo actors
}

// New checks the entries and returns their Directory.
func New(entries map[string]Entry) (*Directory, error) {
	d := &Directory{entries: make(map[string]Entry, len(entries)), providers: org.ProviderSet{}}
	admin := map[uuid.UUID]uuid.UUID{}
	for _, tok := range slices.Sorted(maps.Keys(entries)) {
		e := entries[tok]
		if len(tok) < 16 {
			return nil, fmt.Errorf("token %q…: tokens must be at least 16 characters", prefix(tok))
		}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("token %s…: %w", prefix(tok), err)
		}
		if e.AdminOrganizationID != uuid.Nil {
			if prev, ok := admin[e.ProviderID]; ok && prev != e.AdminOrganizationID {
				return nil, fmt.Errorf("provider %s: entries disagree on admin_organization_id", e.ProviderID)
			}
			admin[e.ProviderID] = e.AdminOrganizationID
		}
		d.entries[tok] = e
		d.order = append(d.order, tok)
	}
	// Staff before customer members, then by label, so listings are stable.
	slices.SortFunc(d.order, func(x, y string) int {
		ex, ey := d.entries[x], d.entries[y]
		if c := strings.Compare(ex.Kind, ey.Kind); c != 0 {
			return -c
		}
		return strings.Compare(ex.Label(), ey.Label())
	})
	for _, e := range d.entries {
		a, ok := admin[e.ProviderID]
		if !ok {
			a = AdminOrganizationID(e.ProviderID)
		}
		d.providers[e.ProviderID] = org.Provider{ID: e.ProviderID, AdminOrganizationID: a}
	}
	return d, nil
}

// prefix shows the start of a token in an error, never the whole secret.
func prefix(tok string) string {
	if len(tok) > 4 {
		return tok[:4]
	}
	return tok
}

// Load reads a tokens file.
func Load(path string) (*Directory, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var entries map[string]Entry
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d, err := New(entries)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Lookup returns the entry for a token.
func (d *Directory) Lookup(token string) (Entry, bool) {
	e, ok := d.entries[token]
	return e, ok && token != ""
}

// Providers returns the providers of every actor, with their Admin
// Organizations, for org.NewService.
func (d *Directory) Providers() org.ProviderSet { return d.providers }

// Token is a token with its actor, as listed by All.
type Token struct {
	Token string
	Entry Entry
}

// All returns every token with its actor, in a stable order.
func (d *Directory) All() []Token {
	out := make([]Token, 0, len(d.order))
	for _, t := range d.order {
		out = append(out, Token{Token: t, Entry: d.entries[t]})
	}
	return out
}

// NewToken returns a random token, 32 bytes of crypto/rand in URL-safe
// base64.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
