package budget

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage/sqlite"
)

func TestRules(t *testing.T) {
	req := func(method, u, auth, body string) (*http.Request, []byte) {
		r := httptest.NewRequest(method, u, strings.NewReader(body))
		if auth != "" {
			r.Header.Set("Authorization", "Bearer "+auth)
		}
		return r, []byte(body)
	}
	for _, c := range []struct {
		name  string
		rule  Rule
		u     string
		auth  string
		body  string
		wants string // the budget's name prefix; "" for none
	}{
		{"discord message", Discord(0), "https://discord.com/api/v9/channels/1/messages", "", "", "discord:global"},
		{"discord DM channel", Discord(0), "https://discord.com/api/v9/users/@me/channels", "", "", "discord:global"},
		{"discord interaction callback", Discord(0), "https://discord.com/api/v9/interactions/1/tok/callback", "", "", ""},
		{"discord webhook edit", Discord(0), "https://discord.com/api/v9/webhooks/1/tok/messages/@original", "", "", ""},
		{"slack post", Slack, "https://slack.com/api/chat.postMessage", "xoxb-1", "channel=D42&text=hi", "slack:"},
		{"slack open", Slack, "https://slack.com/api/conversations.open", "xoxb-1", "users=U1", "slack:"},
		{"slack response_url", Slack, "https://hooks.slack.com/commands/T1/99/abc", "", `{"text":"x"}`, ""},
	} {
		r, body := req("POST", c.u, c.auth, c.body)
		ls := c.rule(r, body)
		switch {
		case c.wants == "" && len(ls) != 0:
			t.Errorf("%s: budgets %+v, want none", c.name, ls)
		case c.wants != "" && (len(ls) != 1 || !strings.HasPrefix(ls[0].Name, c.wants)):
			t.Errorf("%s: budgets %+v, want one named %s...", c.name, ls, c.wants)
		}
	}
	a, ab := req("POST", "https://slack.com/api/chat.postMessage", "xoxb-A", "channel=D1")
	b, bb := req("POST", "https://slack.com/api/chat.postMessage", "xoxb-B", "channel=D1")
	c, cb := req("POST", "https://slack.com/api/chat.postMessage", "xoxb-A", "channel=D2")
	na, nb, nc := Slack(a, ab)[0].Name, Slack(b, bb)[0].Name, Slack(c, cb)[0].Name
	if na == nb || na == nc || strings.Contains(na, "xoxb") {
		t.Errorf("budget names %q %q %q: want one per workspace and channel, without the token", na, nb, nc)
	}
}

// TestTransportSpendsSharedBudget: requests through two transports (two
// replicas) on one database take consecutive slots of one budget, bodies
// arrive intact, and calls outside the budget take none.
func TestTransportSpendsSharedBudget(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	var stores []*sqlite.Store
	for range 2 {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	var got atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("channel") != "D9" {
			t.Errorf("body lost on the way: %v %v", err, r.PostForm)
		}
		got.Add(1)
	}))
	defer srv.Close()
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC) // a stopped clock: slots are exact
	rule := func(r *http.Request, body []byte) []Limit {
		if strings.Contains(r.URL.Path, "free") {
			return nil
		}
		return []Limit{{Name: "test", Interval: 5 * time.Millisecond, Burst: 1}}
	}
	var clients []*http.Client
	for _, st := range stores {
		tr := Transport(st, rule, nil).(*transport)
		tr.now = func() time.Time { return now }
		clients = append(clients, &http.Client{Transport: tr})
	}
	for i := range 4 {
		path := "/api/x"
		if i == 2 {
			path = "/free"
		}
		res, err := clients[i%2].PostForm(srv.URL+path, url.Values{"channel": {"D9"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if got.Load() != 4 {
		t.Fatalf("%d requests arrived, want 4", got.Load())
	}
	next, err := stores[0].Reserve(ctx, "test", 5*time.Millisecond, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if d := next.Sub(now); d != 15*time.Millisecond {
		t.Fatalf("next slot at +%v, want +15ms (three budgeted requests took the first three)", d)
	}
}
