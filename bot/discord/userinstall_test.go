package discord

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/storage"
)

func TestDefinitionsInstallableToUsers(t *testing.T) {
	defs := Definitions(nil)
	b, err := json.Marshal(defs[0])
	if err != nil {
		t.Fatal(err)
	}
	var wire struct {
		IntegrationTypes []int `json:"integration_types"`
		Contexts         []int `json:"contexts"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	if len(wire.IntegrationTypes) != 2 || wire.IntegrationTypes[0] != 0 || wire.IntegrationTypes[1] != 1 {
		t.Errorf("integration_types %v, want [0 1]", wire.IntegrationTypes)
	}
	if len(wire.Contexts) != 3 || wire.Contexts[0] != 0 || wire.Contexts[1] != 1 || wire.Contexts[2] != 2 {
		t.Errorf("contexts %v, want [0 1 2]", wire.Contexts)
	}
}

// userInstalled marks a test interaction as arriving through the user's own
// install (authorizing_integration_owners {"1": user}), in context ctx.
func userInstalled(m map[string]any, user string, ctx int) map[string]any {
	m["authorizing_integration_owners"] = map[string]string{"1": user}
	m["context"] = ctx
	return m
}

func TestUserInstallInteractions(t *testing.T) {
	h := newHTTPEnv(t)
	groupDM := who{user: "600000000000000009"}
	do := func(m map[string]any) (int, wireResponse) {
		code, body := h.post(t, mustJSON(m), time.Now(), testKey)
		var r wireResponse
		if code == 200 {
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("response %s: %v", body, err)
			}
		}
		return code, r
	}
	// A group DM (context 2): no guild, the user's own scope, private
	// replies are ephemeral so the others in the DM do not see them.
	code, r := do(userInstalled(command("u1", groupDM, "progress"), groupDM.user, 2))
	if code != 200 || r.Data == nil || r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Fatalf("progress in a group DM: %d %+v", code, r)
	}
	stored := func(workspace, user string) bool {
		_, err := h.store.UserByKey(context.Background(), storage.UserKey{Platform: "discord", Workspace: workspace, User: user})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if !stored("dm:"+groupDM.user, groupDM.user) {
		t.Error("group DM user not stored under their own scope")
	}
	// A server that did not install the bot, with a user who could manage
	// it: still the user's own scope, and no channel set-up.
	outsider := who{guild: "800000000000000077", user: "600000000000000008", perms: discordgo.PermissionAdministrator}
	code, r = do(userInstalled(command("u2", outsider, "group daily 09:00"), outsider.user, 0))
	if code != 200 || r.Data == nil || !strings.Contains(r.Data.allText(), "Manage") || r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Errorf("group set-up through a user install: %d %+v", code, r.Data)
	}
	if code, r = do(userInstalled(command("u3", outsider, "quiz cissp"), outsider.user, 0)); code != 200 || len(r.Data.buttonIDs()) == 0 {
		t.Fatalf("quiz through a user install: %d", code)
	}
	if !stored("dm:"+outsider.user, outsider.user) || stored(outsider.guild, outsider.user) {
		t.Error("user-install user not stored under their own scope only")
	}
	// The same server with the bot installed too: the server's scope.
	both := command("u4", outsider, "progress")
	both["authorizing_integration_owners"] = map[string]string{"0": outsider.guild, "1": outsider.user}
	if code, _ := do(both); code != 200 || !stored(outsider.guild, outsider.user) {
		t.Fatalf("guild-installed progress: %d, stored under the guild: %v", code, stored(outsider.guild, outsider.user))
	}
}
