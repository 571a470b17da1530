// Package wire speaks the Slack and Discord HTTP wire formats the way the
// platforms do: signed slash commands, block_actions payloads and Ed25519
// signed interactions. Tests and the proof tools (cmd/crashtest, cmd/soak)
// use it to drive a running certcoach from outside, so they depend on the
// public contract only, never on the adapters' internals.
package wire

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Response is what came back: status and body.
type Response struct {
	Status int
	Body   []byte
}

// Slack posts to a certcoach /slack/events endpoint, signed as Slack signs.
type Slack struct {
	URL    string // e.g. http://127.0.0.1:8080/slack/events
	Secret string // SLACK_SIGNING_SECRET
	Client *http.Client
}

// SignSlack is Slack's v0 signature of body sent at ts.
func SignSlack(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:", ts)
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// Post sends a signed form body.
func (s Slack) Post(ctx context.Context, form url.Values) (Response, error) {
	body := []byte(form.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", SignSlack(s.Secret, ts, body))
	return do(s.client(), req)
}

func (s Slack) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return http.DefaultClient
}

// Command sends a /cert slash command.
func (s Slack) Command(ctx context.Context, team, user, channel, text, responseURL string) (Response, error) {
	return s.Post(ctx, url.Values{
		"token": {"unused"}, "team_id": {team}, "team_domain": {"t"}, "channel_id": {channel},
		"channel_name": {"general"}, "user_id": {user}, "user_name": {user}, "command": {"/cert"},
		"text": {text}, "response_url": {responseURL}, "trigger_id": {"1.2.3"},
	})
}

// Action sends a block_actions click on a button with actionID.
func (s Slack) Action(ctx context.Context, team, user, channel, actionID, responseURL string) (Response, error) {
	payload, err := json.Marshal(map[string]any{
		"type":         "block_actions",
		"team":         map[string]string{"id": team, "domain": "t"},
		"user":         map[string]string{"id": user, "name": user, "team_id": team},
		"channel":      map[string]string{"id": channel, "name": "general"},
		"container":    map[string]any{"type": "message", "channel_id": channel, "is_ephemeral": true},
		"response_url": responseURL,
		"trigger_id":   "1.2.3",
		"actions": []map[string]string{{
			"type": "button", "action_id": actionID, "block_id": "b", "value": actionID,
			"action_ts": strconv.FormatInt(time.Now().Unix(), 10),
		}},
	})
	if err != nil {
		return Response{}, err
	}
	return s.Post(ctx, url.Values{"payload": {string(payload)}})
}

// Discord posts interactions to a certcoach /discord/interactions endpoint,
// signed with the application's Ed25519 key.
type Discord struct {
	URL    string
	Key    ed25519.PrivateKey
	AppID  string
	Client *http.Client
	seq    *atomic.Uint64 // shared with copies made by At
	prefix string
}

// NewDiscord returns a client; prefix keeps interaction IDs unique across
// runs against the same database (the adapter refuses a replayed ID).
func NewDiscord(endpoint string, key ed25519.PrivateKey, prefix string) *Discord {
	return &Discord{URL: endpoint, Key: key, AppID: "100000000000000001", prefix: prefix, seq: new(atomic.Uint64)}
}

// At is the same client (the same IDs, never repeated) aimed at another
// endpoint: another replica behind the same load balancer.
func (d *Discord) At(endpoint string) *Discord {
	c := *d
	c.URL = endpoint
	return &c
}

// Post sends one signed interaction.
func (d *Discord) Post(ctx context.Context, interaction map[string]any) (Response, error) {
	body, err := json.Marshal(interaction)
	if err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(d.Key, append([]byte(ts), body...))))
	c := d.Client
	if c == nil {
		c = http.DefaultClient
	}
	return do(c, req)
}

// NextID is a fresh interaction ID.
func (d *Discord) NextID() string { return fmt.Sprintf("%s%d", d.prefix, d.seq.Add(1)) }

func (d *Discord) base(typ int, guild, user, token string) map[string]any {
	return map[string]any{
		"id": d.NextID(), "application_id": d.AppID, "type": typ, "token": token, "version": 1,
		"guild_id": guild, "channel_id": "300000000000000001",
		"member": map[string]any{"user": map[string]any{"id": user, "username": "u" + user}, "nick": "", "permissions": "0"},
	}
}

// Command sends /cert <sub> with string options (name -> value).
func (d *Discord) Command(ctx context.Context, guild, user, token, sub string, opts map[string]string) (Response, error) {
	var o []map[string]any
	for k, v := range opts {
		o = append(o, map[string]any{"name": k, "type": 3, "value": v})
	}
	i := d.base(2, guild, user, token)
	i["data"] = map[string]any{"id": "200000000000000001", "name": "cert", "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": o}}}
	return d.Post(ctx, i)
}

// Button sends a click on a button with customID.
func (d *Discord) Button(ctx context.Context, guild, user, token, customID string) (Response, error) {
	i := d.base(3, guild, user, token)
	i["data"] = map[string]any{"custom_id": customID, "component_type": 2}
	i["message"] = map[string]any{"id": "400000000000000001", "channel_id": "300000000000000001"}
	return d.Post(ctx, i)
}

func do(c *http.Client, req *http.Request) (Response, error) {
	res, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return Response{Status: res.StatusCode}, fmt.Errorf("read response: %w", err)
	}
	return Response{Status: res.StatusCode, Body: b}, nil
}

// ActionIDs lists every button ID in a Slack or Discord reply (action_id,
// value, custom_id); map keys make the order unspecified.
func ActionIDs(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range []string{"action_id", "custom_id", "value"} {
				if s, ok := t[k].(string); ok && strings.Contains(s, ":") {
					out = append(out, s)
				}
			}
			for k, c := range t {
				if k != "action_id" && k != "custom_id" && k != "value" {
					walk(c)
				}
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// QuizButton finds the answer button for choice in a reply:
// "quiz:answer:<session>:<pos>:<choice>", split into session and position.
func QuizButton(body []byte, choice int) (id, session string, pos int, ok bool) {
	for _, a := range ActionIDs(body) {
		p := strings.Split(a, ":")
		if len(p) == 5 && p[0] == "quiz" && p[1] == "answer" && p[4] == strconv.Itoa(choice) {
			n, err := strconv.Atoi(p[3])
			if err == nil {
				return a, p[2], n, true
			}
		}
	}
	return "", "", 0, false
}
