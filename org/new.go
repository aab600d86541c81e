package org

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/ownership"
)

// IDSource makes ids. Services and New take one so that ids are repeatable
// in tests and generated data; the default is uuid.NewV7.
type IDSource func() (uuid.UUID, error)

// New validates in and returns a new organization of the provider at version
// 1, created at now, with ids from ids (nil means uuid.NewV7). Invalid input
// is a *ValidationError listing every offending field. New stores nothing:
// Service.Create stores what it makes, and loaders hand it to an Importer.
func New(providerID uuid.UUID, in CreateInput, ids IDSource, now time.Time) (*Organization, error) {
	if ids == nil {
		ids = uuid.NewV7
	}
	var v violations
	s := Snapshot{
		ProviderID: providerID,
		Version:    1,
		CreatedAt:  now,
		UpdatedAt:  now,
		Status:     StatusActive,
		ManagedBy:  in.ManagedBy,
	}
	s.Name = v.text("name", in.Name, MaxNameRunes, true)
	s.Country = v.country("country", in.Country)
	s.TimeZone = v.timeZone("time_zone", in.TimeZone)
	s.CustomerReference = v.text(FieldCustomerReference, in.CustomerReference, MaxReferenceRunes, false)
	s.ExternalContract = v.text(FieldExternalContract, in.ExternalContract, MaxReferenceRunes, false)
	s.BuyerTags = v.tags("buyer_tags", in.BuyerTags)
	s.Numbers = v.numbers(FieldNumbers, in.Numbers, s.Country)
	slices.Sort(s.Numbers)

	var owner Person
	switch in.ManagedBy {
	case ownership.Customer:
		if in.Owner.empty() {
			v.add("owner", "required", "owner is required for a Customer-managed organization")
		} else {
			owner = v.person("owner", *in.Owner, s.Country)
		}
		if in.Billing == nil {
			v.add("billing", "required", "billing is required for a Customer-managed organization")
		} else {
			s.Billing = v.billing(*in.Billing, owner.Email)
		}
	case ownership.ServiceProvider:
		if !in.Owner.empty() {
			v.add("owner", "excluded", "owner must be empty: the provider's Admin Organization owns a Service-Provider-managed organization")
		}
		if in.Billing != nil {
			s.Billing = v.billing(*in.Billing, "")
		}
	default:
		v.add("managed_by", "oneof", "managed_by must be customer or service_provider")
	}
	if err := v.err(); err != nil {
		return nil, err
	}

	var err error
	if s.ID, err = ids(); err != nil {
		return nil, fmt.Errorf("orgkit: new id: %w", err)
	}
	if in.ManagedBy == ownership.Customer {
		m := Member{Name: owner.Name, Email: owner.Email, Phone: owner.Phone, Role: ownership.Owner}
		if m.ID, err = ids(); err != nil {
			return nil, fmt.Errorf("orgkit: new id: %w", err)
		}
		s.Members = []Member{m}
		s.OwnerID = m.ID
	}
	return &Organization{s: s}, nil
}
