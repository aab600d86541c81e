// Package redis is an orgkit store on Redis 7 (no modules), through
// github.com/redis/go-redis/v9. The same Store runs on a standalone server
// and on a Redis Cluster, and passes the conformance suite in
// adapters/storetest: same errors, same search hits in the same order as the
// memory and PostgreSQL stores.
//
// The package is named redis after its directory; import go-redis under
// another name:
//
//	import (
//		goredis "github.com/redis/go-redis/v9"
//		orgredis "github.com/orgkit/orgkit/adapters/redis"
//	)
//
//	client := goredis.NewUniversalClient(&goredis.UniversalOptions{Addrs: addrs})
//	store, err := orgredis.New(ctx, client, orgredis.WithKeyPrefix("sales:"))
//
// # One change, one script
//
// Every change (create, update, ownership switch, delete, import batch) is
// one Lua script call (EVALSHA, sent again with EVAL after NOSCRIPT) that
// first checks the version, the id, the idempotency key and every unique
// value, and only then writes the organization, every index entry and the
// event. A refused change writes nothing, and Redis runs a script whole, so
// no index entry points at nothing and no organization misses its indexes.
// Update reads the organization, calls the Service's function in Go, and
// sends the script conditioned on the version it read; when another change
// came first it reads again and calls the function again.
//
// Fold keys, number digits and name trigrams are computed in Go (package
// search) and passed to the script, which compares bytes only: Lua knows no
// Unicode.
//
// # Keys
//
// Every key starts with the prefix (DefaultKeyPrefix, or WithKeyPrefix) and
// the provider's hash tag {p:<provider id>}:
//
//	o        hash: organization id -> snapshot (JSON)
//	k        hash: organization id -> version and stored search keys
//	u        hash: r:<reference fold>, c:<contract fold>, n:<E.164> -> id
//	zn zr zc zd   sorted sets of "<name | reference | contract fold | digits>\x00<id>"
//	g:<trigram>   set of ids whose name fold holds the 3 bytes
//	s:<status> m:<managed by> t:<tag fold>   sets of ids, for filters
//	ev       stream: the provider's event feed; entry ids are event cursors
//	e        hash: stream id -> event (JSON), rewritten erased on delete
//	oe       hash: organization id -> its stream ids
//	i iz     idempotency keys: hash and expiry sorted set
//
// # Search
//
// Redis finds candidates (the sorted sets by ZRANGEBYLEX for exact and
// prefix matches, trigram set intersections for name substrings, the name
// set in order for listings) and Go decides every hit with
// search.Terms.Match over the stored keys, then orders by tier, name fold
// key and id. Name prefixes are read from the name set in result order only
// as far as a page needs; reference, contract and number prefixes and name
// substrings are read whole and sorted, so their cost grows with the number
// of organizations they match (a one-letter reference prefix across a large
// provider is the slow case). Counts read on to search.CountCap.
//
// # Durability and memory
//
// Redis is the primary store here, so configure persistence: AOF
// (appendonly yes) with appendfsync everysec loses at most about a second
// of acknowledged changes on a crash, appendfsync always loses none at the
// cost of a disk sync per change. RDB snapshots alone lose everything since
// the last one. Replicas do not help durability: replication is
// asynchronous.
//
// New refuses a server whose maxmemory-policy may evict this store's keys
// (allkeys-*): an evicted index key would make search miss organizations.
// noeviction is the right policy; volatile-* policies are accepted because
// the store sets no time to live. AllowEvictingPolicy overrides the check.
//
// # Redis Cluster and one very large provider
//
// A script may only touch keys of one slot, so every key of a provider
// shares one hash tag, and one provider lives on one master. Providers spread
// over the cluster; a single provider does not. A provider's data, its
// write rate and its search load are bounded by what one master (and its
// replicas, for reads you route there yourself) can hold and serve: at
// about the memory per organization measured in the README, a provider with
// tens of millions of organizations needs a large master, and resharding
// moves it as one slot. Import takes one provider per call for the same
// reason.
package redis
