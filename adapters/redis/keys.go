package redis

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/internal/phone"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// keyspace names the keys of one provider. Every key carries the hash tag
// {p:<provider id>}, so a provider lives in one cluster slot and every
// script touches one slot.
type keyspace struct{ base string }

func (s *Store) keyspace(providerID uuid.UUID) keyspace {
	return keyspace{base: s.prefix + "{p:" + providerID.String() + "}:"}
}

func (k keyspace) orgs() string      { return k.base + "o" }  // hash: id -> snapshot JSON
func (k keyspace) meta() string      { return k.base + "k" }  // hash: id -> encoded meta (version first)
func (k keyspace) unique() string    { return k.base + "u" }  // hash: r:<ref fold>, c:<contract fold>, n:<E.164> -> id
func (k keyspace) names() string     { return k.base + "zn" } // zset: <name>\x00<id>\x00<ref>\x00<contract>[\x00<digits>]...
func (k keyspace) refs() string      { return k.base + "zr" } // zset: <reference fold>\x00<name>\x00<id>
func (k keyspace) contracts() string { return k.base + "zc" } // zset: <contract fold>\x00<name>\x00<id>
func (k keyspace) digits() string    { return k.base + "zd" } // zset: <number digits>\x00<name>\x00<id>
func (k keyspace) digitPrefixes() string {
	return k.base + "zp" // zset: <proper prefix of number digits>\x00<name>\x00<id>
}
func (k keyspace) gram(g string) string {
	return k.base + "g:" + g // zset: <name fold>\x00<id> of names holding the gram
}
func (k keyspace) status(s string) string    { return k.base + "s:" + s } // set of ids
func (k keyspace) managedBy(m string) string { return k.base + "m:" + m } // set of ids
func (k keyspace) tag(t string) string       { return k.base + "t:" + t } // set of ids
func (k keyspace) stream() string            { return k.base + "ev" }     // stream: the provider's event feed
func (k keyspace) payloads() string          { return k.base + "e" }      // hash: stream id -> event JSON
func (k keyspace) orgEvents() string         { return k.base + "oe" }     // hash: org id -> stream ids, space separated
func (k keyspace) idem() string              { return k.base + "i" }      // hash: key -> "<org id> <fingerprint> <expiry ms>"
func (k keyspace) idemExpiry() string        { return k.base + "iz" }     // zset: key scored by expiry ms

// Unique-hash field prefixes.
const (
	uniqueRef      = "r:"
	uniqueContract = "c:"
	uniqueNumber   = "n:"
)

// minDigits is the fewest digits search tries against numbers (see
// search.Terms.Digits).
const minDigits = 3

// sep ends the key part of a sorted-set member. Fold keys hold no control
// characters (input rules refuse them), so it sorts below every character
// that can follow: members order by key bytes, then by id, as search does.
const sep = "\x00"

// meta is what a store keeps about an organization besides its snapshot:
// the version that scripts check and every key it is indexed under, as
// computed in Go when it was stored. Old index entries are removed from it,
// never recomputed, so a change in folding between releases cannot strand
// an entry.
type meta struct {
	version   int64
	status    string
	managedBy string
	name      string   // fold key
	ref       string   // fold key, "" when unset
	contract  string   // fold key, "" when unset
	numbers   []string // E.164
	tags      []string // fold keys, sorted, distinct
}

func metaOf(o *org.Organization) meta {
	k := o.SearchKeys()
	tags := o.TagKeys()
	slices.Sort(tags)
	return meta{
		version:   o.Version(),
		status:    o.Status().String(),
		managedBy: o.ManagedBy().String(),
		name:      k.Name,
		ref:       k.CustomerReference,
		contract:  k.ExternalContract,
		numbers:   o.Numbers(),
		tags:      slices.Compact(tags),
	}
}

// Meta encoding. Separators are control characters, which no stored value
// holds (input rules refuse them), so Lua can split the meta with plain
// string.find:
//
//	<version>:<status> US <managed by> US <tags, RS between> US <keys line>
//
// where the keys line is "<name>\x00<reference>\x00<contract>" followed by
// "\x00<digits>" for each number, every key as search compares it.
const (
	metaSep = "\x1f"
	listSep = "\x1e"
)

// encode returns the stored meta. Scripts read the version before the
// colon, and the search script the keys line.
func (m meta) encode() string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(m.version, 10))
	b.WriteByte(':')
	b.WriteString(m.status)
	b.WriteString(metaSep)
	b.WriteString(m.managedBy)
	b.WriteString(metaSep)
	b.WriteString(strings.Join(m.tags, listSep))
	b.WriteString(metaSep)
	b.WriteString(m.keysLine(""))
	return b.String()
}

// keysLine joins the name fold key, the id when not "", the reference and
// contract fold keys and the digits of each number with NUL bytes: the
// member of the name set (with the id) and the end of the meta (without).
// The name comes first, so name-set members order by name, then id.
func (m meta) keysLine(id string) string {
	var b strings.Builder
	b.WriteString(m.name)
	if id != "" {
		b.WriteString(sep)
		b.WriteString(id)
	}
	b.WriteString(sep)
	b.WriteString(m.ref)
	b.WriteString(sep)
	b.WriteString(m.contract)
	for _, n := range m.numbers {
		b.WriteString(sep)
		b.WriteString(strings.TrimPrefix(n, "+"))
	}
	return b.String()
}

var errBadMeta = errors.New("redis: malformed organization meta")

func decodeMeta(s string) (meta, error) {
	var m meta
	head, rest, ok := strings.Cut(s, ":")
	if !ok {
		return m, errBadMeta
	}
	v, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return m, errBadMeta
	}
	m.version = v
	parts := strings.SplitN(rest, metaSep, 4)
	if len(parts) != 4 {
		return meta{}, errBadMeta
	}
	m.status, m.managedBy = parts[0], parts[1]
	if parts[2] != "" {
		m.tags = strings.Split(parts[2], listSep)
	}
	var digits []string
	if m.name, m.ref, m.contract, digits, err = splitKeysLine(parts[3]); err != nil {
		return meta{}, err
	}
	for _, d := range digits {
		m.numbers = append(m.numbers, "+"+d)
	}
	return m, nil
}

// splitKeysLine splits a keys line without the id (see meta.keysLine).
// The keys are substrings of line; digits is nil when there are no
// numbers.
func splitKeysLine(line string) (name, ref, contract string, digits []string, err error) {
	name, rest, ok := strings.Cut(line, sep)
	if !ok {
		return "", "", "", nil, errBadMeta
	}
	ref, contract, digits, err = splitKeysTail(rest)
	return name, ref, contract, digits, err
}

// splitKeysTail splits what follows the name, and the id in a name-set
// member, in a keys line.
func splitKeysTail(rest string) (ref, contract string, digits []string, err error) {
	ref, rest, ok := strings.Cut(rest, sep)
	if !ok {
		return "", "", nil, errBadMeta
	}
	contract, rest, more := strings.Cut(rest, sep)
	if !more {
		return ref, contract, nil, nil
	}
	digits = make([]string, 0, strings.Count(rest, sep)+1)
	for d := range strings.SplitSeq(rest, sep) {
		if d == "" || strings.Trim(d, "0123456789") != "" {
			return "", "", nil, errBadMeta
		}
		digits = append(digits, d)
	}
	return ref, contract, digits, nil
}

// hitKeys returns the search keys of organization id, decoded as o, from
// what the page script sent for it: "n" and its name-set member, which
// carries them, or "k" and the name fold the script ranked it by. For the
// latter the other keys come from o, as o.SearchKeys computes them (its
// name is not folded again: a non-ASCII name costs more than the rest).
// They equal the stored keys unless a release changed folding since the
// organization was stored; page then matches the hit by its meta.
func hitKeys(id, sent string, o *org.Organization) (search.Keys, error) {
	if name, ok := strings.CutPrefix(sent, "k"); ok {
		k := search.Keys{ID: id, Name: name,
			CustomerReference: search.Fold(o.CustomerReference()),
			ExternalContract:  search.Fold(o.ExternalContract()),
		}
		numbers := o.Numbers()
		k.Numbers = make([]string, len(numbers))
		for i, n := range numbers {
			k.Numbers[i] = phone.Digits(n)
		}
		return k, nil
	}
	member, ok := strings.CutPrefix(sent, "n")
	if !ok {
		return search.Keys{}, errBadMeta
	}
	name, rest, ok := strings.Cut(member, sep)
	memberID, tail, ok2 := strings.Cut(rest, sep)
	if !ok || !ok2 || memberID != id {
		return search.Keys{}, errBadMeta
	}
	k := search.Keys{ID: id, Name: name}
	var err error
	k.CustomerReference, k.ExternalContract, k.Numbers, err = splitKeysTail(tail)
	return k, err
}

// searchKeys returns the keys search matches, as org.Organization.SearchKeys
// computed them when the organization was stored.
func (m meta) searchKeys(id string) search.Keys {
	k := search.Keys{ID: id, Name: m.name, CustomerReference: m.ref, ExternalContract: m.contract,
		Numbers: make([]string, len(m.numbers))}
	for i, n := range m.numbers {
		k.Numbers[i] = strings.TrimPrefix(n, "+")
	}
	return k
}

// entry is one index entry: a field of the unique hash (value: the id), a
// member of a sorted set (score 0), or a member of a set.
type entry struct {
	kind byte // 'h', 'z' or 's'
	key  string
	item string
}

// uniqueEntry is a unique-hash entry with the field and value named for a
// *org.DuplicateError.
type uniqueEntry struct {
	field, value string // e.g. org.FieldNumbers, "+14155550100"
	hashField    string
}

func (m meta) uniques() []uniqueEntry {
	var u []uniqueEntry
	if m.ref != "" {
		u = append(u, uniqueEntry{org.FieldCustomerReference, m.ref, uniqueRef + m.ref})
	}
	if m.contract != "" {
		u = append(u, uniqueEntry{org.FieldExternalContract, m.contract, uniqueContract + m.contract})
	}
	for _, n := range m.numbers {
		u = append(u, uniqueEntry{org.FieldNumbers, n, uniqueNumber + n})
	}
	return u
}

// newUniques returns the entries of next whose hash field is not in old.
func newUniques(old, next []uniqueEntry) []uniqueEntry {
	var out []uniqueEntry
	for _, u := range next {
		if !slices.ContainsFunc(old, func(o uniqueEntry) bool { return o.hashField == u.hashField }) {
			out = append(out, u)
		}
	}
	return out
}

// entries lists every index entry of the organization with the given id.
func (m meta) entries(ks keyspace, id string) []entry {
	var e []entry
	for _, u := range m.uniques() {
		e = append(e, entry{'h', ks.unique(), u.hashField})
	}
	e = append(e, entry{'z', ks.names(), m.keysLine(id)})
	// The other sorted sets carry the name too, so that a prefix match is
	// placed in result order without reading its organization.
	tail := sep + m.name + sep + id
	if m.ref != "" {
		e = append(e, entry{'z', ks.refs(), m.ref + tail})
	}
	if m.contract != "" {
		e = append(e, entry{'z', ks.contracts(), m.contract + tail})
	}
	prefixes := make(map[string]bool)
	for _, n := range m.numbers {
		d := strings.TrimPrefix(n, "+")
		e = append(e, entry{'z', ks.digits(), d + tail})
		// Every proper prefix search can match (3 digits or more), once
		// per organization, so that a number prefix finds its hits in
		// result order.
		for l := minDigits; l < len(d); l++ {
			if !prefixes[d[:l]] {
				prefixes[d[:l]] = true
				e = append(e, entry{'z', ks.digitPrefixes(), d[:l] + tail})
			}
		}
	}
	for _, g := range grams(m.name) {
		e = append(e, entry{'z', ks.gram(g), m.name + sep + id})
	}
	e = append(e, entry{'s', ks.status(m.status), id}, entry{'s', ks.managedBy(m.managedBy), id})
	for _, t := range m.tags {
		e = append(e, entry{'s', ks.tag(t), id})
	}
	return e
}

// Lengths, in characters, of the grams a name is indexed under. A name
// that holds a text holds every run of characters of the text, so search
// may intersect the sets of any of the text's runs, and takes the
// smallest. Trigrams serve texts of 3 and 4 characters. Runs of 5 serve
// longer texts: trigrams such as "e h" or "ltd" are held by a large share
// of names, 5-grams by few (at 1,000,000 generated organizations, a whole
// name's rarest trigram was held by 884 names at the median, its rarest
// 5-gram by 38).
const (
	gramShort = 3
	gramLong  = 5
)

// grams returns the distinct runs of gramShort and of gramLong characters
// of a fold key: the gram sets of layout 3.
func grams(s string) []string {
	return runs(s, gramShort, gramLong)
}

// textGrams returns the grams whose sets search intersects for a text: its
// runs of gramLong characters when it has that many, since each of its
// trigrams lies inside one of them and so is held by at least as many
// names, or else its trigrams.
func textGrams(s string) []string {
	if g := runs(s, gramLong); len(g) > 0 {
		return g
	}
	return trigrams(s)
}

// trigrams returns the distinct runs of 3 characters of a fold key: the
// gram sets of layout 2.
func trigrams(s string) []string { return runs(s, gramShort) }

// runs returns the distinct runs of each of the given numbers of
// characters of s (see search.Runs), shortest first.
func runs(s string, lengths ...int) []string {
	var out []string
	for _, n := range lengths {
		out = append(out, search.Runs(s, n)...)
	}
	return out
}

// byteTrigrams returns the distinct 3-byte substrings of a fold key: the
// trigrams of layout 1, which Reindex removes.
func byteTrigrams(s string) []string {
	if len(s) < 3 {
		return nil
	}
	seen := make(map[string]struct{}, len(s)-2)
	out := make([]string, 0, len(s)-2)
	for i := 0; i+3 <= len(s); i++ {
		g := s[i : i+3]
		if _, ok := seen[g]; !ok {
			seen[g] = struct{}{}
			out = append(out, g)
		}
	}
	return out
}

// diff returns the entries of a not in b.
func diff(a, b []entry) []entry {
	in := make(map[entry]struct{}, len(b))
	for _, e := range b {
		in[e] = struct{}{}
	}
	var out []entry
	for _, e := range a {
		if _, ok := in[e]; !ok {
			out = append(out, e)
		}
	}
	return out
}

// splitName returns the name fold key and id of a name-set member.
func splitName(m string) (name, id string) {
	name, rest, _ := strings.Cut(m, sep)
	id, _, _ = strings.Cut(rest, sep)
	return name, id
}

// memberID returns the id that ends a reference, contract or digits
// sorted-set member.
func memberID(m string) string { return m[strings.LastIndexByte(m, 0)+1:] }

// afterName is the ZRANGEBYLEX start just after the name-set members of
// the organization at (name, id): they all start with name NUL id NUL.
func afterName(name, id string) string { return "[" + name + sep + id + "\x01" }
