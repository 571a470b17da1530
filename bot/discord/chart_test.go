package discord

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// answerDomains answers one CISSP question in each domain as w, through the
// engine (button clicks have tests of their own).
func answerDomains(t *testing.T, e *bot.Engine, w who, domains ...string) {
	t.Helper()
	ctx := context.Background()
	act := bot.Actor{Platform: bot.PlatformDiscord, Workspace: w.guild, User: w.user, Channel: "c"}
	for _, d := range domains {
		r := e.Handle(ctx, bot.Request{Actor: act, Text: "quiz cissp " + d + " 1"})
		id := ""
		for _, b := range r.Buttons {
			if strings.HasPrefix(b.ID, "quiz:answer:") {
				id = b.ID
				break
			}
		}
		if id == "" {
			t.Fatalf("quiz cissp %s: no answer button: %+v", d, r)
		}
		if r := e.Handle(ctx, bot.Request{Actor: act, Action: id}); r.Outcome != bot.OutcomeOK {
			t.Fatalf("answer: %+v", r)
		}
	}
}

// chartPart checks that a multipart call carries payload_json whose first
// embed shows attachment://progress.png and a files[n] part holding a PNG
// of the chart's size.
func chartPart(t *testing.T, c call) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(c.ContentType)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("%s %s: content type %q, want multipart/form-data", c.Method, c.Path, c.ContentType)
	}
	var d struct {
		Embeds []*discordgo.MessageEmbed `json:"embeds"`
		Data   *struct {
			Embeds []*discordgo.MessageEmbed `json:"embeds"`
		} `json:"data"`
	}
	c.JSON(t, &d)
	embeds := d.Embeds
	if d.Data != nil {
		embeds = d.Data.Embeds
	}
	if len(embeds) == 0 || embeds[0].Image == nil || embeds[0].Image.URL != "attachment://progress.png" {
		t.Fatalf("first embed does not show the chart: %+v", embeds)
	}
	if !strings.Contains(embeds[0].Description, "Security and Risk Management") {
		t.Errorf("embed lost the progress text: %q", embeds[0].Description)
	}
	r := multipart.NewReader(bytes.NewReader(c.Body), params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			t.Fatal("no files[n] part")
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.FormName(), "files[") {
			continue
		}
		if p.FileName() != "progress.png" {
			t.Errorf("file part named %q", p.FileName())
		}
		img, err := png.Decode(p)
		if err != nil {
			t.Fatalf("files part is not a PNG: %v", err)
		}
		if w := img.Bounds().Dx(); w < 800 || w > 1200 {
			t.Errorf("chart is %d px wide", w)
		}
		return
	}
}

// gatewayProgressChart: over the gateway, /cert progress is answered in one
// multipart callback carrying the chart as an attachment its embed shows.
func gatewayProgressChart(t *testing.T, ev *env) {
	w := who{guild: member.guild, user: "600000000000000077"}
	answerDomains(t, ev.engine, w, "1", "4", "8")
	from := len(ev.fake.Calls())
	ev.fake.dispatch("INTERACTION_CREATE", command("358000000000000001", w, "progress"))
	c, _ := ev.fake.wait(from, func(c call) bool {
		return c.Method == "POST" && c.Path == "/api/v9/interactions/358000000000000001/tok-358000000000000001/callback"
	})
	var r wireResponse
	c.JSON(t, &r)
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data == nil || r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Fatalf("progress callback: type %d %+v, want a private message", r.Type, r.Data)
	}
	chartPart(t, c)
}

// gatewayChartResentAfter429: a DM's progress reply that Discord answers
// with 429 is posted again once the wait is over, the chart's PNG whole
// (its reader rewound, not spent by the refused try).
func gatewayChartResentAfter429(t *testing.T, ev *env) {
	w := who{user: "600000000000000078"}
	answerDomains(t, ev.engine, who{guild: "dm:" + w.user, user: w.user}, "1", "4", "8") // a DM's workspace
	from := len(ev.fake.Calls())
	ev.fake.fail429.Store(1)
	ev.fake.dispatch("MESSAGE_CREATE", map[string]any{"id": "211000000000000001", "channel_id": "700000000000000009",
		"author": map[string]any{"id": w.user, "username": "bob"}, "content": "progress"})
	posted := func(c call) bool {
		return c.Method == "POST" && c.Path == "/api/v9/channels/700000000000000009/messages"
	}
	_, i := ev.fake.wait(from, posted) // the try refused with 429
	c, _ := ev.fake.wait(i+1, posted)
	chartPart(t, c)
}

// TestHTTPProgressChart: over the HTTP endpoint, whose response body is
// JSON only, progress is deferred and the chart arrives by the webhook edit.
func TestHTTPProgressChart(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	answerDomains(t, h.engine, member, "2", "3", "6")
	code, body := h.post(t, mustJSON(command("620000000000000001", member, "progress")), time.Now(), testKey)
	if code != 200 || !strings.HasPrefix(string(body), `{"type":5`) {
		t.Fatalf("progress: %d %s", code, truncate(string(body), 200))
	}
	c, _ := h.fake.wait(0, func(c call) bool { return c.Method == "PATCH" && strings.Contains(c.Path, "tok-620000000000000001") })
	chartPart(t, c)
	// The declared options (exam, show: chart) reach the same reply.
	code, body = h.post(t, mustJSON(command("620000000000000002", member, "progress cert=cissp show=chart")), time.Now(), testKey)
	if code != 200 || !strings.HasPrefix(string(body), `{"type":5`) {
		t.Fatalf("progress with options: %d %s", code, truncate(string(body), 200))
	}
	c, _ = h.fake.wait(0, func(c call) bool { return c.Method == "PATCH" && strings.Contains(c.Path, "tok-620000000000000002") })
	chartPart(t, c)
}
