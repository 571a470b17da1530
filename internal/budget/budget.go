// Package budget keeps the platforms' rate limits as budgets shared by
// every replica: an http.RoundTripper that, before each REST call, reserves
// the call's slot in the database (one statement on one row per budget, see
// the stores' Reserve) and waits for it. N replicas together then send at
// the platform's rate instead of N times it, and a backlog drains at that
// rate without a storm of 429s. docs/replicas.md says why a shared budget
// rather than a split by replica count.
package budget

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Reserver hands out slots of named budgets (the stores implement it).
type Reserver interface {
	Reserve(ctx context.Context, name string, interval time.Duration, burst int, now time.Time) (time.Time, error)
}

// Limit is one budget: a request every Interval, bursts of Burst.
type Limit struct {
	Name     string
	Interval time.Duration
	Burst    int
}

// Rule maps a request (and its body, read for the rule) to its budgets;
// none: it goes at once.
type Rule func(r *http.Request, body []byte) []Limit

// Transport returns a RoundTripper that waits for each request's budgets
// before sending it through next.
func Transport(store Reserver, rule Rule, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{store: store, rule: rule, next: next, now: time.Now}
}

type transport struct {
	store Reserver
	rule  Rule
	next  http.RoundTripper
	now   func() time.Time
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("rate budget: read request: %w", err)
		}
		body = b
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	for _, l := range t.rule(r, body) {
		at, err := t.store.Reserve(r.Context(), l.Name, l.Interval, l.Burst, t.now())
		if err != nil {
			return nil, fmt.Errorf("rate budget: %w", err)
		}
		if d := at.Sub(t.now()); d > 0 {
			timer := time.NewTimer(d)
			select {
			case <-r.Context().Done():
				timer.Stop()
				return nil, fmt.Errorf("rate budget %s: %w", l.Name, r.Context().Err())
			case <-timer.C:
			}
		}
	}
	return t.next.RoundTrip(r)
}

// DiscordGlobalRate is the default rate of the shared Discord budget: a
// little under the 50 requests/s Discord allows a bot across all its
// processes, so that timing jitter between replicas never tips it over.
const DiscordGlobalRate = 48

// Discord budgets every REST call of the bot against its global limit at
// perSecond requests a second (Discord raises the limit for large bots on
// request), except interaction callbacks and webhooks, which Discord does
// not count against it.
func Discord(perSecond int) Rule {
	if perSecond <= 0 {
		perSecond = DiscordGlobalRate
	}
	l := Limit{Name: "discord:global", Interval: time.Second / time.Duration(perSecond), Burst: 1}
	return func(r *http.Request, _ []byte) []Limit {
		p := r.URL.Path
		if strings.Contains(p, "/interactions/") || strings.Contains(p, "/webhooks/") {
			return nil
		}
		return []Limit{l}
	}
}

// Slack's documented tiers, per method and workspace (a token).
var (
	slackTier2 = Limit{Interval: time.Minute / 20, Burst: 20}
	slackTier3 = Limit{Interval: time.Minute / 50, Burst: 50}
	slackTier4 = Limit{Interval: time.Minute / 100, Burst: 100}
	// chat.postMessage: about one message a second per channel, short bursts allowed.
	slackPerChannel = Limit{Interval: time.Second, Burst: 5}
)

var slackTiers = map[string]Limit{
	"auth.test": slackTier4, "users.info": slackTier4, "chat.postEphemeral": slackTier4, "views.publish": slackTier4,
	"conversations.open": slackTier3, "chat.update": slackTier3, "conversations.info": slackTier3,
	"files.getUploadURLExternal": slackTier4, "files.completeUploadExternal": slackTier4, "files.delete": slackTier3,
	"oauth.v2.access": slackTier4, "users.list": slackTier2,
}

// Slack budgets Web API calls by method and workspace, and
// chat.postMessage also by channel. response_url posts and anything else
// outside /api/ go at once.
func Slack(r *http.Request, body []byte) []Limit {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	if !strings.Contains(method, ".") { // not a Web API method: a response_url
		return nil
	}
	ws := workspaceOf(r)
	if method == "chat.postMessage" {
		l := slackPerChannel
		l.Name = "slack:" + ws + ":chat.postMessage:" + channelOf(body)
		return []Limit{l}
	}
	l, ok := slackTiers[method]
	if !ok {
		l = slackTier3
	}
	l.Name = "slack:" + ws + ":" + method
	return []Limit{l}
}

// workspaceOf names a request's workspace by a hash of its token (the
// token itself never reaches the database).
func workspaceOf(r *http.Request) string {
	h := sha256.Sum256([]byte(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
	return hex.EncodeToString(h[:6])
}

// channelOf reads the channel of a form-encoded request body.
func channelOf(body []byte) string {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return v.Get("channel")
}
