package search

import (
	"fmt"
	"strconv"
	"strings"
)

// Tier says how closely a key matched the search text. Lower tiers are
// better and come first in results.
type Tier uint8

// The tiers, best first.
const (
	// TierExact: the key equals the text (for numbers, the digits are equal).
	TierExact Tier = 1
	// TierPrefix: the key starts with the text.
	TierPrefix Tier = 2
	// TierSubstring: the name holds the text elsewhere. Only names are
	// matched this way, and only for text of three or more characters, so
	// short text does not return half the provider.
	TierSubstring Tier = 3
)

// String returns "exact", "prefix" or "substring".
func (t Tier) String() string {
	switch t {
	case TierExact:
		return "exact"
	case TierPrefix:
		return "prefix"
	case TierSubstring:
		return "substring"
	}
	return "Tier(" + strconv.Itoa(int(t)) + ")"
}

// Field names the searchable key that matched. Within a tier, a lower field
// wins, so an organization whose id or number matched is reported that way
// rather than by a name that happens to match as well.
type Field uint8

// The fields, in the order that breaks ties within a tier.
const (
	FieldID                Field = 1 // the organization's UUID
	FieldNumber            Field = 2 // a purchased number, by its E.164 digits
	FieldCustomerReference Field = 3 // the customer reference
	FieldExternalContract  Field = 4 // the external contract
	FieldName              Field = 5 // the organization name
)

var fieldNames = [...]string{
	FieldID:                "id",
	FieldNumber:            "number",
	FieldCustomerReference: "customer_reference",
	FieldExternalContract:  "external_contract",
	FieldName:              "name",
}

// String returns the field's wire name: "id", "number",
// "customer_reference", "external_contract" or "name".
func (f Field) String() string {
	if f >= FieldID && f <= FieldName {
		return fieldNames[f]
	}
	return "Field(" + strconv.Itoa(int(f)) + ")"
}

// ParseField returns the field with the given wire name, as
// [Field.String] writes it. Other names are refused with an error wrapping
// [ErrInvalidQuery].
func ParseField(s string) (Field, error) {
	for f := FieldID; f <= FieldName; f++ {
		if fieldNames[f] == s {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown field %q", ErrInvalidQuery, s)
}

// MarshalText writes the wire name, so JSON and similar encodings carry
// "customer_reference" rather than a number that would change meaning if
// fields were ever reordered. Unknown fields are refused.
func (f Field) MarshalText() ([]byte, error) {
	if f < FieldID || f > FieldName {
		return nil, fmt.Errorf("search: cannot marshal %v", f)
	}
	return []byte(fieldNames[f]), nil
}

// UnmarshalText reads a wire name, as [ParseField] does.
func (f *Field) UnmarshalText(b []byte) error {
	v, err := ParseField(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Match is how one organization matched: the tier and the field that gave it.
type Match struct {
	Tier  Tier
	Field Field
}

// Better reports whether m ranks before o: the lower tier wins, then the
// lower field. An organization appears once in results, at its best match.
func (m Match) Better(o Match) bool {
	if m.Tier != o.Tier {
		return m.Tier < o.Tier
	}
	return m.Field < o.Field
}

// String returns the match as "tier/field", such as "prefix/name".
func (m Match) String() string { return m.Tier.String() + "/" + m.Field.String() }

// Keys are the searchable values of one organization, in the form every
// store keeps them. They are computed in Go (see [Fold]) when the
// organization is saved, so that no store depends on its database's idea of
// case or Unicode.
type Keys struct {
	ID                string   // canonical lower-case UUID
	Numbers           []string // digits of each E.164 number, country code included, no "+"
	CustomerReference string   // fold key, "" when unset
	ExternalContract  string   // fold key, "" when unset
	Name              string   // fold key
}

// Match returns the best match of k for t, and false when k does not match.
// It is the reference semantics: every store must return the same
// organizations with the same matches, whatever query language it uses.
//
//   - Empty terms match every organization as Match{TierExact, FieldName}:
//     all hits share one tier, so they are listed by name fold key, then id.
//   - A UUID is tried against the id only, exactly.
//   - Digits are tried against each number: equal digits are exact, a number
//     that starts with them is a prefix match.
//   - The customer reference and external contract match when their fold
//     key equals the text or starts with it, never as a substring; an unset
//     one never matches.
//   - The name matches when equal, as a prefix or, when [Terms.Substring]
//     holds, as a substring.
//
// When several keys match, the best by [Match.Better] is returned.
func (t Terms) Match(k Keys) (Match, bool) {
	if t.ID != "" {
		if k.ID == t.ID {
			return Match{TierExact, FieldID}, true
		}
		return Match{}, false
	}
	if t.Empty() {
		return Match{TierExact, FieldName}, true
	}
	var best Match
	found := false
	try := func(m Match) {
		if !found || m.Better(best) {
			best, found = m, true
		}
	}
	if t.Digits != "" {
		for _, n := range k.Numbers {
			if n == t.Digits {
				try(Match{TierExact, FieldNumber})
			} else if strings.HasPrefix(n, t.Digits) {
				try(Match{TierPrefix, FieldNumber})
			}
		}
	}
	for _, c := range [...]struct {
		key   string
		field Field
	}{
		{k.CustomerReference, FieldCustomerReference},
		{k.ExternalContract, FieldExternalContract},
	} {
		if c.key == "" {
			continue
		}
		if c.key == t.Fold {
			try(Match{TierExact, c.field})
		} else if strings.HasPrefix(c.key, t.Fold) {
			try(Match{TierPrefix, c.field})
		}
	}
	switch {
	case k.Name == t.Fold:
		try(Match{TierExact, FieldName})
	case strings.HasPrefix(k.Name, t.Fold):
		try(Match{TierPrefix, FieldName})
	case t.Substring() && strings.Contains(k.Name, t.Fold):
		try(Match{TierSubstring, FieldName})
	}
	return best, found
}
