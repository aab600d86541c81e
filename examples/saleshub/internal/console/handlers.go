package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// hubData is the Sales Hub list: the search box and its results.
type hubData struct {
	frame
	Hits      []org.Hit
	Count     string
	Next      string
	Status    string
	ManagedBy string
	Tag       string
	Error     string
	CanCreate bool
}

func (c *Console) hub(w http.ResponseWriter, r *http.Request, u user) {
	if u.Actor.Kind() == org.ActorMember {
		http.Redirect(w, r, "/organizations/"+u.Actor.OrganizationID().String(), http.StatusSeeOther)
		return
	}
	qv := r.URL.Query()
	d := hubData{frame: frame{User: u, Title: "Organizations", Flash: c.takeFlash(u), Query: qv.Get("q")},
		Status: qv.Get("status"), ManagedBy: qv.Get("managed_by"), Tag: qv.Get("tag"),
		CanCreate: org.Authorize(u.Actor, org.ActionCreate, nil, c.now()) == nil}
	q := org.SearchQuery{Text: d.Query, Cursor: qv.Get("cursor"), Count: true, Tags: list(d.Tag)}
	if st, err := org.ParseStatus(d.Status); err == nil {
		q.Status = []org.Status{st}
	}
	if t, err := ownership.ParseType(d.ManagedBy); err == nil {
		q.ManagedBy = []ownership.Type{t}
	}
	res, err := c.svc.Search(r.Context(), u.Actor, q)
	status := http.StatusOK
	switch {
	case err == nil:
		d.Hits, d.Next = res.Hits, res.Next
		if res.Count != nil {
			d.Count = res.Count.String()
		}
	case errors.Is(err, org.ErrPermission):
		d.Error, status = permissionMessage(err), http.StatusForbidden
	default:
		f, st := formError("", nil, err)
		if st == http.StatusInternalServerError {
			c.fail(w, r, u, err)
			return
		}
		d.Error, status = f.Alert, st
	}
	// A search that finds exactly one organization by its id, number,
	// reference or contract opens it, as people expect of the search box.
	if q.Cursor == "" && len(d.Hits) == 1 && d.Query != "" && d.Hits[0].Match.Tier == search.TierExact && d.Hits[0].Match.Field != search.FieldName {
		http.Redirect(w, r, "/organizations/"+d.Hits[0].Organization.ID().String(), http.StatusSeeOther)
		return
	}
	c.render(w, status, "hub", d)
}

// nextURL is the link to the next page of results.
func (d hubData) NextURL() string {
	v := url.Values{}
	for k, s := range map[string]string{"q": d.Query, "status": d.Status, "managed_by": d.ManagedBy, "tag": d.Tag, "cursor": d.Next} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return "/?" + v.Encode()
}

// newData is the "+" form.
type newData struct {
	frame
	Form formState
}

func (c *Console) newPage(w http.ResponseWriter, r *http.Request, u user) {
	if err := org.Authorize(u.Actor, org.ActionCreate, nil, c.now()); err != nil {
		c.renderMessage(w, u, http.StatusForbidden, "Not allowed", permissionMessage(err))
		return
	}
	c.render(w, http.StatusOK, "new", newData{frame: frame{User: u, Title: "New organization"},
		Form: formState{Dialog: "create", Values: url.Values{"managed_by": {"customer"}, "idempotency_key": {randomString()}}}})
}

var createFields = append([]string{"name", "managed_by", "country", "time_zone", "customer_reference",
	"external_contract", "numbers", "buyer_tags", "owner", "owner.name", "owner.email", "owner.phone"}, billingFields...)

func (c *Console) create(w http.ResponseWriter, r *http.Request, u user) {
	f := r.PostForm
	mb, _ := ownership.ParseType(f.Get("managed_by"))
	in := org.CreateInput{
		Name: f.Get("name"), ManagedBy: mb, Country: f.Get("country"), TimeZone: f.Get("time_zone"),
		CustomerReference: f.Get("customer_reference"), ExternalContract: f.Get("external_contract"),
		Numbers: list(f.Get("numbers")), BuyerTags: list(f.Get("buyer_tags")),
		IdempotencyKey: f.Get("idempotency_key"), // a double submit creates one organization
	}
	if mb == ownership.Customer {
		in.Owner = &org.Person{Name: f.Get("owner.name"), Email: f.Get("owner.email"), Phone: f.Get("owner.phone")}
		in.Billing = formBilling(f)
		if in.Billing != nil {
			in.Billing.Email = "" // the owner's, by rule
		}
	} else if f.Get("with_billing") != "" {
		in.Billing = formBilling(f)
	}
	o, err := c.svc.Create(r.Context(), u.Actor, in)
	if err != nil {
		st, status := formError("create", f, err, createFields...)
		if status == http.StatusInternalServerError {
			c.fail(w, r, u, err)
			return
		}
		c.render(w, status, "new", newData{frame: frame{User: u, Title: "New organization"}, Form: st})
		return
	}
	c.setFlash(u, "Organization created.")
	http.Redirect(w, r, "/organizations/"+o.ID().String(), http.StatusSeeOther)
}

// overviewData is the Overview tab of one organization.
type overviewData struct {
	frame
	Org     *org.Organization
	Tab     string
	Can     permissions
	Grants  []grantRow
	Events  []org.Event
	Form    formState
	Now     time.Time
	Members []org.Member // those who may become owner
	// IdempotencyKey makes a double submitted create harmless.
}

// permissions say which controls the signed-in person sees; the Service
// checks again on every change.
type permissions struct {
	EditInfo, EditSales, Switch, Status, RequestAccess, DecideAccess, ReadEvents bool
	// SwitchNeedsGrant: staff could switch if the customer granted access.
	NeedsGrant bool
}

// grantRow is a remote-access grant with its state now.
type grantRow struct {
	org.Grant
	State string
}

// Billing returns the billing information, or nil.
func (d overviewData) Billing() any {
	if b, ok := d.Org.Billing(); ok {
		return b
	}
	return nil
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, u user) {
	c.showOverview(w, r, u, http.StatusOK, formState{})
}

func (c *Console) showOverview(w http.ResponseWriter, r *http.Request, u user, status int, form formState) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.notFound(w, r)
		return
	}
	o, err := c.svc.Get(r.Context(), u.Actor, id)
	if errors.Is(err, org.ErrNotFound) {
		c.renderMessage(w, u, http.StatusNotFound, "Organization not found",
			"It may have been deleted, or it belongs to another provider.")
		return
	} else if err != nil {
		c.fail(w, r, u, err)
		return
	}
	now := c.now()
	can := func(a org.Action) bool { return org.Authorize(u.Actor, a, o, now) == nil }
	d := overviewData{frame: frame{User: u, Title: o.Name(), Flash: c.takeFlash(u)}, Org: o, Form: form, Now: now,
		Tab: r.URL.Query().Get("tab"),
		Can: permissions{EditInfo: can(org.ActionEditInformation), EditSales: can(org.ActionEditSalesRecords),
			Switch: can(org.ActionSwitchManagedBy), Status: can(org.ActionControlStatus),
			RequestAccess: can(org.ActionRequestRemoteAccess), DecideAccess: can(org.ActionDecideRemoteAccess),
			ReadEvents: can(org.ActionReadEvents)}}
	d.Can.NeedsGrant = u.Actor.Kind() == org.ActorStaff && o.ManagedBy() == ownership.Customer && !d.Can.EditInfo
	for _, g := range o.Grants() {
		d.Grants = append(d.Grants, grantRow{Grant: g, State: g.State(now).String()})
	}
	for _, m := range o.Members() {
		if m.Role != ownership.Owner {
			d.Members = append(d.Members, m)
		}
	}
	if d.Tab == "activity" && d.Can.ReadEvents {
		page, err := c.svc.Events(r.Context(), u.Actor, org.EventQuery{OrganizationID: o.ID(), Limit: org.MaxEventLimit})
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.Events = page.Events
		// Newest first, as an activity feed reads.
		for i, j := 0, len(d.Events)-1; i < j; i, j = i+1, j-1 {
			d.Events[i], d.Events[j] = d.Events[j], d.Events[i]
		}
	} else {
		d.Tab = "overview"
	}
	c.render(w, status, "overview", d)
}

// change handles every form of the Overview tab.
func (c *Console) change(w http.ResponseWriter, r *http.Request, u user) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		c.notFound(w, r)
		return
	}
	f := r.PostForm
	var opts []org.ChangeOption
	if v, err := strconv.ParseInt(f.Get("version"), 10, 64); err == nil && v > 0 {
		opts = append(opts, org.IfVersion(v))
	}
	ctx := r.Context()
	action := r.PathValue("action")
	if sub := r.PathValue("sub"); sub != "" {
		action += "/" + r.PathValue("op")
	}
	var (
		dialog string
		fields []string
		done   string
		after  = "/organizations/" + id.String()
	)
	switch action {
	case "information":
		dialog, fields, done = "info", []string{"name", "country", "time_zone", "customer_reference", "external_contract", "update"}, "Organization information saved."
		err = c.updateInformation(ctx, u, id, f, opts)
	case "billing":
		dialog, fields, done = "billing", billingFields, "Billing information saved."
		_, err = c.svc.UpdateBilling(ctx, u.Actor, id, formBilling(f), opts...)
	case "tags":
		dialog, fields, done = "tags", []string{"buyer_tags"}, "Buyer tags saved."
		_, err = c.svc.SetBuyerTags(ctx, u.Actor, id, list(f.Get("buyer_tags")), opts...)
	case "members":
		dialog, fields, done = "member-add", []string{"name", "email", "phone", "role"}, "Member added."
		role, _ := ownership.ParseRole(f.Get("role"))
		_, err = c.svc.AddMember(ctx, u.Actor, id, org.NewMember{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), Role: role}, opts...)
	case "members/role":
		dialog, done = "members", "Role changed."
		role, _ := ownership.ParseRole(f.Get("role"))
		err = withMember(r, func(mid uuid.UUID) error {
			_, err := c.svc.UpdateMember(ctx, u.Actor, id, mid, org.MemberUpdate{Role: &role}, opts...)
			return err
		})
	case "members/remove":
		dialog, done = "members", "Member removed."
		err = withMember(r, func(mid uuid.UUID) error {
			_, err := c.svc.RemoveMember(ctx, u.Actor, id, mid, opts...)
			return err
		})
	case "numbers":
		dialog, fields, done = "number-add", []string{"number"}, "Number assigned."
		_, err = c.svc.AssignNumber(ctx, u.Actor, id, f.Get("number"), opts...)
	case "release-number":
		dialog, done = "numbers", "Number released."
		_, err = c.svc.ReleaseNumber(ctx, u.Actor, id, f.Get("number"), opts...)
	case "managed-by":
		dialog, done = "managed-by", "Managed by switched."
		fields = append([]string{"managed_by", "new_owner", "new_owner.member_id", "new_owner.name", "new_owner.email", "new_owner.phone", "former_owner_role"}, billingFields...)
		err = c.switchManagedBy(ctx, u, id, f, opts)
	case "remote-access":
		dialog, fields, done = "access", []string{"reason", "duration"}, "Remote access requested. The customer's owner or an admin must approve it."
		d, _ := time.ParseDuration(f.Get("duration"))
		_, _, err = c.svc.RequestRemoteAccess(ctx, u.Actor, id, org.AccessRequest{Reason: f.Get("reason"), Duration: d}, opts...)
	case "remote-access/approve", "remote-access/revoke":
		dialog = "grants"
		gid, perr := uuid.Parse(r.PathValue("sub"))
		switch {
		case perr != nil:
			err = org.ErrNotFound
		case action == "remote-access/approve":
			done = "Remote access approved."
			_, err = c.svc.ApproveRemoteAccess(ctx, u.Actor, id, gid, opts...)
		default:
			done = "Remote access revoked."
			_, err = c.svc.RevokeRemoteAccess(ctx, u.Actor, id, gid, opts...)
		}
	case "suspend":
		dialog, fields, done = "suspend", []string{"reason"}, "Organization suspended."
		_, err = c.svc.Suspend(ctx, u.Actor, id, f.Get("reason"), opts...)
	case "reactivate":
		dialog, done = "status", "Organization reactivated."
		_, err = c.svc.Reactivate(ctx, u.Actor, id, opts...)
	case "delete":
		dialog, done = "delete", "Organization deleted."
		if err = c.svc.Delete(ctx, u.Actor, id, opts...); err == nil {
			after = "/"
		}
	default:
		c.notFound(w, r)
		return
	}
	if err != nil {
		st, status := formError(dialog, f, err, fields...)
		if status == http.StatusInternalServerError {
			c.fail(w, r, u, err)
			return
		}
		c.showOverview(w, r, u, status, st)
		return
	}
	c.setFlash(u, done)
	http.Redirect(w, r, after, http.StatusSeeOther)
}

func withMember(r *http.Request, fn func(uuid.UUID) error) error {
	mid, err := uuid.Parse(r.PathValue("sub"))
	if err != nil {
		return org.ErrNotFound
	}
	return fn(mid)
}

// updateInformation sends only the fields that changed, so that editing the
// name of a Customer-managed organization does not also need the sales
// records permission, and the other way round.
func (c *Console) updateInformation(ctx context.Context, u user, id uuid.UUID, f url.Values, opts []org.ChangeOption) error {
	o, err := c.svc.Get(ctx, u.Actor, id)
	if err != nil {
		return err
	}
	var upd org.Update
	set := func(dst **string, field, cur string) {
		if v, ok := f[field]; ok && strings.TrimSpace(v[0]) != cur {
			s := v[0]
			*dst = &s
		}
	}
	set(&upd.Name, "name", o.Name())
	set(&upd.Country, "country", o.Country())
	set(&upd.TimeZone, "time_zone", o.TimeZone())
	set(&upd.CustomerReference, "customer_reference", o.CustomerReference())
	set(&upd.ExternalContract, "external_contract", o.ExternalContract())
	if upd == (org.Update{}) {
		return nil
	}
	_, err = c.svc.Update(ctx, u.Actor, id, upd, opts...)
	return err
}

func (c *Console) switchManagedBy(ctx context.Context, u user, id uuid.UUID, f url.Values, opts []org.ChangeOption) error {
	to, _ := ownership.ParseType(f.Get("managed_by"))
	sw := org.Switch{To: to}
	if to == ownership.Customer {
		switch f.Get("new_owner_mode") {
		case "member":
			mid, err := uuid.Parse(f.Get("new_owner.member_id"))
			if err != nil {
				return &org.ValidationError{Fields: []org.FieldError{{Field: "new_owner.member_id", Rule: "required", Message: "Choose the member who becomes the owner."}}}
			}
			sw.NewOwnerMemberID = mid
		default:
			sw.NewOwner = &org.Person{Name: f.Get("new_owner.name"), Email: f.Get("new_owner.email"), Phone: f.Get("new_owner.phone")}
		}
		if b := formBilling(f); b != nil {
			b.Email = "" // the new owner's, by rule
			sw.Billing = b
		}
	} else {
		role, err := ownership.ParseRole(f.Get("former_owner_role"))
		if err != nil {
			return &org.ValidationError{Fields: []org.FieldError{{Field: "former_owner_role", Rule: "required", Message: "Choose the former owner's new role."}}}
		}
		sw.FormerOwnerRole = role
	}
	_, err := c.svc.SwitchManagedBy(ctx, u.Actor, id, sw, opts...)
	return err
}

// fail answers an unexpected error; the log names the route, not the data.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, u user, err error) {
	if !errors.Is(err, context.Canceled) {
		c.log.LogAttrs(r.Context(), slog.LevelError, "console failure", slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
	c.renderMessage(w, u, http.StatusInternalServerError, "Something went wrong", "The change may not have been saved. Try again in a moment.")
}
