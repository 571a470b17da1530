package slack

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The install asks for the scopes the manifest declares, and the manifest
// subscribes to the events multi-workspace mode and the App Home need.
func TestManifestMatchesInstall(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				HomeTab          bool `yaml:"home_tab_enabled"`
				MessagesTab      bool `yaml:"messages_tab_enabled"`
				MessagesReadOnly bool `yaml:"messages_tab_read_only_enabled"`
			} `yaml:"app_home"`
		} `yaml:"features"`
		OAuth struct {
			RedirectURLs []string `yaml:"redirect_urls"`
			Scopes       struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.OAuth.Scopes.Bot, ","); got != BotScopes {
		t.Errorf("manifest scopes %q, install asks for %q", got, BotScopes)
	}
	if !m.Features.AppHome.HomeTab {
		t.Error("manifest does not enable the Home tab")
	}
	// The Messages tab is the DM where the welcome is posted and commands
	// are typed; the welcome reads its history (im:history) first.
	if !m.Features.AppHome.MessagesTab || m.Features.AppHome.MessagesReadOnly {
		t.Error("manifest does not enable the Messages tab for typing")
	}
	if !slices.Contains(m.OAuth.Scopes.Bot, "im:history") {
		t.Error("manifest does not ask for im:history")
	}
	if len(m.OAuth.RedirectURLs) == 0 || !strings.HasSuffix(m.OAuth.RedirectURLs[0], "/slack/oauth_redirect") {
		t.Errorf("manifest redirect URLs %v", m.OAuth.RedirectURLs)
	}
	events := strings.Join(m.Settings.Events.Bot, ",")
	for _, e := range []string{"app_home_opened", "app_uninstalled", "tokens_revoked", "app_mention", "message.im"} {
		if !strings.Contains(events, e) {
			t.Errorf("manifest does not subscribe to %s", e)
		}
	}
}
