package search_test

import (
	"fmt"

	"github.com/orgkit/orgkit/search"
)

func ExampleFold() {
	fmt.Printf("%q\n", search.Fold("ＡＣＭＥ"))
	fmt.Printf("%q\n", search.Fold("Straße"))
	fmt.Printf("%q\n", search.Fold("  Acme \t Corp  "))
	// Output:
	// "acme"
	// "strasse"
	// "acme corp"
}

func ExampleParseText() {
	for _, text := range []string{
		"3F2504E0-4F89-41D3-9A0C-0305E82C3301",
		"+1 (555) 010-0199",
		"Acme",
		"",
	} {
		t, err := search.ParseText(text)
		if err != nil {
			panic(err)
		}
		fmt.Printf("fold=%q id=%q digits=%q empty=%t\n", t.Fold, t.ID, t.Digits, t.Empty())
	}
	_, err := search.ParseText("acme\x00")
	fmt.Println(err)
	// Output:
	// fold="3f2504e0-4f89-41d3-9a0c-0305e82c3301" id="3f2504e0-4f89-41d3-9a0c-0305e82c3301" digits="" empty=false
	// fold="+1 (555) 010-0199" id="" digits="15550100199" empty=false
	// fold="acme" id="" digits="" empty=false
	// fold="" id="" digits="" empty=true
	// search: invalid query: text holds control character U+0000
}

func ExampleTerms_Match() {
	keys := search.Keys{
		ID:                "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
		Numbers:           []string{"15550100199"},
		CustomerReference: search.Fold("CR-1001"),
		Name:              search.Fold("Acme Straße"),
	}
	for _, text := range []string{"+1 555", "cr-1001", "ACME STRASSE", "strasse", "1001"} {
		t, err := search.ParseText(text)
		if err != nil {
			panic(err)
		}
		if m, ok := t.Match(keys); ok {
			fmt.Printf("%-14q %v\n", text, m)
		} else {
			fmt.Printf("%-14q no match\n", text)
		}
	}
	// Output:
	// "+1 555"       prefix/number
	// "cr-1001"      exact/customer_reference
	// "ACME STRASSE" exact/name
	// "strasse"      substring/name
	// "1001"         no match
}

func ExampleCompile() {
	q := search.Query{Text: "acme", Limit: 2, Filter: search.Filter{Status: []string{"active"}}}
	plan, err := search.Compile("provider-1", q)
	if err != nil {
		panic(err)
	}

	// A store answers with up to Limit+1 hits in Position order.
	hits := []search.Position{
		{Tier: search.TierExact, Name: "acme", ID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301"},
		{Tier: search.TierPrefix, Name: "acme corp", ID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{Tier: search.TierSubstring, Name: "big acme", ID: "1b4e28ba-2fa1-11d2-883f-0016d3cca427"},
	}
	more := len(hits) > plan.Limit
	shown := hits[:plan.Limit]
	fmt.Println("more:", more)

	// The next page continues after the last hit shown.
	q.Cursor = plan.Cursor(shown[len(shown)-1])
	next, err := search.Compile("provider-1", q)
	if err != nil {
		panic(err)
	}
	for _, h := range hits {
		fmt.Println(h.Name, next.Includes(h))
	}

	// The cursor belongs to this query only.
	q.Text = "globex"
	_, err = search.Compile("provider-1", q)
	fmt.Println(err)
	// Output:
	// more: true
	// acme false
	// acme corp false
	// big acme true
	// search: invalid cursor: made for another query or altered
}

// A name that holds a text holds each of the text's runs, so a store can
// index names by their runs and look a text up by its own.
func ExampleRuns() {
	fmt.Printf("%q\n", search.Runs(search.Fold("ACME Ltd"), 5))
	// Output: ["acme " "cme l" "me lt" "e ltd"]
}
