package tmf632

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// Paging limits of the list operation.
const (
	// DefaultLimit is the page size when a request gives no limit.
	DefaultLimit = search.DefaultLimit
	// MaxLimit is the largest page served; a larger limit is served as
	// MaxLimit, which X-Result-Count tells.
	MaxLimit = search.MaxLimit
	// MaxOffset is the largest offset served: search counts and pages no
	// further, so deeper offsets are refused with 400.
	MaxOffset = search.CountCap
)

// listQuery is a parsed list request.
type listQuery struct {
	sel    fieldSet
	offset int
	limit  int
	// text is what search is asked for; keep, when set, keeps only
	// organizations equal to the filters, which search finds among its
	// exact matches of text.
	text string
	keep func(*org.Organization) bool
	// none is set when the filters can match nothing, such as a TMF status
	// no organization has.
	none bool
}

// parseList reads fields, offset, limit and the attribute filters. Unknown
// parameters are refused rather than ignored, so that a filter this handler
// does not apply never returns organizations it would have excluded.
func parseList(q url.Values) (listQuery, []org.FieldError) {
	lq := listQuery{limit: DefaultLimit}
	var bad []org.FieldError
	refuse := func(field, rule, format string, args ...any) {
		bad = append(bad, org.FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	var keys []string
	for k, vs := range q {
		if len(vs) > 1 {
			refuse(k, "single", "%s may be given once", k)
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var names []string
	for _, k := range keys {
		v := q.Get(k)
		switch k {
		case "fields":
			lq.sel = parseFields(v)
		case "offset":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > MaxOffset {
				refuse(k, "range", "offset must be an integer from 0 to %d", MaxOffset)
			}
			lq.offset = n
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				refuse(k, "range", "limit must be a non-negative integer")
			}
			lq.limit = min(n, MaxLimit)
		case "id":
			id, err := uuid.Parse(v)
			if err != nil {
				lq.none = true // no organization has such an id
				continue
			}
			lq.text = id.String()
			lq.keep = func(o *org.Organization) bool { return o.ID() == id }
		case "tradingName", "name":
			names = append(names, v)
		case "status":
			switch v {
			case StatusValidated:
			case "initialized", "closed":
				lq.none = true
			default:
				refuse(k, "oneof", "status must be initialized, validated or closed")
			}
		default:
			refuse(k, "filter", "%s is not a filter this API serves; filters: id, tradingName, name, status", k)
		}
	}
	if len(names) > 0 {
		fold := search.Fold(names[0])
		if fold == "" {
			lq.none = true // names are never empty
		}
		for _, n := range names[1:] {
			if search.Fold(n) != fold {
				lq.none = true
			}
		}
		if lq.keep == nil {
			lq.text = names[0]
			lq.keep = func(o *org.Organization) bool { return o.NameFold() == fold }
		} else {
			byID := lq.keep
			lq.keep = func(o *org.Organization) bool { return byID(o) && o.NameFold() == fold }
		}
	}
	return lq, bad
}

// page is one page of a list and the total it is part of.
type page struct {
	orgs  []*org.Organization
	total search.Count
}

// list serves GET on the collection.
func (h *Handler) list(ctx context.Context, w http.ResponseWriter, r *http.Request, a org.Actor) {
	lq, bad := parseList(r.URL.Query())
	if len(bad) > 0 {
		writeError(w, http.StatusBadRequest, "invalid_query", "Invalid query.", fieldMessage(bad))
		return
	}
	var p page
	var err error
	switch {
	case lq.none:
	case lq.keep != nil:
		p, err = h.walkExact(ctx, a, lq)
	default:
		p, err = h.walk(ctx, a, lq)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]Organization, len(p.orgs))
	for i, o := range p.orgs {
		out[i] = newResource(o, h.href(r, o.ID()), lq.sel)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(p.total.N))
	w.Header().Set("X-Result-Count", strconv.Itoa(len(out)))
	writeJSON(w, http.StatusOK, out)
}

// walk serves a list without filters: the search count is the total, and
// search pages are walked past offset until the page is full.
func (h *Handler) walk(ctx context.Context, a org.Actor, lq listQuery) (page, error) {
	var p page
	skip := lq.offset
	sq := org.SearchQuery{Text: lq.text, Count: true, Limit: max(1, min(MaxLimit, lq.offset+lq.limit))}
	for {
		res, err := h.svc.Search(ctx, a, sq)
		if err != nil {
			return page{}, err
		}
		if sq.Count && res.Count != nil {
			p.total = *res.Count
			if !p.total.AtLeast && lq.offset >= p.total.N {
				return p, nil // nothing at or past offset
			}
		}
		sq.Count = false
		for _, hit := range res.Hits {
			switch {
			case skip > 0:
				skip--
			case len(p.orgs) < lq.limit:
				p.orgs = append(p.orgs, hit.Organization)
			}
		}
		if res.Next == "" || len(p.orgs) == lq.limit {
			return p, nil
		}
		sq.Cursor, sq.Limit = res.Next, MaxLimit
	}
}

// walkExact serves a list filtered on attributes: search finds candidates
// among its exact matches of the filter's text, which come first, and keep
// decides. The total is counted here, as search counts every match of the
// text, prefix and substring matches included.
func (h *Handler) walkExact(ctx context.Context, a org.Actor, lq listQuery) (page, error) {
	var p page
	n := 0
	sq := org.SearchQuery{Text: lq.text, Limit: MaxLimit}
	for {
		res, err := h.svc.Search(ctx, a, sq)
		if err != nil {
			return page{}, err
		}
		for _, hit := range res.Hits {
			if hit.Match.Tier != search.TierExact {
				p.total = search.CountOf(n)
				return p, nil
			}
			if !lq.keep(hit.Organization) {
				continue
			}
			if n >= lq.offset && len(p.orgs) < lq.limit {
				p.orgs = append(p.orgs, hit.Organization)
			}
			if n++; n > search.CountCap {
				p.total = search.CountOf(n)
				return p, nil
			}
		}
		if res.Next == "" {
			p.total = search.CountOf(n)
			return p, nil
		}
		sq.Cursor = res.Next
	}
}
