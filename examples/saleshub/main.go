// Command saleshub is the reference host of orgkit: one binary that embeds
// the library and serves the Sales Hub "Organization Overview" page, for
// people (a web console at /) and for programs (a JSON API under /v1/, and
// TMF632 Party Management under /tmf-api/party/v4/organization).
//
//	go run ./examples/saleshub
//	go run ./examples/saleshub -store postgres://postgres@127.0.0.1:5432/test -tokens tokens.json
//
// Flags:
//
//	-addr    address to listen on (default 127.0.0.1:8080)
//	-store   memory (the default, with demo organizations), a
//	         postgres:// URL (migrated at start) or a redis:// URL; the
//	         URL parameter schema (PostgreSQL, default orgkit) or prefix
//	         (Redis keys) keeps several hosts apart on one server
//	-tokens  a JSON file mapping bearer tokens to actors (see below)
//
// # Actors and tokens
//
// Every request acts as an actor named by a token: the API reads
// "Authorization: Bearer <token>", the console signs in with a token and
// keeps a session cookie. The tokens file is a JSON object mapping each
// token (16 characters or more) to an actor:
//
//	{
//	  "<token>": {"provider_id": "<uuid>", "kind": "staff", "user_id": "ada",
//	              "role": "owner", "sales_hub_access": true, "name": "Ada Park"},
//	  "<token>": {"provider_id": "<uuid>", "kind": "member",
//	              "organization_id": "<uuid>", "email": "olive@acme.example"}
//	}
//
// role is owner, admin or member (the staff member's role in the Admin
// Organization); name is optional, for the console. Every provider named in
// the file is served. Its Admin Organization id, the owner of every
// organization the provider manages, is derived from the provider id as
// the name-based UUID uuid.NewSHA1(0b5c3f5e-8d1c-4f57-9a43-5f0e6b2d7a11,
// provider id bytes), the same on every start; a staff entry may set
// "admin_organization_id" to choose another (entries of one provider must
// agree).
//
// Without -tokens the host makes demo actors, prints their tokens at start
// and offers them on the console's sign-in page: staff of two providers
// (an owner and a member without the right to switch managed-by at
// Northwind Telecom, an admin at Southwind Mobile) and the owner of the
// demo organization Acme Telecom. Demo organizations are created when the
// store has none.
//
// # Operation
//
// The server shuts down gracefully on SIGINT and SIGTERM, has read, write
// and idle timeouts, limits request bodies (1 MiB for the API, 64 KiB for
// console forms), and logs one structured line per request with log/slog:
// method, route pattern, status and duration, never paths, bodies or
// tokens, which may hold personal data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orgkit/orgkit/adapters/tmf632"
	"github.com/orgkit/orgkit/examples/saleshub/internal/actors"
	"github.com/orgkit/orgkit/examples/saleshub/internal/api"
	"github.com/orgkit/orgkit/examples/saleshub/internal/console"
	"github.com/orgkit/orgkit/org"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "saleshub:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	addr   string
	store  string
	tokens string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("saleshub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&c.store, "store", "memory", "memory, postgres://… or redis://…")
	fs.StringVar(&c.tokens, "tokens", "", "JSON file mapping bearer tokens to actors (default: demo actors)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	store, err := openStore(openCtx, c.store)
	if err != nil {
		return err
	}
	defer store.Close()

	app, err := newApp(openCtx, store, c.tokens, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	if app.demo {
		printDemo(stdout, app.dir, ln.Addr().String())
	}
	log.Info("saleshub listening", "addr", ln.Addr().String(), "console", "http://"+ln.Addr().String()+"/")
	return serve(ctx, ln, app.handler, log)
}

// app is the assembled host: the directory of actors and the handler.
type app struct {
	dir     *actors.Directory
	handler http.Handler
	demo    bool
}

// newApp builds the Service, the actors (from tokensFile, or demo ones with
// demo data) and the handler that serves the API and the console.
func newApp(ctx context.Context, store org.Store, tokensFile string, log *slog.Logger) (*app, error) {
	var (
		dir *actors.Directory
		svc *org.Service
		err error
	)
	opts := []org.Option{org.WithLogger(log)}
	if tokensFile != "" {
		if dir, err = actors.Load(tokensFile); err != nil {
			return nil, err
		}
		svc = org.NewService(store, dir.Providers(), opts...)
	} else {
		if dir, svc, err = demo(ctx, store, opts...); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}
	mux := http.NewServeMux()
	jsonAPI := api.New(svc, dir, api.Options{Logger: log})
	mux.Handle("/v1/", jsonAPI)
	// TMF632 Party Management answers for the same organizations and actors.
	tmf := tmf632.NewHandler(svc, jsonAPI.Authenticate, tmf632.WithLogger(log))
	mux.Handle(tmf632.DefaultBasePath, tmf)
	mux.Handle(tmf632.DefaultBasePath+"/", tmf)
	mux.Handle("/", console.New(svc, dir, console.Options{Logger: log, OfferTokens: tokensFile == ""}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	return &app{dir: dir, handler: logRequests(log, mux), demo: tokensFile == ""}, nil
}

// serve runs the server until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("saleshub shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request. It logs the route pattern the mux
// matched, never the path, which may hold a phone number, nor the query,
// which may hold search text.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)))
	})
}
