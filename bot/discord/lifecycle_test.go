package discord

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestDeliverErrorLogsNoToken: when the deferred-reply edit fails in
// transport, the logged error must not quote the webhook URL, whose path
// carries the interaction token.
func TestDeliverErrorLogsNoToken(t *testing.T) {
	ev := newEnv(t, "")
	var buf bytes.Buffer
	ev.a.log = slog.New(slog.NewJSONHandler(&buf, nil))
	ev.fake.hangUp.Store(true)
	const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4"
	i := &discordgo.Interaction{ID: "620000000000000001", AppID: "app1", Token: token, Type: discordgo.InteractionApplicationCommand}

	ev.a.deliver(context.Background(), i, replyFixture(), false)

	ev.fake.wait(0, func(c call) bool { return c.Method == "PATCH" && strings.Contains(c.Path, token) })
	out := buf.String()
	if !strings.Contains(out, "deliver deferred reply") || !strings.Contains(out, `"err":`) {
		t.Fatalf("error path not logged: %s", out)
	}
	if strings.Contains(out, token) || strings.Contains(out, "/webhooks/") {
		t.Errorf("log leaks the webhook URL or token: %s", out)
	}
}
