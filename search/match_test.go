package search_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/search"
)

func exact(f search.Field) search.Match  { return search.Match{Tier: search.TierExact, Field: f} }
func prefix(f search.Field) search.Match { return search.Match{Tier: search.TierPrefix, Field: f} }
func substring() search.Match {
	return search.Match{Tier: search.TierSubstring, Field: search.FieldName}
}

// keys builds Keys the way a store does: fold keys computed with Fold.
func keys(id, name, ref, contract string, numbers ...string) search.Keys {
	return search.Keys{
		ID:                id,
		Numbers:           numbers,
		CustomerReference: search.Fold(ref),
		ExternalContract:  search.Fold(contract),
		Name:              search.Fold(name),
	}
}

func TestTermsMatch(t *testing.T) {
	t.Parallel()
	acme := keys(idA, "Acme Corp", "CR-1001", "EC-77", "15550100199", "442079460958")
	tests := []struct {
		name string
		text string
		k    search.Keys
		want search.Match
		ok   bool
	}{
		// Empty text lists everything, ordered by name then id.
		{"EmptyMatchesAll", "", acme, exact(search.FieldName), true},
		{"BlankMatchesAll", "   ", keys(idB, "x", "", ""), exact(search.FieldName), true},

		// Fold keys.
		{"FullWidthFindsASCII", "ＡＣＭＥ", acme, prefix(search.FieldName), true},
		{"StrasseFindsStraße", "strasse", keys(idB, "Straße", "", ""), exact(search.FieldName), true},
		{"StraßeFindsStrasse", "STRAßE", keys(idB, "Strasse", "", ""), exact(search.FieldName), true},
		{"WhitespaceCollapsed", " acme \t  corp ", acme, exact(search.FieldName), true},

		// UUIDs are ids and nothing else.
		{"UUIDExactID", idA, acme, exact(search.FieldID), true},
		{"UUIDAnyCase", "3F2504E0-4F89-41D3-9A0C-0305E82C3301", acme, exact(search.FieldID), true},
		{"UUIDOtherID", idB, acme, search.Match{}, false},
		{"UUIDNotMatchedInName", idB, keys(idA, "Tenant "+idB, "", ""), search.Match{}, false},
		{"UUIDNotMatchedAsNameEqual", idB, keys(idA, idB, "", ""), search.Match{}, false},
		{"UUIDNotMatchedInReference", idB, keys(idA, "x", idB, ""), search.Match{}, false},
		{"UUIDPrefixIsNotID", idA[:8], keys(idA, "x", "", ""), search.Match{}, false},

		// Numbers.
		{"NumberExact", "+1 (555) 010-0199", acme, exact(search.FieldNumber), true},
		{"NumberExactSecond", "+44 20 7946 0958", acme, exact(search.FieldNumber), true},
		{"NumberPrefix", "+1 555", acme, prefix(search.FieldNumber), true},
		{"NumberCountryCodeIncluded", "555 0100", acme, search.Match{}, false},
		{"NumberNotSubstring", "0100199", acme, search.Match{}, false},
		{"NumberTwoDigitsNotTried", "15", keys(idB, "x", "", "", "15550100199"), search.Match{}, false},
		{"NumberWithLettersNotTried", "1555a", keys(idB, "x", "", "", "15550100199"), search.Match{}, false},
		{"NoNumbers", "1555", keys(idB, "x", "", ""), search.Match{}, false},

		// References and contracts: exact or prefix, never substring.
		{"ReferenceExact", "cr-1001", acme, exact(search.FieldCustomerReference), true},
		{"ReferencePrefix", "CR-10", acme, prefix(search.FieldCustomerReference), true},
		{"ReferenceNotSubstring", "1001", keys(idB, "x", "CR-1001", ""), search.Match{}, false},
		{"ContractExact", "ec-77", acme, exact(search.FieldExternalContract), true},
		{"ContractPrefix", "EC-", acme, prefix(search.FieldExternalContract), true},
		{"ContractNotSubstringSet", "C-77", search.Keys{ID: idB, Name: "x", ExternalContract: "ec-77"}, search.Match{}, false},
		{"UnsetReferenceNeverMatches", "", search.Keys{ID: idB, Name: "x"}, exact(search.FieldName), true},

		// Names.
		{"NameExact", "ACME CORP", acme, exact(search.FieldName), true},
		{"NamePrefix", "ac", acme, prefix(search.FieldName), true},
		{"NameSubstringThreeRunes", "cor", acme, substring(), true},
		{"NameSubstringTwoRunesNot", "co", acme, search.Match{}, false},
		{"NameSubstringOneRuneNot", "m", acme, search.Match{}, false},
		{"NameSubstringFolded", "ＣＯＲＰ", acme, substring(), true},
		{"NameSubstringMultibyte", "日本語", keys(idB, "新日本語学校", "", ""), substring(), true},
		{"NameSubstringTwoMultibyteNot", "日本", keys(idB, "新日本語学校", "", ""), search.Match{}, false},
		{"NameNoMatch", "globex", acme, search.Match{}, false},

		// Best match across fields: tier first, then field order.
		{"NumberBeatsNameSameTier", "555", keys(idB, "555 Club", "", "", "5551234"),
			prefix(search.FieldNumber), true},
		{"ExactNameBeatsPrefixNumber", "555", keys(idB, "555", "", "", "5551234"),
			exact(search.FieldName), true},
		{"ExactNumberBeatsExactName", "555", keys(idB, "555", "", "", "555"),
			exact(search.FieldNumber), true},
		{"ExactNumberAmongPrefixes", "555", keys(idB, "x", "", "", "5551234", "555"),
			exact(search.FieldNumber), true},
		{"ReferenceBeatsContractAndName", "globex", keys(idB, "Globex", "Globex", "Globex"),
			exact(search.FieldCustomerReference), true},
		{"ContractBeatsName", "glob", keys(idB, "Globex", "", "Globex"),
			prefix(search.FieldExternalContract), true},
		{"ExactNameBeatsPrefixReference", "globex", keys(idB, "Globex", "Globex Inc", ""),
			exact(search.FieldName), true},
		{"PrefixReferenceBeatsSubstringName", "lob", keys(idB, "Globex", "Lobster", ""),
			prefix(search.FieldCustomerReference), true},
		{"DigitsAlsoTriedAsName", "1001", keys(idB, "Studio 1001", "", ""), substring(), true},
		{"DigitsAlsoTriedAsReference", "1001", keys(idB, "x", "1001-A", ""), prefix(search.FieldCustomerReference), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			terms, err := search.ParseText(tt.text)
			require.NoError(t, err)
			got, ok := terms.Match(tt.k)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMatchBetter(t *testing.T) {
	t.Parallel()
	// Every match in rank order: each is better than all that follow.
	var order []search.Match
	for _, tier := range []search.Tier{search.TierExact, search.TierPrefix, search.TierSubstring} {
		for _, f := range []search.Field{search.FieldID, search.FieldNumber, search.FieldCustomerReference, search.FieldExternalContract, search.FieldName} {
			order = append(order, search.Match{Tier: tier, Field: f})
		}
	}
	for i, a := range order {
		assert.False(t, a.Better(a), "%v is not better than itself", a)
		for _, b := range order[i+1:] {
			assert.True(t, a.Better(b), "%v better than %v", a, b)
			assert.False(t, b.Better(a), "%v not better than %v", b, a)
		}
	}
}

func TestTierAndFieldNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "exact", search.TierExact.String())
	assert.Equal(t, "prefix", search.TierPrefix.String())
	assert.Equal(t, "substring", search.TierSubstring.String())
	assert.Equal(t, "Tier(9)", search.Tier(9).String())
	assert.Equal(t, "prefix/customer_reference", prefix(search.FieldCustomerReference).String())

	for f, name := range map[search.Field]string{
		search.FieldID:                "id",
		search.FieldNumber:            "number",
		search.FieldCustomerReference: "customer_reference",
		search.FieldExternalContract:  "external_contract",
		search.FieldName:              "name",
	} {
		assert.Equal(t, name, f.String())
		parsed, err := search.ParseField(name)
		require.NoError(t, err)
		assert.Equal(t, f, parsed)

		b, err := json.Marshal(f)
		require.NoError(t, err)
		assert.JSONEq(t, `"`+name+`"`, string(b))
		var back search.Field
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, f, back)
	}

	assert.Equal(t, "Field(0)", search.Field(0).String())
	_, err := search.ParseField("Name")
	require.ErrorIs(t, err, search.ErrInvalidQuery)
	_, err = search.Field(6).MarshalText()
	require.Error(t, err)
	var f search.Field
	require.ErrorIs(t, f.UnmarshalText([]byte("tags")), search.ErrInvalidQuery)
}
