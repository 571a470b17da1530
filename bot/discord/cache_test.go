package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

func TestResponseCache(t *testing.T) {
	t.Parallel()
	c := newResponseCache()
	r := bot.Reply{Title: "CISM vs CISSP", Body: "b", Fields: []bot.Field{{Name: "n", Value: "v"}},
		Table: &bot.Table{Left: "CISM", Right: "CISSP", Rows: []bot.Row{{Label: "Focus", Left: "l", Right: "r"}}}, Private: true}
	fresh := func(r bot.Reply, component bool) []byte {
		b, err := marshalResponse(response(r, component))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first, _ := c.encode(r, false)
	again, _ := c.encode(bot.CloneReply(r), false)
	if !bytes.Equal(first, fresh(r, false)) || &first[0] != &again[0] {
		t.Fatal("second encode of an equal reply did not come from the cache, or differs")
	}
	r.Fields[0].Value = "changed" // the caller's slice: the cache keeps its own copy
	changed, _ := c.encode(r, false)
	if !bytes.Equal(changed, fresh(r, false)) || bytes.Equal(changed, first) {
		t.Error("changed reply served stale JSON")
	}
	for name, other := range map[string]bot.Reply{
		"row":     {Title: r.Title, Body: r.Body, Fields: r.Fields, Private: true, Table: &bot.Table{Left: "CISM", Right: "CISSP", Rows: []bot.Row{{Label: "Focus", Left: "l", Right: "R"}}}},
		"public":  {Title: r.Title, Body: r.Body, Fields: r.Fields, Table: r.Table},
		"outcome": {Title: r.Title, Body: r.Body, Fields: r.Fields, Table: r.Table, Private: true, Outcome: bot.OutcomeUserError},
	} {
		got, _ := c.encode(other, false)
		if !bytes.Equal(got, fresh(other, false)) {
			t.Errorf("%s: cached JSON of another reply", name)
		}
	}
	if got, _ := c.encode(r, true); !bytes.Equal(got, fresh(r, true)) {
		t.Error("button response served the command's JSON")
	}
}

// TestMarshalResponse: a new message leaves out only keys whose absence
// means the same to Discord; updates keep theirs (empty values clear what
// the old message had).
func TestMarshalResponse(t *testing.T) {
	t.Parallel()
	embeds := []*discordgo.MessageEmbed{{Title: "t", Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: "v", Inline: true}}}}
	row := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "A", CustomID: "x"}}}}
	cases := []struct {
		name     string
		resp     *discordgo.InteractionResponse
		wantKeys []string
		noKeys   []string
	}{
		{"new message, embeds only", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Embeds: embeds, Components: []discordgo.MessageComponent{}, Flags: discordgo.MessageFlagsEphemeral}},
			[]string{"embeds", "flags"}, []string{"tts", "content", "components"}},
		{"new message with text and buttons", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi", Components: row, Embeds: []*discordgo.MessageEmbed{}}},
			[]string{"content", "components"}, []string{"tts", "flags", "embeds"}},
		{"update keeps empty values", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Embeds: embeds, Components: []discordgo.MessageComponent{}}},
			[]string{"tts", "content", "components", "embeds"}, nil},
		{"pong", &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil, []string{"data"}},
	}
	for _, c := range cases {
		b, err := marshalResponse(c.resp)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var top struct{ Data map[string]json.RawMessage }
		if err := json.Unmarshal(b, &top); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, k := range c.wantKeys {
			if _, ok := top.Data[k]; !ok {
				t.Errorf("%s: %s missing from %s", c.name, k, b)
			}
		}
		for _, k := range c.noKeys {
			if _, ok := top.Data[k]; ok {
				t.Errorf("%s: %s present in %s", c.name, k, b)
			}
		}
		// Read back, it is the same response (embeds, buttons, flags).
		var back struct {
			Data struct {
				Content    string
				Embeds     []*discordgo.MessageEmbed
				Components []json.RawMessage
				Flags      discordgo.MessageFlags
			}
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.resp.Data != nil && (!reflect.DeepEqual(back.Data.Embeds, c.resp.Data.Embeds) && len(c.resp.Data.Embeds) > 0 ||
			len(back.Data.Components) != len(c.resp.Data.Components) || back.Data.Flags != c.resp.Data.Flags || back.Data.Content != c.resp.Data.Content) {
			t.Errorf("%s: read back differs: %s", c.name, b)
		}
	}
}

// TestCompareFitsOneWrite: /cert compare, the command people run most,
// goes out with its headers in one write of net/http's 4 KiB buffer (a
// second write cost ~10 µs per request under load). If knowledge growth
// breaks this, shorten the reply or accept the cost knowingly.
func TestCompareFitsOneWrite(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	req := signedRequests(t, 1, "compare")[0]
	w := httptest.NewRecorder()
	ev.a.HTTPHandler(testKey.Public().(ed25519.PublicKey)).ServeHTTP(w, req)
	// Status line, Content-Type, Content-Length, Date and X-Request-ID as
	// serve sends them, with room to spare.
	const headers = 160
	if w.Code != 200 || w.Body.Len()+headers > 4096 {
		t.Fatalf("compare: status %d, %d bytes of body: over 4096 with headers", w.Code, w.Body.Len())
	}
}
