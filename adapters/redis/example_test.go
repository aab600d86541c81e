package redis_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	orgredis "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// A Service over a Redis store. NewUniversalClient returns a cluster client
// when given several addresses and a plain client for one.
func Example() {
	ctx := context.Background()
	client := goredis.NewUniversalClient(&goredis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	defer client.Close()

	store, err := orgredis.New(ctx, client, orgredis.WithKeyPrefix("sales:"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	provider := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	svc := org.NewService(store, org.NewProviderSet(provider))
	staff := org.Staff(provider.ID, "u-1", ownership.Admin, true)
	o, err := svc.Create(ctx, staff, org.CreateInput{Name: "Acme Telecom", ManagedBy: ownership.ServiceProvider,
		Numbers: []string{"+14155552671"}})
	if err != nil {
		log.Fatal(err)
	}
	res, err := svc.Search(ctx, staff, org.SearchQuery{Text: "+1 415 555"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Name(), len(res.Hits))
}

// A Redis Cluster: every key of a provider carries one hash tag, so each
// change runs on one master.
func ExampleNew_cluster() {
	ctx := context.Background()
	client := goredis.NewClusterClient(&goredis.ClusterOptions{
		Addrs: []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
	})
	defer client.Close()
	store, err := orgredis.New(ctx, client)
	if err != nil {
		log.Fatal(err) // for example ErrEvictingPolicy
	}
	_ = store
}

// Upgrading keys written by an orgkit that indexed names in an earlier
// layout: New refuses them with ErrLayout until Reindex has moved them,
// once, with every process of the earlier version stopped.
func ExampleReindex() {
	ctx := context.Background()
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()

	store, err := orgredis.New(ctx, client, orgredis.WithKeyPrefix("sales:"))
	if errors.Is(err, orgredis.ErrLayout) {
		if err := orgredis.Reindex(ctx, client, orgredis.WithKeyPrefix("sales:")); err != nil {
			log.Fatal(err)
		}
		store, err = orgredis.New(ctx, client, orgredis.WithKeyPrefix("sales:"))
	}
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
}
