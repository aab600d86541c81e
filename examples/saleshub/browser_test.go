package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orgkit/orgkit/adapters/memory"
)

// chromiumPath is Debian's chromium; the test never downloads a browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the console in headless Chromium through the flows of
// the seed: sign in, create an organization through the "+" form, find it
// from the search box by number, switch it to Customer with a new owner,
// suspend it and delete it. Set SALESHUB_SCREENSHOTS to a directory to keep
// a screenshot of each step.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required under CI: %v (apt-get install -y chromium)", err)
		}
		t.Skipf("chromium not installed at %s (apt-get install -y chromium)", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	store := memory.New()
	defer store.Close()
	a, err := newApp(ctx, store, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	var ada string
	for _, tk := range a.dir.All() {
		if tk.Entry.UserID == "ada" {
			ada = tk.Token
		}
	}

	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		// Chromium leaves its singleton socket's directory in TMPDIR when it
		// is stopped: in the test's own directory, it goes with the test.
		chromedp.Env("TMPDIR="+t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	shots := os.Getenv("SALESHUB_SCREENSHOTS")
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if shots == "" {
				return nil
			}
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		})
	}
	// waitFor waits until a JavaScript condition holds, so a step waits for
	// the page that answers it rather than matching the page before. It
	// evaluates again across navigations, which end a chromedp.Poll.
	waitFor := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			deadline := time.Now().Add(15 * time.Second)
			for {
				ok, err := chromedp.Evaluate[bool]("Boolean("+expr+")")(ctx, tg)
				if err == nil && ok {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("timed out waiting for %s (last error: %v)", expr, err)
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
		})
	}
	// into stores the value an action returns.
	into := func(dst *string, a chromedp.Action[string]) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := a(ctx, tg)
			*dst = v
			return err
		})
	}
	const number = "+44 20 7946 0999"
	var name, owner, status, hubText string
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"sign in", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(srv.URL + "/"),
			chromedp.WaitVisible(chromedp.CSS(`#token`)),
			shot("01-signin"),
			chromedp.SendKeys(chromedp.CSS(`#token`), ada),
			chromedp.Submit(chromedp.CSS(`#token`)),
			chromedp.WaitVisible(chromedp.CSS(`#results`)),
			shot("02-hub"),
		}},
		{"create through the + form", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`#create`)),
			chromedp.WaitVisible(chromedp.CSS(`#create-form`)),
			chromedp.Click(chromedp.CSS(`input[name=managed_by][value=service_provider]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Browser Test Telecom"),
			chromedp.SendKeys(chromedp.CSS(`input[name=country]`), "GB"),
			chromedp.SendKeys(chromedp.CSS(`input[name=customer_reference]`), "BT-42"),
			chromedp.SendKeys(chromedp.CSS(`input[name=numbers]`), number),
			shot("03-create"),
			chromedp.Click(chromedp.CSS(`#create-submit`)),
			waitFor(`document.querySelector('#org-name')?.textContent === 'Browser Test Telecom'`),
			shot("04-overview"),
		}},
		{"find it from the search box by number", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(srv.URL + "/"),
			chromedp.WaitVisible(chromedp.CSS(`#results`)),
			chromedp.SendKeys(chromedp.CSS(`#search`), number+"\n"),
			waitFor(`document.querySelector('#org-name')?.textContent === 'Browser Test Telecom'`),
			into(&name, chromedp.Text(chromedp.CSS(`#org-name`))),
		}},
		{"switch it to Customer with a new owner", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`button[data-open=dlg-managed-by]`)),
			chromedp.WaitVisible(chromedp.CSS(`#dlg-managed-by input[name="new_owner.name"]`)),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="new_owner.name"]`), "Nora New"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="new_owner.email"]`), "nora@browser.example"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.contact_name"]`), "Nora New"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.currency"]`), "GBP"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.address.line1"]`), "2 High Street"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.address.city"]`), "Leeds"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.address.postal_code"]`), "LS1 1AA"),
			chromedp.SendKeys(chromedp.CSS(`#dlg-managed-by input[name="billing.address.country"]`), "GB"),
			shot("05-switch"),
			chromedp.Click(chromedp.CSS(`#dlg-managed-by button[type=submit]`)),
			waitFor(`document.querySelector('#managed-by')?.textContent === 'Customer'`),
			into(&owner, chromedp.Text(chromedp.CSS(`#owner`))),
			shot("06-customer"),
		}},
		{"suspend it", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`#suspend`)),
			chromedp.WaitVisible(chromedp.CSS(`#dlg-suspend input[name=reason]`)),
			chromedp.SendKeys(chromedp.CSS(`#dlg-suspend input[name=reason]`), "Browser test"),
			chromedp.Click(chromedp.CSS(`#dlg-suspend button[type=submit]`)),
			waitFor(`document.querySelector('#org-status')?.textContent === 'suspended'`),
			into(&status, chromedp.Text(chromedp.CSS(`#org-status`))),
			shot("07-suspended"),
		}},
		{"delete it", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`#delete`)),
			chromedp.WaitVisible(chromedp.CSS(`#confirm-delete`)),
			shot("08-delete"),
			chromedp.Click(chromedp.CSS(`#confirm-delete`)),
			waitFor(`document.querySelector('#results') !== null && document.querySelector('#org-name') === null`),
			chromedp.Navigate(srv.URL + "/?q=" + strings.ReplaceAll(number, " ", "+") + "+"),
			chromedp.WaitVisible(chromedp.CSS(`.empty`)),
			into(&hubText, chromedp.Text(chromedp.CSS(`.table-card`))),
		}},
	}
	for _, s := range steps {
		if err := chromedp.Do(bctx, s.actions...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if name != "Browser Test Telecom" {
		t.Errorf("search by number opened %q", name)
	}
	if !strings.Contains(owner, "Nora New") {
		t.Errorf("owner after the switch = %q, want Nora New", owner)
	}
	if !strings.EqualFold(status, "suspended") {
		t.Errorf("status = %q, want suspended", status)
	}
	if !strings.Contains(hubText, "No organizations found") {
		t.Errorf("search after delete shows %q", hubText)
	}
}
