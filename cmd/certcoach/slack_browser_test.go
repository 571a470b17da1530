package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcoach/certcoach/internal/wire"
)

// browserRequired is set in CI (.ci/run sets CERTCOACH_REQUIRE_BROWSER=1;
// most CI systems set CI=true): there a missing Chromium fails the test
// instead of skipping it.
func browserRequired() bool {
	return os.Getenv("CI") == "true" || os.Getenv("CERTCOACH_REQUIRE_BROWSER") == "1"
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestSlackInstallInBrowser installs a second workspace the way an admin
// does, in a real (headless) browser against a running serve and a
// loopback fake of Slack, then uses it.
func TestSlackInstallInBrowser(t *testing.T) {
	chrome := findChromium()
	if chrome == "" {
		if browserRequired() {
			t.Fatal("Chromium not found, and CI requires the browser test: apt-get install -y chromium")
		}
		t.Skip("Chromium not found: the browser test of the Slack install flow is skipped (apt-get install -y chromium to run it)")
	}
	if testing.Short() {
		t.Skip("runs serve and a browser")
	}
	fake := newFakeSlack(t, testClientSecret)
	public := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	db := filepath.Join(t.TempDir(), "certcoach.db")
	s := startServer(t, []string{"CERTCOACH_ADDR=" + strings.TrimPrefix(public, "http://"), "CERTCOACH_DB=" + db, "CERTCOACH_LOG_LEVEL=debug",
		"SLACK_CLIENT_ID=cid", "SLACK_CLIENT_SECRET=" + testClientSecret, "SLACK_SIGNING_SECRET=" + testSigning,
		"CERTCOACH_TOKEN_KEY=" + testTokenKey, "CERTCOACH_PUBLIC_URL=" + public, "SLACK_API_URL=" + fake.apiURL()})
	if s.base != public {
		t.Fatalf("serve listens on %s, public URL %s", s.base, public)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/slack/install"),
		chromedp.WaitVisible(chromedp.ID("add-to-slack")),
		chromedp.Click(chromedp.ID("add-to-slack")),
		chromedp.WaitVisible(chromedp.ID("allow")),
	)
	if err != nil {
		t.Fatalf("browser, to the authorize page: %v\nserve log:\n%s", err, s.logs())
	}
	authorizeURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("allow")),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "certcoach is installed")]`)),
	)
	if err != nil {
		t.Fatalf("browser, back from the authorize page: %v\nserve log:\n%s", err, s.logs())
	}
	finalURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(authorizeURL, fake.srv.URL+"/oauth/v2/authorize?") || !strings.Contains(authorizeURL, "client_id=cid") {
		t.Errorf("Add to Slack led to %s", authorizeURL)
	}
	if !strings.HasPrefix(finalURL, public+"/slack/oauth_redirect?") {
		t.Errorf("came back to %s", finalURL)
	}
	if !strings.Contains(page, "Second Workspace") || !strings.Contains(page, "/cert help") {
		t.Errorf("success page:\n%s", page)
	}
	tokens := fake.issuedTokens()
	if len(tokens) != 1 {
		t.Fatalf("tokens issued: %d", len(tokens))
	}
	token := tokens[0]

	// The new workspace is answered, with its own token.
	bg := context.Background()
	sl := wire.Slack{URL: s.base + "/slack/events", Secret: testSigning}
	res, err := sl.Command(bg, "T0SECOND", "U0ADA", "C0GEN", "help", "")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "quiz") {
		t.Fatalf("/cert help from the new workspace: %v %d %s", err, res.Status, res.Body)
	}
	fake.waitCall(t, "users.info", token)
	if res, _ := sl.Command(bg, "T0ELSE", "U0X", "C0X", "help", ""); !strings.Contains(string(res.Body), "not installed") {
		t.Errorf("a workspace that did not install: %s", res.Body)
	}
	if res, err := sl.Event(bg, "T0SECOND", "EvB1", map[string]any{"type": "app_home_opened", "user": "U0ADA", "channel": "D0ADA", "tab": "home"}); err != nil || res.Status != 200 {
		t.Fatalf("app_home_opened: %v %d", err, res.Status)
	}
	fake.waitCall(t, "views.publish", token)
	for _, c := range fake.allCalls() {
		if c.Method != "oauth.v2.access" && c.Token != token {
			t.Errorf("%s called with another token", c.Method)
		}
	}

	// Uninstalled: forgotten.
	if res, err := sl.Event(bg, "T0SECOND", "EvB2", map[string]any{"type": "app_uninstalled"}); err != nil || res.Status != 200 {
		t.Fatalf("app_uninstalled: %v %d", err, res.Status)
	}
	if res, _ := sl.Command(bg, "T0SECOND", "U0ADA", "C0GEN", "help", ""); !strings.Contains(string(res.Body), "not installed") {
		t.Errorf("after app_uninstalled: %s", res.Body)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited with %d", code)
	}
	assertNoTokens(t, tokens, db, s.logs())
	if !strings.Contains(s.logs(), "workspace data deleted") {
		t.Errorf("no log of the workspace's data being deleted:\n%s", s.logs())
	}
}
