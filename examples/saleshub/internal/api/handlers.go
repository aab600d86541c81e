package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// createRequest is the body of POST /v1/organizations. Enums are read as
// text so that an unknown value is reported as an invalid field (422), not
// as malformed JSON.
type createRequest struct {
	Name              string        `json:"name"`
	ManagedBy         string        `json:"managed_by"`
	Owner             *org.Person   `json:"owner"`
	Billing           *billing.Info `json:"billing"`
	Country           string        `json:"country"`
	TimeZone          string        `json:"time_zone"`
	CustomerReference string        `json:"customer_reference"`
	ExternalContract  string        `json:"external_contract"`
	BuyerTags         []string      `json:"buyer_tags"`
	Numbers           []string      `json:"numbers"`
}

func (a *API) create(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req createRequest
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	mb, _ := ownership.ParseType(req.ManagedBy) // zero is reported by the Service
	o, err := a.svc.Create(r.Context(), actor, org.CreateInput{
		Name: req.Name, ManagedBy: mb, Owner: req.Owner, Billing: req.Billing,
		Country: req.Country, TimeZone: req.TimeZone,
		CustomerReference: req.CustomerReference, ExternalContract: req.ExternalContract,
		BuyerTags: req.BuyerTags, Numbers: req.Numbers,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/organizations/"+o.ID().String())
	writeOrganization(w, http.StatusCreated, o)
	return nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.svc.Get(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag(o.Version()) {
		w.Header().Set("ETag", inm)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeOrganization(w, http.StatusOK, o)
	return nil
}

func (a *API) search(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	qv := r.URL.Query()
	q := org.SearchQuery{Text: qv.Get("q"), Cursor: qv.Get("cursor"), Tags: qv["tag"]}
	for _, s := range splitValues(qv["status"]) {
		st, err := org.ParseStatus(s)
		if err != nil {
			return badRequestf("status must be active or suspended")
		}
		q.Status = append(q.Status, st)
	}
	for _, s := range splitValues(qv["managed_by"]) {
		t, err := ownership.ParseType(s)
		if err != nil {
			return badRequestf("managed_by must be customer or service_provider")
		}
		q.ManagedBy = append(q.ManagedBy, t)
	}
	var err error
	if q.Limit, err = intParam(qv.Get("limit")); err != nil {
		return err
	}
	if c := qv.Get("count"); c != "" {
		if q.Count, err = strconv.ParseBool(c); err != nil {
			return badRequestf("count must be true or false")
		}
	}
	res, err := a.svc.Search(r.Context(), actor, q)
	if err != nil {
		return err
	}
	page := SearchPage{Items: make([]SearchItem, 0, len(res.Hits)), NextCursor: res.Next}
	for _, h := range res.Hits {
		page.Items = append(page.Items, SearchItem{Organization: organizationOf(h.Organization),
			Matched: h.Match.Field.String(), Tier: h.Match.Tier.String()})
	}
	if res.Count != nil {
		page.Count = res.Count.String()
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// splitValues reads a repeated or comma-separated query parameter.
func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func intParam(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, badRequestf("limit must be a positive whole number")
	}
	return n, nil
}

// change runs one change route: it parses the organization id and
// If-Match, calls do, and answers with the organization and its ETag.
func (a *API) change(w http.ResponseWriter, r *http.Request, requireMatch bool, status int,
	do func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	opts, err := changeOptions(r, requireMatch)
	if err != nil {
		return err
	}
	o, err := do(id, opts)
	if err != nil {
		return err
	}
	writeOrganization(w, status, o)
	return nil
}

func (a *API) update(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var u org.Update
	if err := a.decode(w, r, &u); err != nil {
		return err
	}
	return a.change(w, r, true, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.Update(r.Context(), actor, id, u, opts...)
	})
}

func (a *API) billing(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var b *billing.Info
	if err := a.decode(w, r, &b); err != nil {
		return err
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.UpdateBilling(r.Context(), actor, id, b, opts...)
	})
}

func (a *API) buyerTags(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Tags *[]string `json:"tags"`
	}
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	if req.Tags == nil {
		return &org.ValidationError{Fields: []org.FieldError{{Field: "tags", Rule: "required", Message: "tags is required (use [] to clear them)"}}}
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.SetBuyerTags(r.Context(), actor, id, *req.Tags, opts...)
	})
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Phone string `json:"phone"`
		Role  string `json:"role"`
	}
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	role, _ := ownership.ParseRole(req.Role) // zero is reported by the Service
	return a.change(w, r, false, http.StatusCreated, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		o, err := a.svc.AddMember(r.Context(), actor, id, org.NewMember{Name: req.Name, Email: req.Email, Phone: req.Phone, Role: role}, opts...)
		if err == nil {
			if m, ok := o.MemberByEmail(strings.TrimSpace(req.Email)); ok {
				w.Header().Set("Location", "/v1/organizations/"+id.String()+"/members/"+m.ID.String())
			}
		}
		return o, err
	})
}

func (a *API) updateMember(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Name  *string `json:"name"`
		Email *string `json:"email"`
		Phone *string `json:"phone"`
		Role  *string `json:"role"`
	}
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	mid, err := pathID(r, "member")
	if err != nil {
		return err
	}
	mu := org.MemberUpdate{Name: req.Name, Email: req.Email, Phone: req.Phone}
	if req.Role != nil {
		role, _ := ownership.ParseRole(*req.Role) // zero is reported by the Service
		mu.Role = &role
	}
	return a.change(w, r, true, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.UpdateMember(r.Context(), actor, id, mid, mu, opts...)
	})
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	mid, err := pathID(r, "member")
	if err != nil {
		return err
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.RemoveMember(r.Context(), actor, id, mid, opts...)
	})
}

func (a *API) assignNumber(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Number string `json:"number"`
	}
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.AssignNumber(r.Context(), actor, id, req.Number, opts...)
	})
}

func (a *API) releaseNumber(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.ReleaseNumber(r.Context(), actor, id, r.PathValue("number"), opts...)
	})
}

// switchRequest is the body of PUT .../managed-by.
type switchRequest struct {
	ManagedBy string `json:"managed_by"`
	NewOwner  *struct {
		MemberID string `json:"member_id"`
		Name     string `json:"name"`
		Email    string `json:"email"`
		Phone    string `json:"phone"`
	} `json:"new_owner"`
	Billing         *billing.Info `json:"billing"`
	FormerOwnerRole string        `json:"former_owner_role"`
}

func (a *API) switchManagedBy(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req switchRequest
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	to, _ := ownership.ParseType(req.ManagedBy) // zero is reported by the Service
	sw := org.Switch{To: to, Billing: req.Billing}
	var bad []org.FieldError
	if req.FormerOwnerRole != "" {
		role, err := ownership.ParseRole(req.FormerOwnerRole)
		if err != nil {
			bad = append(bad, org.FieldError{Field: "former_owner_role", Rule: "oneof", Message: "former_owner_role must be admin or member"})
		}
		sw.FormerOwnerRole = role
	}
	if no := req.NewOwner; no != nil {
		if no.MemberID != "" {
			mid, err := uuid.Parse(no.MemberID)
			if err != nil {
				bad = append(bad, org.FieldError{Field: "new_owner.member_id", Rule: "member", Message: "new_owner.member_id must be a member of the organization"})
			}
			sw.NewOwnerMemberID = mid
		}
		if no.Name != "" || no.Email != "" || no.Phone != "" {
			sw.NewOwner = &org.Person{Name: no.Name, Email: no.Email, Phone: no.Phone}
		}
	}
	if len(bad) > 0 {
		return &org.ValidationError{Fields: bad}
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.SwitchManagedBy(r.Context(), actor, id, sw, opts...)
	})
}

func (a *API) suspend(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := a.decode(w, r, &req); err != nil {
		return err
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.Suspend(r.Context(), actor, id, req.Reason, opts...)
	})
}

func (a *API) reactivate(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct{}
	if err := a.decodeOptional(w, r, &req); err != nil {
		return err
	}
	return a.change(w, r, false, http.StatusOK, func(id uuid.UUID, opts []org.ChangeOption) (*org.Organization, error) {
		return a.svc.Reactivate(r.Context(), actor, id, opts...)
	})
}

func (a *API) delete(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	opts, err := changeOptions(r, false)
	if err != nil {
		return err
	}
	if err := a.svc.Delete(r.Context(), actor, id, opts...); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) requestAccess(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	var req struct {
		Reason   string `json:"reason"`
		Duration string `json:"duration"`
	}
	if err := a.decodeOptional(w, r, &req); err != nil {
		return err
	}
	var in org.AccessRequest
	in.Reason = req.Reason
	if req.Duration != "" {
		d, err := time.ParseDuration(req.Duration)
		if err != nil {
			return &org.ValidationError{Fields: []org.FieldError{{Field: "duration", Rule: "duration",
				Message: `duration must be a duration such as "24h" or "90m"`}}}
		}
		in.Duration = d
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	opts, err := changeOptions(r, false)
	if err != nil {
		return err
	}
	o, g, err := a.svc.RequestRemoteAccess(r.Context(), actor, id, in, opts...)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/organizations/"+id.String()+"/remote-access/"+g.ID.String())
	w.Header().Set("ETag", etag(o.Version()))
	writeJSON(w, http.StatusCreated, grantOf(g, time.Now()))
	return nil
}

func (a *API) listAccess(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.svc.Get(r.Context(), actor, id)
	if err != nil {
		return err
	}
	now := time.Now()
	list := GrantList{Items: []Grant{}}
	for _, g := range o.Grants() {
		list.Items = append(list.Items, grantOf(g, now))
	}
	w.Header().Set("ETag", etag(o.Version()))
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (a *API) approveAccess(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	return a.decideAccess(w, r, actor, a.svc.ApproveRemoteAccess)
}

func (a *API) revokeAccess(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	return a.decideAccess(w, r, actor, a.svc.RevokeRemoteAccess)
}

type decideFunc func(ctx context.Context, a org.Actor, id, grantID uuid.UUID, opts ...org.ChangeOption) (*org.Organization, error)

func (a *API) decideAccess(w http.ResponseWriter, r *http.Request, actor org.Actor, decide decideFunc) error {
	var req struct{}
	if err := a.decodeOptional(w, r, &req); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	opts, err := changeOptions(r, false)
	if err != nil {
		return err
	}
	o, err := decide(r.Context(), actor, id, gid, opts...)
	if err != nil {
		return err
	}
	for _, g := range o.Grants() {
		if g.ID == gid {
			w.Header().Set("ETag", etag(o.Version()))
			writeJSON(w, http.StatusOK, grantOf(g, time.Now()))
			return nil
		}
	}
	return org.ErrNotFound
}

func (a *API) orgEvents(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.events(w, r, actor, id)
}

func (a *API) providerEvents(w http.ResponseWriter, r *http.Request, actor org.Actor) error {
	if actor.Kind() == org.ActorMember {
		// A customer member's trail is their organization's; the provider's
		// feed is staff's.
		return org.ErrPermission
	}
	return a.events(w, r, actor, uuid.Nil)
}

func (a *API) events(w http.ResponseWriter, r *http.Request, actor org.Actor, id uuid.UUID) error {
	qv := r.URL.Query()
	limit, err := intParam(qv.Get("limit"))
	if err != nil {
		return err
	}
	page, err := a.svc.Events(r.Context(), actor, org.EventQuery{OrganizationID: id, After: qv.Get("after"), Limit: limit})
	if err != nil {
		var ve *org.ValidationError
		if !errors.As(err, &ve) && errors.Is(err, org.ErrInvalid) {
			return badRequestf("after is not a cursor this feed returned")
		}
		return err
	}
	if id != uuid.Nil && len(page.Events) == 0 && qv.Get("after") == "" {
		// Every organization has at least its creation event, and keeps its
		// trail after deletion; none means it is not the provider's.
		return org.ErrNotFound
	}
	writeJSON(w, http.StatusOK, EventPage{Items: nonNil(page.Events), NextCursor: page.Next})
	return nil
}
