package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSlack is a loopback Slack: the OAuth authorize page a browser is sent
// to, oauth.v2.access (code exchange and refresh), and the Web API methods
// certcoach calls, each recorded with the token it was called with.
type fakeSlack struct {
	srv    *httptest.Server
	secret string // the client secret it expects

	mu       sync.Mutex
	calls    []fakeCall
	codes    map[string]fakeGrant // code -> who granted it
	refresh  map[string]string    // refresh token -> team
	orgs     map[string]bool      // codes and refresh tokens of org-wide installs
	issued   int
	tokens   []string // every token handed out, to look for in files and logs
	rotating bool     // installs get refresh tokens that expire
	notify   chan struct{}

	// Files as Slack stores them: each upload is a new file (the first
	// F0CHART, then F0CHART2, ...), pending until completed, and
	// files.delete removes one; failDelete makes it answer internal_error.
	uploads    int
	pending    map[string]bool
	files      map[string]bool
	failDelete bool
}

type fakeCall struct {
	Method string
	Token  string
	Form   url.Values
	Body   []byte
}

type fakeGrant struct{ team, name, redirect string }

func newFakeSlack(t *testing.T, clientSecret string) *fakeSlack {
	t.Helper()
	f := &fakeSlack{secret: clientSecret, codes: map[string]fakeGrant{}, refresh: map[string]string{}, orgs: map[string]bool{}, notify: make(chan struct{}, 1000),
		pending: map[string]bool{}, files: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/v2/authorize", f.authorize)
	mux.HandleFunc("GET /oauth/v2/allow", f.allow)
	mux.HandleFunc("POST /api/{method}", f.api)
	mux.HandleFunc("POST /upload/{file}", f.upload)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

var authorizePage = template.Must(template.New("a").Parse(`<!doctype html><html><head><title>Fake Slack: authorize</title></head><body>
<h1>Install {{.App}} in Second Workspace?</h1><p>Scopes: {{.Scope}}</p>
<form method="get" action="/oauth/v2/allow">
<input type="hidden" name="state" value="{{.State}}"><input type="hidden" name="redirect_uri" value="{{.Redirect}}"><input type="hidden" name="client_id" value="{{.App}}">
<button id="allow" type="submit">Allow</button></form></body></html>`))

func (f *fakeSlack) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") == "" || q.Get("state") == "" || q.Get("redirect_uri") == "" || !strings.Contains(q.Get("scope"), "commands") {
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = authorizePage.Execute(w, map[string]string{"App": q.Get("client_id"), "Scope": q.Get("scope"), "State": q.Get("state"), "Redirect": q.Get("redirect_uri")})
}

// grant makes a code for team, as Slack does when a user clicks Allow.
func (f *fakeSlack) grant(team, name, redirect string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued++
	code := fmt.Sprintf("code-%s-%d", team, f.issued)
	f.codes[code] = fakeGrant{team: team, name: name, redirect: redirect}
	return code
}

// grantOrg makes a code for an Enterprise Grid org-wide install of
// enterprise: Slack's answer then names the enterprise and no team.
func (f *fakeSlack) grantOrg(enterprise, name, redirect string) string {
	code := f.grant(enterprise, name, redirect)
	f.mu.Lock()
	f.orgs[code] = true
	f.mu.Unlock()
	return code
}

func (f *fakeSlack) allow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := f.grant("T0SECOND", "Second Workspace", q.Get("redirect_uri"))
	http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (f *fakeSlack) record(c fakeCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

func (f *fakeSlack) allCalls() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

// waitCall waits (bounded) for a call of method made with token.
func (f *fakeSlack) waitCall(t *testing.T, method, token string) fakeCall {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		for _, c := range f.allCalls() {
			if c.Method == method && (token == "" || c.Token == token) {
				return c
			}
		}
		select {
		case <-f.notify:
			continue
		case <-deadline:
		}
		break
	}
	t.Fatalf("no %s call with token %q; calls: %v", method, token, f.methods())
	return fakeCall{}
}

func (f *fakeSlack) methods() []string {
	var out []string
	for _, c := range f.allCalls() {
		out = append(out, c.Method+"("+c.Token+")")
	}
	return out
}

func (f *fakeSlack) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	body, _ := io.ReadAll(r.Body)
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	form, _ := url.ParseQuery(string(body))
	if tok == "" {
		tok = form.Get("token")
	}
	c := fakeCall{Method: method, Token: tok, Form: form, Body: body}
	w.Header().Set("Content-Type", "application/json")
	reply := func(v map[string]any) {
		v["ok"] = true
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(e string) { _ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": e}) }
	if method == "oauth.v2.access" {
		f.record(c)
		if form.Get("client_secret") != f.secret {
			fail("invalid_client")
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		var team, name string
		if form.Get("grant_type") == "refresh_token" {
			team = f.refresh[form.Get("refresh_token")]
			if team == "" {
				fail("invalid_refresh_token")
				return
			}
			delete(f.refresh, form.Get("refresh_token")) // single use, as Slack's rotation
		} else {
			g, ok := f.codes[form.Get("code")]
			if !ok || g.redirect != form.Get("redirect_uri") {
				fail("invalid_code")
				return
			}
			delete(f.codes, form.Get("code"))
			team, name = g.team, g.name
		}
		org := f.orgs[form.Get("code")]
		f.issued++
		res := map[string]any{"access_token": fmt.Sprintf("xoxb-%s-%d", team, f.issued), "token_type": "bot", "scope": "commands,chat:write",
			"bot_user_id": "U0BOT" + team, "app_id": "A0CERT", "team": map[string]string{"id": team, "name": name}, "is_enterprise_install": false}
		if org {
			res["team"], res["is_enterprise_install"] = nil, true
			res["enterprise"] = map[string]string{"id": team, "name": name}
		}
		if f.rotating {
			rt := fmt.Sprintf("xoxe-1-%s-%d", team, f.issued)
			f.refresh[rt] = team
			res["refresh_token"], res["expires_in"] = rt, 43200
			res["access_token"] = fmt.Sprintf("xoxe.xoxb-1-%s-%d", team, f.issued)
		}
		f.tokens = append(f.tokens, res["access_token"].(string))
		if rt, ok := res["refresh_token"].(string); ok {
			f.tokens = append(f.tokens, rt)
		}
		_ = json.NewEncoder(w).Encode(mergeOK(res))
		return
	}
	f.record(c)
	switch method {
	case "auth.test":
		reply(map[string]any{"user_id": "U0BOT", "team_id": "T0FIRST"})
	case "users.info":
		// U0ADMIN is a workspace admin (may set up a channel's daily question).
		reply(map[string]any{"user": map[string]any{"id": form.Get("user"), "name": "alice", "tz": "Europe/Paris", "is_admin": form.Get("user") == "U0ADMIN",
			"profile": map[string]any{"display_name": "Alice"}}})
	case "conversations.open":
		reply(map[string]any{"channel": map[string]any{"id": "D0" + form.Get("users")}})
	case "chat.postMessage", "chat.postEphemeral":
		reply(map[string]any{"channel": form.Get("channel"), "ts": "1700000000.000100"})
	case "conversations.history":
		// A DM's history is what the bot posted in it (the user's own
		// messages are not recorded here), newest first.
		msgs := []map[string]any{}
		for _, pc := range f.allCalls() {
			if pc.Method == "chat.postMessage" && pc.Token == tok && pc.Form.Get("channel") == form.Get("channel") {
				msgs = append([]map[string]any{{"type": "message", "text": pc.Form.Get("text"), "ts": "1700000000.000100"}}, msgs...)
			}
		}
		if form.Get("limit") == "1" && len(msgs) > 1 {
			msgs = msgs[:1]
		}
		reply(map[string]any{"messages": msgs, "has_more": false})
	case "views.publish":
		reply(map[string]any{"view": map[string]any{"id": "V1"}})
	// The external upload flow: a URL for the bytes (on this server), then
	// the completion.
	case "files.getUploadURLExternal":
		f.mu.Lock()
		f.uploads++
		id := "F0CHART"
		if f.uploads > 1 {
			id = fmt.Sprintf("F0CHART%d", f.uploads)
		}
		f.pending[id] = true
		f.mu.Unlock()
		reply(map[string]any{"upload_url": f.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(form.Get("files")), &files); err != nil || len(files) != 1 {
			fail("invalid_arguments")
			return
		}
		f.mu.Lock()
		ok := f.pending[files[0].ID]
		delete(f.pending, files[0].ID)
		if ok {
			f.files[files[0].ID] = true
		}
		f.mu.Unlock()
		if !ok {
			fail("file_not_found")
			return
		}
		reply(map[string]any{"files": []map[string]string{{"id": files[0].ID, "title": "Progress chart"}}})
	case "files.delete":
		f.mu.Lock()
		failing, ok := f.failDelete, f.files[form.Get("file")]
		if ok && !failing {
			delete(f.files, form.Get("file"))
		}
		f.mu.Unlock()
		switch {
		case failing:
			fail("internal_error")
		case !ok:
			fail("file_not_found")
		default:
			reply(map[string]any{})
		}
	default:
		fail("unknown_method")
	}
}

// upload receives a file's bytes, recorded as the call "upload" with the
// file part as its body.
func (f *fakeSlack) upload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file part", http.StatusBadRequest)
		return
	}
	raw, _ := io.ReadAll(file)
	f.record(fakeCall{Method: "upload", Body: raw})
	_, _ = fmt.Fprintf(w, "OK - %d", len(raw))
}

// storedFiles lists the files Slack holds (uploaded, not deleted).
func (f *fakeSlack) storedFiles() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id := range f.files {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func mergeOK(m map[string]any) map[string]any {
	m["ok"] = true
	return m
}

func (f *fakeSlack) issuedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}
