package console

import (
	"bytes"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

var funcs = template.FuncMap{
	"join": strings.Join,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	"managedBy": func(t ownership.Type) string {
		if t == ownership.Customer {
			return "Customer"
		}
		return "Service Provider"
	},
	"role": func(r ownership.Role) string {
		switch r {
		case ownership.Owner:
			return "Owner"
		case ownership.Admin:
			return "Admin"
		}
		return "Member"
	},
	"initials": func(s string) string {
		var out []rune
		for f := range strings.FieldsSeq(s) {
			out = append(out, []rune(strings.ToUpper(f))[0])
			if len(out) == 2 {
				break
			}
		}
		return string(out)
	},
	"isCustomer":    func(t ownership.Type) bool { return t == ownership.Customer },
	"eventLabel":    eventLabel,
	"field":         field,
	"billingFields": billingInputs,
	"hidden": func(csrf string, version int64) hiddenFields {
		return hiddenFields{CSRF: csrf, Version: version}
	},
	"alertFor": func(f formState, dialog string) formState {
		if f.Dialog != dialog {
			return formState{}
		}
		return f
	},
}

// hiddenFields are the hidden inputs of every change form: the CSRF token
// and the version the form was filled in against.
type hiddenFields struct {
	CSRF    string
	Version int64
}

func eventLabel(t org.EventType) string {
	switch t {
	case org.EventCreated:
		return "Organization created"
	case org.EventImported:
		return "Organization imported"
	case org.EventUpdated:
		return "Organization information updated"
	case org.EventBillingUpdated:
		return "Billing information updated"
	case org.EventBuyerTagsSet:
		return "Buyer tags changed"
	case org.EventMemberAdded:
		return "Member added"
	case org.EventMemberUpdated:
		return "Member changed"
	case org.EventMemberRemoved:
		return "Member removed"
	case org.EventNumberAssigned:
		return "Number assigned"
	case org.EventNumberReleased:
		return "Number released"
	case org.EventManagedBySwitched:
		return "Managed by switched"
	case org.EventSuspended:
		return "Suspended"
	case org.EventReactivated:
		return "Reactivated"
	case org.EventDeleted:
		return "Deleted"
	case org.EventRemoteAccessRequest:
		return "Remote access requested"
	case org.EventRemoteAccessApproved:
		return "Remote access approved"
	case org.EventRemoteAccessRevoked:
		return "Remote access revoked"
	}
	return string(t)
}

// parsePages parses each page with the shared layout. The templates are
// embedded, so a parse error is a bug caught by any test.
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "hub", "new", "overview", "message"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// render executes a page into a buffer first, so a template failure is a
// clean 500 rather than half a page.
func (c *Console) render(w http.ResponseWriter, status int, page string, data any) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "page", data); err != nil {
		c.log.LogAttrs(context.Background(), slog.LevelError, "console render", slog.String("page", page), slog.String("error", err.Error()))
		http.Error(w, "Something went wrong showing this page.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// frame is what the layout needs on every signed-in page.
type frame struct {
	User  user
	Title string
	Flash string
	Query string // the search box
}

// messageData is a page with a single message.
type messageData struct {
	frame
	Heading string
	Text    string
}

func (c *Console) renderMessage(w http.ResponseWriter, u user, status int, heading, text string) {
	c.render(w, status, "message", messageData{frame: frame{User: u, Title: heading}, Heading: heading, Text: text})
}
