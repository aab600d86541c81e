package datagen_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
)

// Organizations are a function of the seed and the index: the same on
// every run and every machine.
func Example() {
	g := datagen.New(42, uuid.MustParse("0192f0c4-0000-7000-8000-000000000001"))
	for i := range 4 {
		o, err := g.Organization(i)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s | %s | %s | %d numbers\n", o.Name(), o.Country(), o.ManagedBy(), len(o.Numbers()))
	}
	q := g.Queries(datagen.KindNumberPrefix, 1, 4)[0]
	fmt.Printf("%s query %q finds organization %d\n", q.Kind, q.Text, q.Org)
	// Output:
	// 信星数通信股份有限公司 | CN | customer | 3 numbers
	// Ｖｉｎｏｒ　Ｅｎｅｒｇｙ　Ｉｎｃ | JP | service_provider | 3 numbers
	// Ronorvi Networks Co | US | customer | 3 numbers
	// 合同会社カテナ通信 | JP | service_provider | 3 numbers
	// number_prefix query "+49 1701977" finds organization 1
}

// Batches feeds an org.Importer, making the next batches on every CPU while
// the store takes the current one.
func ExampleGenerator_Batches() {
	g := datagen.New(1, uuid.MustParse("0192f0c4-0000-7000-8000-000000000001"))
	loaded := 0
	err := g.Batches(context.Background(), 2500, 1000, func(first int, items []org.Imported) error {
		// A loader would call importer.Import(ctx, items) here.
		loaded += len(items)
		fmt.Println(first, len(items))
		return nil
	})
	fmt.Println(loaded, err)
	// Output:
	// 0 1000
	// 1000 1000
	// 2000 500
	// 2500 <nil>
}
