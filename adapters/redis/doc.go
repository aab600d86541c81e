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
// Fold keys, number digits and name grams (runs of characters) are computed
// in Go (package search) and passed to the script, which compares bytes
// only: Lua knows no Unicode.
//
// # Keys
//
// Every key starts with the prefix (DefaultKeyPrefix, or WithKeyPrefix) and
// the provider's hash tag {p:<provider id>}:
//
//	o        hash: organization id -> snapshot (JSON)
//	k        hash: organization id -> version, status, managed by, tags and
//	         search keys (name, reference, contract, digits)
//	u        hash: r:<reference fold>, c:<contract fold>, n:<E.164> -> id
//	zn       sorted set of "<name fold>\x00<id>\x00<reference>\x00<contract>\x00<digits>..."
//	zr zc zd sorted sets of "<reference | contract fold | digits>\x00<name fold>\x00<id>"
//	zp       sorted set of "<digits prefix>\x00<name fold>\x00<id>", one member for
//	         each proper prefix of 3 or more digits of the organization's numbers
//	g:<gram> sorted set of "<name fold>\x00<id>" of names holding the run of 3 or 5 characters
//	s:<status> m:<managed by> t:<tag fold>   sets of ids, for filters
//	ev       stream: the provider's event feed; entry ids are event cursors
//	e        hash: stream id -> event (JSON), rewritten erased on delete
//	oe       hash: organization id -> its stream ids
//	i iz     idempotency keys: hash and expiry sorted set
//
// and one key without a hash tag, the prefix followed by "layout": the
// version of this layout.
//
// Members of the name and gram sets order by name fold key, then id:
// result order, and so do the members of zp under one digits prefix.
// Name-set members carry every search key, and the other sorted sets carry
// the name, so that search can place and match an organization from the
// member alone. zp costs memory (about 27 members for 3 numbers of 11 to 13
// digits) to make a number prefix as cheap as a name prefix: a page of
// digit-prefix hits is the first members of its range, where reading the
// digits set would cost a step per number under the prefix.
//
// # Search
//
// A first page with no filter is first ranked in Go, when a few bounded
// reads are sure to hold it: one MULTI/EXEC reads the exact and prefix
// ranges of every key (those in result order only as far as the page) and
// the last entry of the provider's event stream, Go ranks the candidates,
// and a second MULTI/EXEC reads the page's organizations and that entry
// again. Every change appends an event in its script, so an unchanged
// entry shows that both reads saw one instant (trimming old events keeps
// this so; deleting a provider's newest event with XDEL would not).
// Moving a member into a Lua script costs the server about twice what
// sending it does, so this costs a prefix page's server about half the
// script's time or less. When the entry changed, a range read whole holds
// more than 512 members, or the page is short and a name may hold the
// text elsewhere, the script below finds the page instead.
//
// Any other search without a count is one read-only script call (EVALSHA
// of a script declared no-writes) that returns only the page: limit+1
// organizations after the cursor. It goes through the tiers in order
// (exact, prefix, substring) and, within each, either reads every candidate
// and keeps the first ones in result order, or walks the name set from the
// cursor, in result order, keeping members whose keys match at that tier,
// until the page is full. Candidates are the exact and prefix ranges of the
// reference, contract, digits and name sets (ZRANGEBYLEX, counted with
// ZLEXCOUNT); name and digit prefixes are read in result order (from the
// name set and zp), only as far as the page needs. Empty text lists the
// name set, or the filter sets' intersection (counted with SINTERCARD). Reading costs a step per
// candidate, walking about page × organizations ÷ matches steps, so the
// script reads few candidates and walks when many match; the cost is
// highest, about the square root of page × organizations steps, when a
// query matches that many. Name substrings walk the smallest of the text's
// gram sets, in result order too, or read the intersection of the three
// smallest (ZINTER, counted with ZINTERCARD) when it is small, so their
// cost follows the rarest gram rather than the provider's size; a smallest
// set of at most 2,048 members is walked whole without counting, since
// counting and then reading would each pass over it. A text of 5
// characters or more is looked up by its runs of 5 characters, which few
// names share even where every run of 3 is common ("e h", "ltd"); shorter
// texts by their runs of 3.
//
// The script compares bytes (its own comparison, not Lua's, which follows
// the server's locale) and applies the rules of search.Terms.Match to fold
// keys and digits computed in Go; Go matches every returned organization
// again with Terms.Match, so hits and order equal the memory store's.
//
// A search that asks for a count reads candidates into Go instead, decides
// every hit with Terms.Match there and counts up to search.CountCap; its
// cost grows with the number of matches.
//
// # Upgrading from an earlier layout
//
// The layout key records how names are indexed: layout 1 (releases before
// the key) by runs of 3 bytes, layout 2 by runs of 3 characters, layout 3
// (this release) by runs of 3 and of 5 characters. New refuses keys of an
// earlier layout with ErrLayout, since substring search would miss names.
// Stop every process of the earlier release, run Reindex once (it adds and
// removes each organization's gram entries, one provider at a time, and can
// be run again if it stops), then open the Store.
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
