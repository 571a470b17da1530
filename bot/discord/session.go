package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// NewSession returns a discordgo session for a bot token (empty for
// HTTP-interactions-only use: interaction webhooks need no token). A
// non-empty apiURL sends every REST call there instead of discord.com
// (discordgo's Endpoint* variables are fixed at load, so the session's
// transport rewrites scheme and host); it is for fakes in tests.
func NewSession(token, apiURL string) (*discordgo.Session, error) {
	auth := ""
	if token != "" {
		auth = "Bot " + strings.TrimPrefix(token, "Bot ")
	}
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("discord session: bad API URL %q", apiURL)
		}
		s.Client.Transport = Rewrite(u, http.DefaultTransport)
	}
	s.LogLevel = discordgo.LogError
	return s, nil
}

// Rewrite returns a transport sending every request to target's scheme and
// host, path unchanged.
func Rewrite(target *url.URL, next http.RoundTripper) http.RoundTripper {
	return rewriter{target: target, next: next}
}

type rewriter struct {
	target *url.URL
	next   http.RoundTripper
}

func (t rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.target.Scheme, t.target.Host, t.target.Host
	return t.next.RoundTrip(r)
}
