package slack

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
)

// The install flow, as Bolt does it: GET /slack/install sets a random state
// in a cookie and in the store (10 minutes, used once) and links to Slack's
// authorize page; Slack sends the browser back to GET /slack/oauth_redirect
// with the state and a code, which is exchanged for the workspace's tokens.

const (
	stateCookie = "slack-app-oauth-state" // Bolt's name
	stateTTL    = 10 * time.Minute
	oauthWait   = 10 * time.Second
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}a.button{display:inline-block;padding:.6rem 1.2rem;background:#4a154b;color:#fff;border-radius:.3rem;text-decoration:none}code{background:#eee;padding:0 .2rem}</style>
</head><body><h1>{{.Title}}</h1>{{range .Lines}}<p>{{.}}</p>{{end}}
{{if .Link}}<p><a class="button" id="add-to-slack" href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
<p><a href="/privacy">Privacy</a></p></body></html>
`))

type pageData struct {
	Title    string
	Lines    []template.HTML
	Link     string
	LinkText string
}

func writePage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the redirect URL carries the code
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}

func (a *Adapter) redirectURI() string { return a.cfg.OAuth.PublicURL + "/slack/oauth_redirect" }

func (a *Adapter) authorizeURL() string {
	if a.cfg.OAuth.AuthorizeURL != "" {
		return a.cfg.OAuth.AuthorizeURL
	}
	return strings.TrimSuffix(a.apiURL(), "api/") + "oauth/v2/authorize"
}

func (a *Adapter) secureCookies() bool { return strings.HasPrefix(a.cfg.OAuth.PublicURL, "https://") }

// ServeInstall handles GET /slack/install: a page with an "Add to Slack"
// button carrying a fresh state.
func (a *Adapter) ServeInstall(w http.ResponseWriter, r *http.Request) {
	if !a.multi() {
		http.NotFound(w, r)
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	state := base64.RawURLEncoding.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(r.Context(), oauthWait)
	defer cancel()
	if err := a.cfg.OAuth.Store.SaveState(ctx, state, a.now().Add(stateTTL)); err != nil {
		a.log.Error("slack: cannot save install state", "err", err)
		writePage(w, http.StatusInternalServerError, pageData{Title: "Something went wrong", Lines: []template.HTML{"Please try again in a moment."}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/slack/", MaxAge: int(stateTTL / time.Second),
		HttpOnly: true, Secure: a.secureCookies(), SameSite: http.SameSiteLaxMode})
	q := url.Values{"client_id": {a.cfg.OAuth.ClientID}, "scope": {BotScopes}, "state": {state}, "redirect_uri": {a.redirectURI()}}
	writePage(w, http.StatusOK, pageData{Title: "Add certcoach to Slack",
		Lines: []template.HTML{"certcoach is a CISM and CISSP study partner: quizzes, spaced review, study plans and daily reminders, with the exam facts sourced and dated.",
			"Installing asks for permission to receive <code>/cert</code>, mentions and direct messages, and to reply; to read user profiles (each user's time zone, for reminders, and whether they are a workspace admin, for channel settings); and to upload the progress chart images it shows."},
		Link: a.authorizeURL() + "?" + q.Encode(), LinkText: "Add to Slack"})
}

// refuse shows a 4xx page for an install that cannot go on.
func (a *Adapter) refuse(w http.ResponseWriter, status int, why string) {
	a.log.Info("slack: install refused", "reason", why)
	writePage(w, status, pageData{Title: "Installation not completed",
		Lines: []template.HTML{template.HTML(template.HTMLEscapeString(why))},
		Link:  "/slack/install", LinkText: "Start again"})
}

// ServeRedirect handles GET /slack/oauth_redirect: checks the state against
// the store and the browser's cookie, exchanges the code, stores the
// installation.
func (a *Adapter) ServeRedirect(w http.ResponseWriter, r *http.Request) {
	if !a.multi() {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	// Whatever happens, the cookie has done its job.
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/slack/", MaxAge: -1, HttpOnly: true,
		Secure: a.secureCookies(), SameSite: http.SameSiteLaxMode})
	if e := q.Get("error"); e != "" {
		a.refuse(w, http.StatusForbidden, "Slack did not authorize the installation ("+truncate(e, 40)+").")
		return
	}
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" {
		a.refuse(w, http.StatusBadRequest, "This page needs the state and code Slack sends back; start from the install page.")
		return
	}
	c, err := r.Cookie(stateCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		a.refuse(w, http.StatusForbidden, "This installation was not started in this browser (or its cookie was blocked); start again from the install page.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), oauthWait)
	defer cancel()
	ok, err := a.cfg.OAuth.Store.ConsumeState(ctx, state, a.now())
	if err != nil {
		a.log.Error("slack: cannot check install state", "err", err)
		writePage(w, http.StatusInternalServerError, pageData{Title: "Something went wrong", Lines: []template.HTML{"Please try again in a moment."}})
		return
	}
	if !ok {
		a.refuse(w, http.StatusForbidden, "This install link has expired (after 10 minutes) or was already used; start again from the install page.")
		return
	}
	res, err := slackapi.GetOAuthV2ResponseContext(ctx, a.hc, a.cfg.OAuth.ClientID, a.cfg.OAuth.ClientSecret, code, a.redirectURI(),
		slackapi.OAuthOptionAPIURL(a.apiURL()))
	if err != nil || res.AccessToken == "" {
		var se slackapi.SlackErrorResponse
		if errors.As(err, &se) {
			a.refuse(w, http.StatusBadRequest, "Slack refused the code ("+truncate(se.Err, 40)+"); start again from the install page.")
			return
		}
		a.log.Error("slack: code exchange failed", "err", err)
		writePage(w, http.StatusBadGateway, pageData{Title: "Slack did not answer", Lines: []template.HTML{"Please try again in a moment."}, Link: "/slack/install", LinkText: "Start again"})
		return
	}
	in := Installation{
		InstallKey: InstallKey{EnterpriseID: res.Enterprise.ID, TeamID: res.Team.ID, OrgWide: res.IsEnterpriseInstall},
		TeamName:   res.Team.Name, AppID: res.AppID, BotUserID: res.BotUserID, Scopes: res.Scope,
		BotToken: res.AccessToken, RefreshToken: res.RefreshToken,
	}
	if in.OrgWide {
		in.TeamID, in.TeamName = "", res.Enterprise.Name
	}
	if res.ExpiresIn > 0 {
		in.ExpiresAt = a.now().Add(time.Duration(res.ExpiresIn) * time.Second)
	}
	if in.Workspace() == "" {
		a.refuse(w, http.StatusBadRequest, "Slack's answer named no workspace; start again from the install page.")
		return
	}
	if err := a.cfg.OAuth.Store.SaveInstallation(ctx, in); err != nil {
		a.log.Error("slack: cannot save installation", "workspace", in.Workspace(), "err", err)
		writePage(w, http.StatusInternalServerError, pageData{Title: "Something went wrong", Lines: []template.HTML{"The installation could not be saved; please try again."}})
		return
	}
	a.clients.drop(in.InstallKey)
	a.log.Info("slack: installed", "workspace", in.Workspace(), "org_wide", in.OrgWide, "rotating", in.RefreshToken != "")
	name := in.TeamName
	if name == "" {
		name = "your workspace"
	}
	writePage(w, http.StatusOK, pageData{Title: "certcoach is installed",
		Lines: []template.HTML{
			template.HTML("certcoach is now in " + template.HTMLEscapeString(name) + "."),
			"To start, type <code>/cert help</code> in any channel, or open certcoach's Home tab in Slack for your dashboard.",
			"Try <code>/cert compare</code>, <code>/cert quiz cissp</code> or <code>/cert plan cism YYYY-MM-DD</code> (your exam date).",
		}})
}
