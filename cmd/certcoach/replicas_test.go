package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/wire"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
)

func TestConfigStringHidesDatabasePassword(t *testing.T) {
	t.Parallel()
	c := Config{DB: "postgres://certcoach:db-SECRET-pw-4411@db.internal:5432/certcoach?sslmode=require", Addr: ":8080"}
	s := c.String()
	if strings.Contains(s, "db-SECRET-pw-4411") {
		t.Fatalf("the password is in %q", s)
	}
	if !strings.Contains(s, "db=postgres://certcoach:redacted@db.internal:5432/certcoach") {
		t.Fatalf("the database is not named in %q", s)
	}
	if got := (Config{DB: "./certcoach.db"}).String(); !strings.Contains(got, "db=./certcoach.db ") {
		t.Fatalf("a file path is not logged as is: %q", got)
	}
}

// fakeSlackAuth answers auth.test, so that a replica's Slack readiness passes.
func fakeSlackAuth(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			_, _ = w.Write([]byte(`{"ok":true,"user_id":"UBOT","team_id":"T1","user":"certcoach","team":"T"}`))
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// responseURLs records what replicas post to Slack response_urls.
type responseURLs struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []string
	kick chan struct{}
}

func newResponseURLs(t *testing.T) *responseURLs {
	r := &responseURLs{kick: make(chan struct{}, 16)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, string(b))
		r.mu.Unlock()
		r.kick <- struct{}{}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// next waits for the next post (bounded: a missing post fails the test).
func (r *responseURLs) next(t *testing.T) string {
	t.Helper()
	select {
	case <-r.kick:
	case <-time.After(20 * time.Second):
		t.Fatal("no post to the response_url")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

// TestServeTwoReplicasOnPostgres: two `certcoach serve` on one postgres://
// URL both become ready and share state: a quiz started through one is
// answered through the other, the second click is refused whichever
// replica gets it, a Discord interaction replayed to the other replica is
// refused, and neither logs the database password.
func TestServeTwoReplicasOnPostgres(t *testing.T) {
	t.Parallel() // its own processes, temp dirs, ports and database
	db := pgtest.NewDatabase(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	const password = "db-SECRET-pw-93b1" // trust auth on the test server ignores it
	u.User = url.UserPassword(u.User.Username(), password)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"CERTCOACH_DB=" + u.String(), "CERTCOACH_LOG_LEVEL=debug", "SLACK_SIGNING_SECRET=slack-signing-secret-x",
		"SLACK_BOT_TOKEN=xoxb-test-token", "SLACK_API_URL=" + fakeSlackAuth(t), "DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub),
		"CERTCOACH_RATE_LIMIT=0", "CERTCOACH_WORKSPACE_RATE_LIMIT=0"}
	a := startServer(t, env)
	b := startServer(t, env)
	for _, s := range []*server{a, b} {
		ready := false
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if code, _ := get(t, s.base+"/readyz"); code == 200 {
				ready = true
				break
			}
		}
		if !ready {
			_, body := get(t, s.base+"/readyz")
			t.Fatalf("replica %s not ready: %s\n%s", s.base, body, s.logs())
		}
	}

	ctx := context.Background()
	sa := wire.Slack{URL: a.base + "/slack/events", Secret: "slack-signing-secret-x"}
	sb := wire.Slack{URL: b.base + "/slack/events", Secret: "slack-signing-secret-x"}
	res, err := sa.Command(ctx, "T1", "U1", "C1", "quiz cism 3", "")
	if err != nil || res.Status != 200 {
		t.Fatalf("quiz on replica A: %v %d %s", err, res.Status, res.Body)
	}
	id, _, _, ok := wire.QuizButton(res.Body, 1)
	if !ok {
		t.Fatalf("no answer button in %s", res.Body)
	}
	posts := newResponseURLs(t)
	if res, err := sb.Action(ctx, "T1", "U1", "C1", id, posts.srv.URL); err != nil || res.Status != 200 {
		t.Fatalf("answer on replica B: %v %d", err, res.Status)
	}
	if p := posts.next(t); !strings.Contains(p, "You chose *B)*") {
		t.Fatalf("replica B did not take the answer to replica A's quiz: %s", p)
	}
	if res, err := sa.Action(ctx, "T1", "U1", "C1", id, posts.srv.URL); err != nil || res.Status != 200 {
		t.Fatalf("second click on replica A: %v %d", err, res.Status)
	}
	if p := posts.next(t); !strings.Contains(p, "already") {
		t.Fatalf("the second click was not refused on replica A: %s", p)
	}

	da := wire.NewDiscord(a.base+"/discord/interactions", priv, "8")
	interaction := map[string]any{"id": "800000000000000001", "application_id": "1", "type": 2, "token": "tok", "version": 1,
		"guild_id": "500000000000000001", "channel_id": "1", "member": map[string]any{"user": map[string]any{"id": "600000000000000001", "username": "u"}},
		"data": map[string]any{"name": "cert", "type": 1, "options": []map[string]any{{"name": "quiz", "type": 1,
			"options": []map[string]any{{"name": "cert", "type": 3, "value": "cism"}}}}}}
	if res, err := da.Post(ctx, interaction); err != nil || res.Status != 200 {
		t.Fatalf("discord on replica A: %v %d %s", err, res.Status, res.Body)
	}
	db2 := wire.NewDiscord(b.base+"/discord/interactions", priv, "8")
	if res, err := db2.Post(ctx, interaction); err != nil || res.Status != http.StatusConflict {
		t.Fatalf("replay on replica B: %v %d %s, want 409", err, res.Status, res.Body)
	}

	for _, s := range []*server{a, b} {
		if code := s.stop(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM", code)
		}
		if logs := s.logs(); strings.Contains(logs, password) {
			t.Errorf("the database password is in the log:\n%s", logs)
		}
	}
}

func TestBackupOnPostgresSaysPgDump(t *testing.T) {
	err := backup(context.Background(), Config{DB: "postgres://u:pw-SECRET-77@127.0.0.1:1/x"}, "/tmp/never-written.db", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error(), "pw-SECRET-77") {
		t.Fatalf("backup of a PostgreSQL database: %v", err)
	}
}
