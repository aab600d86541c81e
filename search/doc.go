// Package search holds what every orgkit store needs to answer the one
// search box of the Sales Hub the same way: the query, how typed text is
// classified and folded, how keys match and rank, the result order, and the
// paging cursor.
//
// It knows no organization type and imports no other orgkit package. The
// org package defines the store interface and the filter values; the
// memory, PostgreSQL and Redis stores keep the keys described here and
// reproduce [Terms.Match] in their own query language.
//
// # Fold keys
//
// Text is compared by its fold key ([Fold]): trimmed, Unicode NFKC, full
// case folding as golang.org/x/text/cases does it, and runs of white space
// collapsed to one space. So full-width "ＡＣＭＥ" finds "Acme" and "strasse"
// finds "Straße". Stores save the fold keys of names, customer references,
// external contracts and tags when an organization is written, computed in
// Go, so that no database collation takes part in matching or ordering.
//
// # What the text is tried against
//
// [ParseText] classifies the text into [Terms]:
//
//   - Empty text lists every organization that passes the filters.
//   - A full hyphenated UUID, in any case, is looked up as an id and nothing
//     else.
//   - Text of only digits, spaces and "+-()." with at least three digits is
//     also tried against purchased numbers: its digits against the digits of
//     each E.164 number, country code included, exactly or as a prefix.
//   - All text but a UUID, numbers included, is tried against the customer
//     reference and external contract (equal or prefix) and the name (equal,
//     prefix, or, for three or more characters, substring).
//
// # Ranking and order
//
// An organization appears once, at its best [Match]: the tier first (exact,
// prefix, substring), then the field, in the order id, number,
// customer_reference, external_contract, name. Results are ordered by
// [Position]: tier, then the name's fold key, then the id, both compared as
// bytes. Every store therefore returns the same hits in the same order for
// the same data.
//
// # Paging and counting
//
// [Compile] turns a [Query] into a [Plan] for one provider, applying
// [DefaultLimit] and [MaxLimit]. A store returns up to Plan.Limit+1 hits after
// Plan.After; the extra hit only tells that there is another page, whose
// cursor [Plan.Cursor] makes from the last hit shown. A cursor holds that
// position and a fingerprint of it and of the provider, terms and filter, so
// it is refused ([ErrInvalidCursor]) with any other query, or when altered. Because the position is
// a value rather than an offset, a page never repeats or skips an
// organization, unless the organization was renamed across the position
// between pages.
//
// Hosts that show totals set Query.Count; the store counts matches up to
// [CountCap] and [Count] prints "10,000 or more" beyond.
package search
