// Package console is the Sales Hub web console of the saleshub host: the
// "Organization Overview" page for people, rendered on the server with
// html/template and a little plain JavaScript, embedded in the binary.
//
// People sign in with a token (see package actors). The console keeps a
// server-side session named by a random HttpOnly, SameSite=Strict cookie;
// every form that changes something carries the session's CSRF token in a
// hidden field, checked on the server, and cross-origin form posts are
// refused outright (net/http's CrossOriginProtection), which also guards the
// sign-in form itself. Sessions live in memory: a restart signs everyone out.
package console

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/org"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Session and form limits.
const (
	// SessionTTL is how long a sign-in lasts.
	SessionTTL = 8 * time.Hour
	// MaxFormBytes is the largest form body the console reads.
	MaxFormBytes = 64 << 10
	cookieName   = "saleshub_session"
)

// Options configure the console.
type Options struct {
	// Logger receives unexpected failures; nil discards them.
	Logger *slog.Logger
	// OfferTokens lists every actor of the directory on the sign-in page,
	// for demo actors only: anyone who can open the page can sign in as them.
	OfferTokens bool
	// Now is the clock (default time.Now), for sessions and grant states.
	Now func() time.Time
}

// Console serves the web console. Make one with New.
type Console struct {
	svc      *org.Service
	dir      *actors.Directory
	log      *slog.Logger
	offer    bool
	now      func() time.Time
	pages    map[string]*template.Template
	handler  http.Handler
	mu       sync.Mutex
	sessions map[string]*session
}

// session is one signed-in browser.
type session struct {
	token   string
	csrf    string
	expires time.Time
	flash   string
}

// New returns the console over svc, signing people in with dir.
func New(svc *org.Service, dir *actors.Directory, opts Options) *Console {
	c := &Console{svc: svc, dir: dir, log: opts.Logger, offer: opts.OfferTokens, now: opts.Now,
		sessions: map[string]*session{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.pages = parsePages()
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static") // the directory is embedded
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /signin", c.signinPage)
	mux.HandleFunc("POST /signin", c.signin)
	mux.HandleFunc("POST /signout", c.withSession(c.signout))
	mux.HandleFunc("GET /{$}", c.withSession(c.hub))
	mux.HandleFunc("GET /organizations/new", c.withSession(c.newPage))
	mux.HandleFunc("POST /organizations", c.withSession(c.create))
	mux.HandleFunc("GET /organizations/{id}", c.withSession(c.overview))
	mux.HandleFunc("POST /organizations/{id}/{action}", c.withSession(c.change))
	mux.HandleFunc("POST /organizations/{id}/{action}/{sub}/{op}", c.withSession(c.change))
	mux.HandleFunc("/", c.notFound)
	c.handler = http.NewCrossOriginProtection().Handler(securityHeaders(mux))
	return c
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		next.ServeHTTP(w, r)
	})
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// user is the signed-in person as pages see them.
type user struct {
	Entry actors.Entry
	Actor org.Actor
	CSRF  string
	sid   string
}

// sessionHandler is a page or form handler for a signed-in person.
type sessionHandler func(w http.ResponseWriter, r *http.Request, u user)

// withSession finds the session; without one, pages redirect to sign-in.
// Posts must carry the session's CSRF token.
func (c *Console) withSession(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, ok := c.user(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "The form could not be read.", http.StatusBadRequest)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(u.CSRF)) != 1 {
				http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
				return
			}
		}
		h(w, r, u)
	}
}

func (c *Console) user(r *http.Request) (user, bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return user{}, false
	}
	c.mu.Lock()
	s, ok := c.sessions[ck.Value]
	if ok && c.now().After(s.expires) {
		delete(c.sessions, ck.Value)
		ok = false
	}
	var tok, csrf string
	if ok {
		tok, csrf = s.token, s.csrf
	}
	c.mu.Unlock()
	if !ok {
		return user{}, false
	}
	e, ok := c.dir.Lookup(tok)
	if !ok {
		return user{}, false
	}
	return user{Entry: e, Actor: e.Actor(), CSRF: csrf, sid: ck.Value}, true
}

// flash keeps a message for the next page the session sees.
func (c *Console) setFlash(u user, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.sessions[u.sid]; ok {
		s.flash = msg
	}
}

func (c *Console) takeFlash(u user) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[u.sid]
	if !ok {
		return ""
	}
	msg := s.flash
	s.flash = ""
	return msg
}

func (c *Console) startSession(w http.ResponseWriter, r *http.Request, token string) {
	sid := randomString()
	now := c.now()
	c.mu.Lock()
	for id, s := range c.sessions { // drop expired sessions as new ones come
		if now.After(s.expires) {
			delete(c.sessions, id)
		}
	}
	c.sessions[sid] = &session{token: token, csrf: randomString(), expires: now.Add(SessionTTL)}
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sid, Path: "/", MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	c.renderSignin(w, http.StatusOK, "")
}

func (c *Console) renderSignin(w http.ResponseWriter, status int, msg string) {
	data := signinData{Title: "Sign in", Error: msg}
	if c.offer {
		data.Demo = c.dir.All()
	}
	c.render(w, status, "signin", data)
}

// signinData is the sign-in page.
type signinData struct {
	Title string
	Error string
	Demo  []actors.Token
}

func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read.", http.StatusBadRequest)
		return
	}
	tok := r.PostForm.Get("token")
	if _, ok := c.dir.Lookup(tok); !ok {
		c.renderSignin(w, http.StatusUnauthorized, "This token is not known. Check it and try again.")
		return
	}
	c.startSession(w, r, tok)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (c *Console) signout(w http.ResponseWriter, r *http.Request, u user) {
	c.mu.Lock()
	delete(c.sessions, u.sid)
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	u, ok := c.user(r)
	if !ok {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	c.renderMessage(w, u, http.StatusNotFound, "Not found", "There is no such page or organization.")
}
