package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/internal/tokenbox"
	"github.com/certcoach/certcoach/internal/wire"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

const (
	testTokenKey     = "8f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100"
	testClientSecret = "client-SECRET-5e7a9c"
	testSigning      = "signing-SECRET-1b3d5f"
)

// multiEnv is the Slack adapter in multi-workspace mode, in process, over a
// real SQLite file, with a fake clock and a fake Slack.
type multiEnv struct {
	t      *testing.T
	fake   *fakeSlack
	store  *sqlite.Store
	ins    *installStore
	dbPath string
	a      *slack.Adapter
	eng    *bot.Engine
	kb     *knowledge.Base
	srv    *httptest.Server
	logs   *syncBuffer

	mu  sync.Mutex
	now time.Time
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (e *multiEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *multiEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func newMultiEnv(t *testing.T, rotating bool) *multiEnv {
	t.Helper()
	e := &multiEnv{t: t, fake: newFakeSlack(t, testClientSecret), logs: &syncBuffer{}, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e.fake.rotating = rotating
	e.dbPath = filepath.Join(t.TempDir(), "certcoach.db")
	st, err := sqlite.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.store = st
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	eng := bot.NewEngine(kb, st, bot.Options{Logger: log})
	remind.Register(remind.Deps{Engine: eng, Store: st, KB: kb})
	e.eng, e.kb = eng, kb
	box, err := tokenbox.New(testTokenKey)
	if err != nil {
		t.Fatal(err)
	}
	e.ins = &installStore{st: st, box: box, now: e.clock}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.a, err = slack.New(slack.Config{Engine: eng, Dedup: st, SigningSecret: testSigning, APIURL: e.fake.apiURL(), Logger: log,
		Home: eng, Now: e.clock,
		OAuth: &slack.OAuthConfig{ClientID: "cid", ClientSecret: testClientSecret, PublicURL: e.srv.URL, Store: e.ins}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.a.Close(context.Background()) })
	mux.Handle("POST /slack/events", e.a)
	mux.HandleFunc("GET /slack/install", e.a.ServeInstall)
	mux.HandleFunc("GET /slack/oauth_redirect", e.a.ServeRedirect)
	return e
}

var addLink = regexp.MustCompile(`id="add-to-slack" href="([^"]+)"`)

// begin opens the install page in a browser-like client (cookie jar) and
// returns the client, the state and the redirect URI of the authorize link.
func (e *multiEnv) begin() (*http.Client, string, string) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code, body := fetch(e.t, c, e.srv.URL+"/slack/install")
	m := addLink.FindStringSubmatch(body)
	if code != 200 || m == nil {
		e.t.Fatalf("install page %d without an Add to Slack link:\n%s", code, body)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		e.t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(u.String(), e.fake.srv.URL+"/oauth/v2/authorize?") || q.Get("client_id") != "cid" || q.Get("scope") != slack.BotScopes ||
		q.Get("redirect_uri") != e.srv.URL+"/slack/oauth_redirect" || len(q.Get("state")) < 32 {
		e.t.Fatalf("authorize link %s", u)
	}
	return c, q.Get("state"), q.Get("redirect_uri")
}

// install runs the whole flow for team over HTTP and returns the page.
func (e *multiEnv) install(team string) string {
	e.t.Helper()
	c, state, redirect := e.begin()
	code := e.fake.grant(team, "Team "+team, redirect)
	status, body := fetch(e.t, c, redirect+"?"+url.Values{"code": {code}, "state": {state}}.Encode())
	if status != 200 || !strings.Contains(body, "/cert help") {
		e.t.Fatalf("install of %s: %d\n%s", team, status, body)
	}
	if d := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindString(body); d != "" { // a fixed date in an example goes stale
		e.t.Errorf("install page names the date %s:\n%s", d, body)
	}
	return body
}

func fetch(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (e *multiEnv) tokenOf(team string) string {
	e.t.Helper()
	in, err := e.ins.FindInstallation(context.Background(), slack.InstallKey{TeamID: team})
	if err != nil {
		e.t.Fatalf("installation of %s: %v", team, err)
	}
	return in.BotToken
}

func (e *multiEnv) slackWire() wire.Slack {
	return wire.Slack{URL: e.srv.URL + "/slack/events", Secret: testSigning}
}

func TestSlackInstallRefusals(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	plain := &http.Client{}

	// No cookie: a state taken from someone else's install page.
	_, state, redirect := e.begin()
	code := e.fake.grant("T0EVE", "Eve", redirect)
	if status, body := fetch(t, plain, redirect+"?"+url.Values{"code": {code}, "state": {state}}.Encode()); status != http.StatusForbidden || !strings.Contains(body, "not started in this browser") {
		t.Errorf("cookie-less state: %d %s", status, body)
	}
	// Forged: the browser's cookie does not match the state.
	c, _, _ := e.begin()
	if status, _ := fetch(t, c, redirect+"?"+url.Values{"code": {code}, "state": {"forged-state-0123456789abcdefghijklmnop"}}.Encode()); status != http.StatusForbidden {
		t.Errorf("forged state: %d", status)
	}
	// Forged both ways: cookie and state agree but were never issued.
	jar, _ := cookiejar.New(nil)
	su, _ := url.Parse(e.srv.URL + "/slack/")
	jar.SetCookies(su, []*http.Cookie{{Name: "slack-app-oauth-state", Value: "never-issued", Path: "/slack/"}})
	if status, _ := fetch(t, &http.Client{Jar: jar}, redirect+"?"+url.Values{"code": {code}, "state": {"never-issued"}}.Encode()); status != http.StatusForbidden {
		t.Errorf("unissued state: %d", status)
	}
	// Expired: 10 minutes is the limit.
	c, state, _ = e.begin()
	e.advance(10*time.Minute + time.Second)
	if status, body := fetch(t, c, redirect+"?"+url.Values{"code": {code}, "state": {state}}.Encode()); status != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Errorf("expired state: %d %s", status, body)
	}
	// Cancelled on Slack's page.
	c, state, _ = e.begin()
	if status, _ := fetch(t, c, redirect+"?"+url.Values{"error": {"access_denied"}, "state": {state}}.Encode()); status != http.StatusForbidden {
		t.Errorf("access_denied: %d", status)
	}
	// A code Slack does not know.
	c, state, _ = e.begin()
	if status, body := fetch(t, c, redirect+"?"+url.Values{"code": {"made-up"}, "state": {state}}.Encode()); status != http.StatusBadRequest || !strings.Contains(body, "invalid_code") {
		t.Errorf("unknown code: %d %s", status, body)
	}
	// Reused: a completed install's redirect, replayed with its cookie.
	c, state, _ = e.begin()
	code = e.fake.grant("T0ONE", "One", redirect)
	link := redirect + "?" + url.Values{"code": {code}, "state": {state}}.Encode()
	if status, _ := fetch(t, c, link); status != 200 {
		t.Fatalf("install: %d", status)
	}
	c.Jar.SetCookies(su, []*http.Cookie{{Name: "slack-app-oauth-state", Value: state, Path: "/slack/"}})
	if status, body := fetch(t, c, link); status != http.StatusForbidden || !strings.Contains(body, "already used") {
		t.Errorf("reused state: %d %s", status, body)
	}
	for _, team := range []string{"T0EVE"} {
		if _, err := e.ins.FindInstallation(context.Background(), slack.InstallKey{TeamID: team}); !errors.Is(err, slack.ErrNotInstalled) {
			t.Errorf("refused install of %s was stored: %v", team, err)
		}
	}
	e.tokenOf("T0ONE")
}

func TestSlackEachWorkspaceItsOwnToken(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	e.install("T0TWO")
	one, two := e.tokenOf("T0ONE"), e.tokenOf("T0TWO")
	if one == two || !strings.HasPrefix(one, "xoxb-T0ONE") || !strings.HasPrefix(two, "xoxb-T0TWO") {
		t.Fatalf("tokens %q %q", one, two)
	}
	ctx := context.Background()
	sl := e.slackWire()
	res, err := sl.Command(ctx, "T0TWO", "U0BOB", "C0GEN", "help", "")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "quiz") {
		t.Fatalf("help from T0TWO: %v %d %s", err, res.Status, res.Body)
	}
	e.fake.waitCall(t, "users.info", two)
	// A scheduled send (what reminders and the question of the day use) goes
	// out with the workspace's own token, with no request to take it from.
	if err := e.a.SendDM(ctx, "T0ONE", "U0ALICE", bot.Reply{Body: "time to study"}); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.waitCall(t, "chat.postMessage", one); c.Form.Get("channel") != "D0U0ALICE" {
		t.Errorf("DM posted to %q", c.Form.Get("channel"))
	}
	if err := e.a.PostChannel(ctx, "T0TWO", "C0GEN", bot.Reply{Body: "question of the day"}); err != nil {
		t.Fatal(err)
	}
	e.fake.waitCall(t, "chat.postMessage", two)
	for _, c := range e.fake.allCalls() {
		if c.Method != "oauth.v2.access" && c.Token != one && c.Token != two {
			t.Errorf("%s called with token %q, not a workspace's", c.Method, c.Token)
		}
	}
	// Not installed: a short reply pointing at the install page.
	res, _ = sl.Command(ctx, "T0NONE", "U0X", "C0X", "help", "")
	if res.Status != 200 || !strings.Contains(string(res.Body), "not installed") || !strings.Contains(string(res.Body), e.srv.URL+"/slack/install") {
		t.Errorf("command from a workspace without installation: %d %s", res.Status, res.Body)
	}
	if err := e.a.SendDM(ctx, "T0NONE", "U0X", bot.Reply{Body: "x"}); !errors.Is(err, slack.ErrNotInstalled) {
		t.Errorf("DM to an uninstalled workspace: %v", err)
	}
}

func TestSlackTokenRotation(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, true)
	e.install("T0ONE")
	ctx := context.Background()
	first, err := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0ONE"})
	if err != nil || first.RefreshToken == "" || !first.ExpiresAt.Equal(e.clock().Add(12*time.Hour)) {
		t.Fatalf("rotating install = %+v, %v", first.ExpiresAt, err)
	}
	refreshes := func() int {
		n := 0
		for _, c := range e.fake.allCalls() {
			if c.Method == "oauth.v2.access" && c.Form.Get("grant_type") == "refresh_token" {
				n++
			}
		}
		return n
	}
	// Far from expiry: the schedule leaves it alone.
	e.advance(2 * time.Hour)
	if err := e.a.RefreshDue(ctx); err != nil || refreshes() != 0 {
		t.Fatalf("refresh 10h before expiry: %v, %d refreshes", err, refreshes())
	}
	// Within the margin: the schedule refreshes it, with the refresh token.
	e.advance(9*time.Hour + 30*time.Minute)
	if err := e.a.RefreshDue(ctx); err != nil || refreshes() != 1 {
		t.Fatalf("scheduled refresh: %v, %d refreshes", err, refreshes())
	}
	second, _ := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0ONE"})
	if second.BotToken == first.BotToken || second.RefreshToken == first.RefreshToken || !second.ExpiresAt.Equal(e.clock().Add(12*time.Hour)) {
		t.Fatalf("after refresh: same tokens or expiry %v", second.ExpiresAt)
	}
	if c := e.fake.waitCall(t, "oauth.v2.access", ""); c.Form.Get("client_id") != "cid" {
		t.Errorf("refresh form %v", c.Form)
	}
	if err := e.a.RefreshDue(ctx); err != nil || refreshes() != 1 {
		t.Errorf("second schedule run refreshed again: %d", refreshes())
	}
	// On use: a reminder due near expiry refreshes first, then sends with
	// the new token.
	e.advance(11*time.Hour + 30*time.Minute)
	if err := e.a.SendDM(ctx, "T0ONE", "U0ALICE", bot.Reply{Body: "time to study"}); err != nil {
		t.Fatal(err)
	}
	third, _ := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0ONE"})
	if refreshes() != 2 || third.BotToken == second.BotToken {
		t.Fatalf("refresh on use: %d refreshes", refreshes())
	}
	e.fake.waitCall(t, "chat.postMessage", third.BotToken)
	for _, c := range e.fake.allCalls() {
		if c.Method == "chat.postMessage" && c.Token != third.BotToken {
			t.Errorf("posted with a stale token")
		}
	}
}

func TestSlackUninstallForgetsWorkspace(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	e.install("T0TWO")
	ctx := context.Background()
	sl := e.slackWire()
	exam := time.Now().AddDate(0, 3, 0).Format(time.DateOnly) // the engine runs on the real clock
	for _, team := range []string{"T0ONE", "T0TWO"} {
		res, err := sl.Command(ctx, team, "U0ALICE", "C0GEN", "plan cissp "+exam, "")
		if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "days") {
			t.Fatalf("plan in %s: %v %s", team, err, res.Body)
		}
	}
	users := func(team string) int {
		_, err := e.store.UserByKey(ctx, storage.UserKey{Platform: "slack", Workspace: team, User: "U0ALICE"})
		if errors.Is(err, storage.ErrNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return 1
	}
	if users("T0ONE") != 1 {
		t.Fatal("no user stored for T0ONE")
	}
	// tokens_revoked first: the tokens go before the event is acknowledged.
	revoked := map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"bot": []string{"U0BOTT0ONE"}}}
	if res, err := sl.Event(ctx, "T0ONE", "Ev1", revoked); err != nil || res.Status != 200 {
		t.Fatalf("tokens_revoked: %v %d", err, res.Status)
	}
	if _, err := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0ONE"}); !errors.Is(err, slack.ErrNotInstalled) {
		t.Fatalf("after tokens_revoked: %v", err)
	}
	if res, err := sl.Event(ctx, "T0ONE", "Ev2", map[string]any{"type": "app_uninstalled"}); err != nil || res.Status != 200 {
		t.Fatalf("app_uninstalled: %v %d", err, res.Status)
	}
	waitFor(t, func() bool { return users("T0ONE") == 0 }, "T0ONE's data deleted")
	if users("T0TWO") != 1 {
		t.Error("T0TWO's data deleted with T0ONE's")
	}
	res, _ := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "progress", "")
	if !strings.Contains(string(res.Body), "not installed") {
		t.Errorf("command after uninstall: %s", res.Body)
	}
	// The other order: app_uninstalled first, tokens_revoked after.
	if res, _ := sl.Event(ctx, "T0TWO", "Ev3", map[string]any{"type": "app_uninstalled"}); res.Status != 200 {
		t.Fatalf("app_uninstalled: %d", res.Status)
	}
	if _, err := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0TWO"}); !errors.Is(err, slack.ErrNotInstalled) {
		t.Fatalf("after app_uninstalled: %v", err)
	}
	if res, _ := sl.Event(ctx, "T0TWO", "Ev4", revoked); res.Status != 200 {
		t.Fatalf("late tokens_revoked: %d", res.Status)
	}
	waitFor(t, func() bool { return users("T0TWO") == 0 }, "T0TWO's data deleted")
	// Reinstalling works again.
	e.install("T0ONE")
	if res, _ := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "help", ""); strings.Contains(string(res.Body), "not installed") {
		t.Error("reinstalled workspace still refused")
	}
}

// TestSlackUninstallDeletesChartFiles: app_uninstalled deletes the chart
// files uploaded in the workspace with its token (taken before the tokens
// are deleted), then their records go with the workspace's data. After
// tokens_revoked there is no token left to do it with.
func TestSlackUninstallDeletesChartFiles(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	ctx := context.Background()
	sl := e.slackWire()
	charted := func(team string) string {
		t.Helper()
		e.install(team)
		exam := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
		if res, err := sl.Command(ctx, team, "U0ALICE", "C0GEN", "plan cissp "+exam, ""); err != nil || res.Status != 200 {
			t.Fatalf("plan in %s: %v %d", team, err, res.Status)
		}
		tok := e.tokenOf(team)
		if res, err := sl.Command(ctx, team, "U0ALICE", "C0GEN", "progress", newHookSink(t)); err != nil || res.Status != 200 {
			t.Fatalf("progress in %s: %v %d", team, err, res.Status)
		}
		e.fake.waitCall(t, "files.completeUploadExternal", tok)
		return tok
	}
	files := func(team string) int {
		ids, err := e.store.WorkspacePlatformFiles(ctx, "slack", team)
		if err != nil {
			t.Fatal(err)
		}
		return len(ids)
	}
	one := charted("T0ONE")
	waitFor(t, func() bool { return files("T0ONE") == 1 }, "T0ONE's chart recorded")
	if res, err := sl.Event(ctx, "T0ONE", "Ev1", map[string]any{"type": "app_uninstalled"}); err != nil || res.Status != 200 {
		t.Fatalf("app_uninstalled: %v %d", err, res.Status)
	}
	if c := e.fake.waitCall(t, "files.delete", one); c.Form.Get("file") != "F0CHART" {
		t.Errorf("files.delete for %q, want F0CHART", c.Form.Get("file"))
	}
	if n := files("T0ONE"); n != 0 {
		t.Errorf("%d file records left after the uninstall", n)
	}

	two := charted("T0TWO")
	// The record is written after the upload answers; one written after
	// the uninstall finds no user and deletes the file again, with the
	// token taken before it was revoked.
	waitFor(t, func() bool { return files("T0TWO") == 1 }, "T0TWO's chart recorded")
	revoked := map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"bot": []string{"U0BOTT0TWO"}}}
	if res, _ := sl.Event(ctx, "T0TWO", "Ev2", revoked); res.Status != 200 {
		t.Fatalf("tokens_revoked: %d", res.Status)
	}
	if res, _ := sl.Event(ctx, "T0TWO", "Ev3", map[string]any{"type": "app_uninstalled"}); res.Status != 200 {
		t.Fatalf("app_uninstalled: %d", res.Status)
	}
	waitFor(t, func() bool { return files("T0TWO") == 0 }, "T0TWO's data deleted")
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range e.fake.allCalls() {
		if c.Method == "files.delete" && c.Token == two {
			t.Errorf("files.delete with a revoked token")
		}
	}
}

func TestSlackTokensNotInDatabaseOrLogs(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, true)
	e.install("T0ONE")
	e.install("T0TWO")
	e.advance(11*time.Hour + 30*time.Minute)
	if err := e.a.RefreshDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	tokens := e.fake.issuedTokens()
	if len(tokens) < 8 {
		t.Fatalf("only %d tokens issued", len(tokens))
	}
	e.store.Close()
	assertNoTokens(t, tokens, e.dbPath, e.logs.String())
}

// assertNoTokens checks the database files (main, WAL) and the log text
// hold none of the tokens, nor a tell-tale part of one.
func assertNoTokens(t *testing.T, tokens []string, dbPath, logs string) {
	t.Helper()
	var files [][]byte
	for _, p := range []string{dbPath, dbPath + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if len(files[0]) == 0 {
		t.Fatal("empty database file")
	}
	if !bytes.Contains(files[0], []byte("slack_installations")) {
		t.Fatal("database file has no installations table: wrong file?")
	}
	for _, tok := range append(tokens, testClientSecret) {
		for i, f := range files {
			if bytes.Contains(f, []byte(tok)) {
				t.Errorf("token %s… in database file %d", tok[:8], i)
			}
		}
		if strings.Contains(logs, tok) {
			t.Errorf("token %s… in the logs", tok[:8])
		}
	}
	if strings.Contains(logs, "xoxb-") || strings.Contains(logs, "xoxe-1-") {
		t.Error("a Slack token prefix followed by text in the logs")
	}
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeRefusesMultiWorkspaceWithoutKey(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"PATH=" + os.Getenv("PATH"), "CERTCOACH_ADDR=127.0.0.1:0", "CERTCOACH_DB=" + filepath.Join(t.TempDir(), "c.db"),
		"SLACK_CLIENT_ID=cid", "SLACK_CLIENT_SECRET=" + testClientSecret, "SLACK_SIGNING_SECRET=" + testSigning,
		"CERTCOACH_PUBLIC_URL=https://certcoach.example.com"}
	for _, c := range []struct{ name, env, want string }{
		{"no key", "", "CERTCOACH_TOKEN_KEY"},
		{"short key", "CERTCOACH_TOKEN_KEY=abcd", "64 hex digits"},
		{"short old key", "CERTCOACH_TOKEN_KEY=" + testTokenKey + " CERTCOACH_TOKEN_KEY_OLD=abcd", "CERTCOACH_TOKEN_KEY_OLD: token key must be 32 bytes"},
	} {
		cmd := exec.Command(bin, "serve")
		cmd.Dir = t.TempDir()
		cmd.Env = append(append([]string{"HOME=" + cmd.Dir}, base...), strings.Fields(c.env)...)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 || !strings.Contains(string(out), c.want) {
			t.Errorf("%s: serve exited with %v:\n%s", c.name, err, out)
		}
		if strings.Contains(string(out), testClientSecret) {
			t.Errorf("%s: client secret in the output", c.name)
		}
	}
}

// An Enterprise Grid org-wide install: keyed by the enterprise, used for
// commands and events from any of the org's workspaces, and the org is one
// certcoach workspace.
func TestSlackEnterpriseOrgInstall(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	c, state, redirect := e.begin()
	code := e.fake.grantOrg("E0ORG", "Big Org", redirect)
	if status, body := fetch(t, c, redirect+"?"+url.Values{"code": {code}, "state": {state}}.Encode()); status != 200 || !strings.Contains(body, "Big Org") {
		t.Fatalf("org install: %d\n%s", status, body)
	}
	ctx := context.Background()
	in, err := e.ins.FindInstallation(ctx, slack.InstallKey{EnterpriseID: "E0ORG", OrgWide: true})
	if err != nil || in.TeamID != "" || !in.OrgWide {
		t.Fatalf("org installation %+v, %v", in, err)
	}
	if _, err := e.ins.FindInstallation(ctx, slack.InstallKey{TeamID: "T0WS1"}); !errors.Is(err, slack.ErrNotInstalled) {
		t.Errorf("a workspace of the org found as a team install: %v", err)
	}
	sl := e.slackWire()
	for _, team := range []string{"T0WS1", "T0WS2"} {
		res, err := sl.Post(ctx, url.Values{"team_id": {team}, "enterprise_id": {"E0ORG"}, "is_enterprise_install": {"true"},
			"channel_id": {"C0GEN"}, "user_id": {"W0ALICE"}, "user_name": {"alice"}, "command": {"/cert"}, "text": {"progress"}})
		if err != nil || res.Status != 200 || strings.Contains(string(res.Body), "not installed") {
			t.Fatalf("command from %s of the org: %v %s", team, err, res.Body)
		}
	}
	e.fake.waitCall(t, "users.info", in.BotToken)
	if _, err := e.store.UserByKey(ctx, storage.UserKey{Platform: "slack", Workspace: "E0ORG", User: "W0ALICE"}); err != nil {
		t.Errorf("org user not stored under the enterprise: %v", err)
	}
	// Events name the org install in their authorizations.
	body := map[string]any{"type": "app_home_opened", "user": "W0ALICE", "tab": "home"}
	res, err := postEvent(ctx, sl, map[string]any{"type": "event_callback", "team_id": "T0WS1", "enterprise_id": "E0ORG", "event_id": "EvOrg1",
		"authorizations": []map[string]any{{"enterprise_id": "E0ORG", "team_id": nil, "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": true}},
		"event":          body})
	if err != nil || res.Status != 200 {
		t.Fatalf("org event: %v %d", err, res.Status)
	}
	e.fake.waitCall(t, "views.publish", in.BotToken)
	res, _ = postEvent(ctx, sl, map[string]any{"type": "event_callback", "team_id": "T0WS1", "enterprise_id": "E0ORG", "event_id": "EvOrg2",
		"authorizations": []map[string]any{{"enterprise_id": "E0ORG", "is_enterprise_install": true}},
		"event":          map[string]any{"type": "app_uninstalled"}})
	if res.Status != 200 {
		t.Fatalf("org uninstall: %d", res.Status)
	}
	if _, err := e.ins.FindInstallation(ctx, slack.InstallKey{EnterpriseID: "E0ORG", OrgWide: true}); !errors.Is(err, slack.ErrNotInstalled) {
		t.Errorf("org install survived app_uninstalled: %v", err)
	}
	waitFor(t, func() bool {
		_, err := e.store.UserByKey(ctx, storage.UserKey{Platform: "slack", Workspace: "E0ORG", User: "W0ALICE"})
		return errors.Is(err, storage.ErrNotFound)
	}, "org data deleted")
}

// postEvent signs and posts a whole Events API envelope.
func postEvent(ctx context.Context, sl wire.Slack, envelope map[string]any) (wire.Response, error) {
	b, err := json.Marshal(envelope)
	if err != nil {
		return wire.Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sl.URL, bytes.NewReader(b))
	if err != nil {
		return wire.Response{}, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", wire.SignSlack(sl.Secret, ts, b))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return wire.Response{}, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return wire.Response{Status: res.StatusCode, Body: body}, nil
}

type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *setClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *setClock) Ticks(time.Duration) (<-chan time.Time, func()) {
	return make(chan time.Time), func() {}
}

// The reminder scheduler, with no request to take a token from, sends each
// workspace's reminder and question of the day with that workspace's token.
func TestSlackScheduledSendsUseTheirWorkspaceToken(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	e.install("T0TWO")
	one, two := e.tokenOf("T0ONE"), e.tokenOf("T0TWO")
	ctx := context.Background()
	sl := e.slackWire()
	if res, _ := sl.Command(ctx, "T0ONE", "U0ALICE", "C0ONE", "remind 07:30 UTC", ""); !strings.Contains(string(res.Body), "07:30") {
		t.Fatalf("remind: %s", res.Body)
	}
	if res, _ := sl.Command(ctx, "T0TWO", "U0ADMIN", "C0TWO", "group daily 09:00 UTC", ""); !strings.Contains(string(res.Body), "09:00") {
		t.Fatalf("group daily: %s", res.Body)
	}
	clk := &setClock{}
	s := remind.New(remind.Deps{Engine: e.eng, Store: e.store, KB: e.kb}, map[string]remind.Notifier{bot.PlatformSlack: e.a},
		remind.Options{Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	for _, r := range []struct{ kind, team, target, token string }{
		{storage.ReminderUser, "T0ONE", "U0ALICE", one}, {storage.ReminderChannel, "T0TWO", "C0TWO", two},
	} {
		rem, err := e.store.ReminderFor(ctx, r.kind, bot.PlatformSlack, r.team, r.target)
		if err != nil {
			t.Fatalf("%s reminder of %s: %v", r.kind, r.team, err)
		}
		clk.Set(rem.NextFire)
		from := len(e.fake.allCalls()) // past the DM that setting the reminder sent
		if _, err := s.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		channel := r.target
		if r.kind == storage.ReminderUser {
			channel = "D0" + r.target
		}
		var sent []fakeCall
		for _, c := range e.fake.allCalls()[from:] {
			if c.Method == "chat.postMessage" && c.Form.Get("channel") == channel {
				sent = append(sent, c)
			}
		}
		if len(sent) != 1 || sent[0].Token != r.token {
			t.Errorf("%s of %s: %d posts to %s, token ok: %v", r.kind, r.team, len(sent), channel, len(sent) == 1 && sent[0].Token == r.token)
		}
	}
}

// TestSlackUninstallRetriedWhenDataStays: app_uninstalled deletes the
// workspace's data before it is acknowledged, so a store failure (here a
// SQLite trigger refusing the delete) answers 5xx and Slack's redelivery
// deletes it; acknowledged first, the data would have stayed for good.
func TestSlackUninstallRetriedWhenDataStays(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	ctx := context.Background()
	sl := e.slackWire()
	exam := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	if res, err := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "plan cissp "+exam, ""); err != nil || res.Status != 200 {
		t.Fatalf("plan: %v %v", err, res)
	}
	stored := func() bool {
		_, err := e.store.UserByKey(ctx, storage.UserKey{Platform: "slack", Workspace: "T0ONE", User: "U0ALICE"})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	raw, err := sql.Open("sqlite", e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER refuse_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	res, err := sl.Event(ctx, "T0ONE", "EvU1", map[string]any{"type": "app_uninstalled"})
	if err != nil || res.Status < 500 {
		t.Fatalf("app_uninstalled with the delete failing: %v %d, want 5xx", err, res.Status)
	}
	if !stored() {
		t.Fatal("user gone although the delete failed")
	}
	if _, err := raw.Exec(`DROP TRIGGER refuse_delete`); err != nil {
		t.Fatal(err)
	}
	// Slack's retry of the same event.
	if res, err := sl.Event(ctx, "T0ONE", "EvU1", map[string]any{"type": "app_uninstalled"}); err != nil || res.Status != 200 {
		t.Fatalf("redelivered app_uninstalled: %v %d", err, res.Status)
	}
	if stored() {
		t.Error("user still stored after the acknowledged uninstall")
	}
}

// TestSlackInstallPageNamesPermissions: the install page says what each
// permission asked for is used for, users:read and files:write included.
func TestSlackInstallPageNamesPermissions(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	resp, err := http.Get(e.srv.URL + "/slack/install")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"<code>/cert</code>", "direct messages", "time zone", "workspace admin", "chart images"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("install page does not mention %q", want)
		}
	}
}
