package postgres_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Open a store on a pool, migrate it and serve organizations.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store := postgres.New(pool, postgres.WithSchema("orgkit"))
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	provider := org.Provider{ID: uuid.MustParse("0b0c6e4e-5c57-4d5e-9c55-2f3c1e0e7a11"),
		AdminOrganizationID: uuid.MustParse("7d9f2d55-0a7b-4a36-8a0c-9d0f4c7b2e01")}
	svc := org.NewService(store, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "u-42", ownership.Admin, true)

	o, err := svc.Create(ctx, staff, org.CreateInput{Name: "Acme Telecom", ManagedBy: ownership.ServiceProvider})
	if err != nil {
		log.Fatal(err)
	}
	res, err := svc.Search(ctx, staff, org.SearchQuery{Text: "acme"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Name(), len(res.Hits))
}

// Create an organization in the same transaction as the host's own rows:
// both commit, or neither does.
func ExampleStore_WithTx() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store := postgres.New(pool)
	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	staff := org.Staff(provider.ID, "u-42", ownership.Admin, true)

	tx, err := pool.Begin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback(ctx) // a no-op after Commit

	svc := org.NewService(store.WithTx(tx), org.NewProviderSet(provider))
	o, err := svc.Create(ctx, staff, org.CreateInput{Name: "Beta Networks", ManagedBy: ownership.ServiceProvider})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO crm_accounts (org_id) VALUES ($1)", o.ID()); err != nil {
		log.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		log.Fatal(err)
	}
}

// List the migrations, to hand them to another migration tool.
func ExampleMigrations() {
	names, err := fs.Glob(postgres.Migrations, "*.sql")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
	// Output: [0001_init.sql 0002_number_name_order.sql 0003_name_trigrams.sql 0004_provider_feed.sql 0005_search_tuning.sql 0006_number_name_walk.sql 0007_number_prefix_buckets.sql 0008_name_runs.sql]
}

// The runs of five characters by which the index of migration 0008 finds
// names, for code that writes organizations rows itself.
func ExampleNameRuns() {
	fmt.Printf("%q\n", postgres.NameRuns(search.Fold("Zensensen Media")))
	// Output: [" medi" "en me" "ensen" "media" "n med" "nsen " "nsens" "sen m" "sense" "zense"]
}
