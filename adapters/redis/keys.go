package redis

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

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
func (k keyspace) names() string     { return k.base + "zn" } // zset: <name fold>\x00<id>
func (k keyspace) refs() string      { return k.base + "zr" } // zset: <reference fold>\x00<id>
func (k keyspace) contracts() string { return k.base + "zc" } // zset: <contract fold>\x00<id>
func (k keyspace) digits() string    { return k.base + "zd" } // zset: <number digits>\x00<id>
func (k keyspace) gram(g string) string {
	return k.base + "g:" + g // set of ids whose name fold holds the trigram
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

// encode writes the version in decimal and a colon, which is all a script
// reads, then length-prefixed fields.
func (m meta) encode() string {
	b := strconv.AppendInt(nil, m.version, 10)
	b = append(b, ':')
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	list := func(l []string) {
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, s := range l {
			str(s)
		}
	}
	str(m.status)
	str(m.managedBy)
	str(m.name)
	str(m.ref)
	str(m.contract)
	list(m.numbers)
	list(m.tags)
	return string(b)
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
	bad := false
	str := func() string {
		n, k := binary.Uvarint([]byte(rest[:min(len(rest), binary.MaxVarintLen64)]))
		if k <= 0 || n > uint64(len(rest)-k) {
			bad = true
			return ""
		}
		v := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		return v
	}
	list := func() []string {
		n, k := binary.Uvarint([]byte(rest[:min(len(rest), binary.MaxVarintLen64)]))
		if k <= 0 || n > uint64(len(rest)) {
			bad = true
			return nil
		}
		rest = rest[k:]
		var l []string
		for range n {
			l = append(l, str())
		}
		return l
	}
	m.status, m.managedBy, m.name, m.ref, m.contract = str(), str(), str(), str(), str()
	m.numbers, m.tags = list(), list()
	if bad || rest != "" {
		return meta{}, errBadMeta
	}
	return m, nil
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

// entries lists every index entry of the organization with the given id.
func (m meta) entries(ks keyspace, id string) []entry {
	var e []entry
	for _, u := range m.uniques() {
		e = append(e, entry{'h', ks.unique(), u.hashField})
	}
	e = append(e, entry{'z', ks.names(), m.name + sep + id})
	if m.ref != "" {
		e = append(e, entry{'z', ks.refs(), m.ref + sep + id})
	}
	if m.contract != "" {
		e = append(e, entry{'z', ks.contracts(), m.contract + sep + id})
	}
	for _, n := range m.numbers {
		e = append(e, entry{'z', ks.digits(), strings.TrimPrefix(n, "+") + sep + id})
	}
	for _, g := range trigrams(m.name) {
		e = append(e, entry{'s', ks.gram(g), id})
	}
	e = append(e, entry{'s', ks.status(m.status), id}, entry{'s', ks.managedBy(m.managedBy), id})
	for _, t := range m.tags {
		e = append(e, entry{'s', ks.tag(t), id})
	}
	return e
}

// trigrams returns the distinct 3-byte substrings of a fold key. Bytes, not
// runes: search matches substrings by bytes, and every 3-byte window of the
// text is a window of a name that contains it.
func trigrams(s string) []string {
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

// splitMember splits a sorted-set member into its key and id.
func splitMember(m string) (key, id string) {
	i := strings.LastIndexByte(m, 0)
	if i < 0 {
		return m, ""
	}
	return m[:i], m[i+1:]
}
