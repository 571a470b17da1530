package discord

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Bodies shaped as Discord sends them (fields from its interaction object
// documentation), plus edge cases.
var decodeCases = []struct{ name, body string }{
	{"ping", `{"id":"1","application_id":"9","type":1,"token":"t","version":1}`},
	{"slash in a guild, full member, channel and guild objects", `{"app_permissions":"562949953601536","application_id":"1180000000000000001",
		"authorizing_integration_owners":{"0":"800000000000000001"},"channel":{"flags":0,"guild_id":"800000000000000001","id":"500000000000000001",
		"name":"study-group","nsfw":false,"permissions":"2248473465835073","position":3,"type":0},"channel_id":"500000000000000001","context":0,
		"data":{"id":"1180000000000000010","name":"cert","options":[{"name":"compare","options":[{"name":"topic","type":3,"value":"overview"}],"type":1}],"type":1},
		"entitlement_sku_ids":[],"entitlements":[],"guild":{"features":["COMMUNITY"],"id":"800000000000000001","locale":"en-US"},"guild_id":"800000000000000001",
		"guild_locale":"en-US","id":"1310000000000000099","locale":"en-GB","member":{"avatar":null,"communication_disabled_until":null,"deaf":false,"flags":0,
		"joined_at":"2024-02-11T10:12:45.123000+00:00","mute":false,"nick":"Alice","pending":false,"permissions":"2248473465835073","premium_since":null,
		"roles":["900000000000000001","900000000000000002"],"user":{"avatar":"a1b2c3","avatar_decoration_data":null,"discriminator":"0","global_name":"Alice",
		"id":"600000000000000042","public_flags":0,"username":"alice"}},"token":"aW50ZXJhY3Rpb24","type":2,"version":1}`},
	{"slash in a DM with typed options", `{"id":"2","application_id":"9","type":2,"token":"t","user":{"id":"7","username":"u"},"context":1,
		"data":{"id":"8","name":"cert","type":1,"options":[{"name":"quiz","type":1,"options":[{"name":"count","type":4,"value":5},
		{"name":"cert","type":3,"value":"cism"},{"name":"hard","type":5,"value":true},{"name":"w","type":10,"value":2.5}]}]}}`},
	{"sub-command group", `{"id":"3","type":2,"token":"t","guild_id":"5","member":{"user":{"id":"7"},"permissions":"32"},
		"data":{"name":"cert","options":[{"name":"group","type":2,"options":[{"name":"daily","type":1,"options":[{"name":"time","type":3,"value":"09:00"}]}]}]}}`},
	{"autocomplete", `{"type":4,"id":"4","token":"t","user":{"id":"7"},"data":{"name":"cert","options":[{"name":"quiz","type":1,
		"options":[{"name":"domain","type":3,"value":"sec","focused":true}]}]}}`},
	{"resolved users and roles", `{"type":2,"id":"5","token":"t","guild_id":"5","member":{"user":{"id":"7"}},"data":{"name":"cert",
		"resolved":{"users":{"7":{"id":"7","username":"u"}},"roles":{"1":{"id":"1","name":"r","permissions":"8"}}},"options":[]}}`},
	{"button click with its message", `{"type":3,"id":"6","token":"t","guild_id":"5","member":{"user":{"id":"7"}},
		"data":{"custom_id":"quiz:answer:x:0:1","component_type":2},"message":{"id":"1","channel_id":"5","content":"q",
		"embeds":[{"title":"Q1","fields":[{"name":"a","value":"b","inline":true}]}],
		"components":[{"type":1,"components":[{"type":2,"style":1,"label":"A","custom_id":"quiz:answer:x:0:0"}]}]}}`},
	{"select menu values", `{"type":3,"id":"7","token":"t","user":{"id":"7"},"data":{"custom_id":"s","component_type":3,"values":["a","b"]}}`},
	{"data null", `{"type":2,"id":"8","token":"t","data":null}`},
	{"data missing", `{"type":2,"id":"9","token":"t"}`},
	{"data empty", `{"type":3,"id":"10","data":{}}`},
	{"unknown type", `{"type":99,"id":"11","data":{"x":1}}`},
	{"modal submit", `{"type":5,"id":"12","token":"t","user":{"id":"7"},"data":{"custom_id":"m","components":[{"type":1,"components":[{"type":4,"custom_id":"f","value":"v"}]}]}}`},
	{"huge number", `{"type":2,"id":"13","data":{"name":"cert","options":[{"name":"quiz","type":1,"options":[{"name":"count","type":4,"value":1e999}]}]}}`},
	{"wrong field types", `{"type":"2","id":13}`},
	{"app_permissions not a string", `{"type":1,"id":"14","app_permissions":8}`},
	{"unknown fields and unicode", `{"type":2,"id":"15","token":"t","user":{"id":"7","username":"\u00e9l\u00e8ve \ud83d\ude00"},"nonce":"x","data":{"name":"cert","options":[]}}`},
	{"duplicate keys", `{"type":2,"id":"16","id":"17","data":{"name":"cert","name":"other"}}`},
	{"null", `null`}, {"array", `[]`}, {"truncated", `{"type":2,"id":"1`}, {"trailing garbage", `{"type":1} x`},
	{"invalid utf-8", "{\"type\":1,\"id\":\"\xff\"}"},
}

// TestDecodeMatchesDiscordgo: the fast decoder gives exactly what
// discordgo's own decoder gives, and rejects what it rejects.
func TestDecodeMatchesDiscordgo(t *testing.T) {
	t.Parallel()
	for _, c := range decodeCases {
		t.Run(c.name, func(t *testing.T) { compareDecoders(t, []byte(c.body)) })
	}
}

func compareDecoders(t *testing.T, body []byte) {
	t.Helper()
	var want discordgo.Interaction
	wantErr := json.Unmarshal(body, &want)
	got, err := decodeInteraction(body)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%q: decode error %v, discordgo's %v", body, err, wantErr)
	case err == nil && !reflect.DeepEqual(*got, want):
		t.Fatalf("%q:\ngot  %#v\nwant %#v", body, *got, want)
	}
}

// TestWireInteractionInStep: wireInteraction has discordgo.Interaction's
// fields (names, types, JSON tags) with only Data kept raw, so a discordgo
// upgrade that adds a field fails here rather than losing it silently.
func TestWireInteractionInStep(t *testing.T) {
	t.Parallel()
	ref, mine := reflect.TypeFor[discordgo.Interaction](), reflect.TypeFor[wireInteraction]()
	if ref.NumField() != mine.NumField() {
		t.Fatalf("discordgo.Interaction has %d fields, wireInteraction %d", ref.NumField(), mine.NumField())
	}
	for n := range ref.NumField() {
		r, m := ref.Field(n), mine.Field(n)
		if r.Name != m.Name || r.Tag != m.Tag || (r.Type != m.Type && r.Name != "Data") {
			t.Errorf("field %d: discordgo %s %s %q, wireInteraction %s %s %q", n, r.Name, r.Type, r.Tag, m.Name, m.Type, m.Tag)
		}
	}
}

// FuzzDecode: for any body, the fast decoder agrees with discordgo's.
func FuzzDecode(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		compareDecoders(t, body)
	})
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range decodeCases[:2] {
		b.Run(strings.Fields(c.name)[0], func(b *testing.B) {
			body := []byte(c.body)
			b.Run("discordgo", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var i discordgo.Interaction
					if err := json.Unmarshal(body, &i); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("fast", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := decodeInteraction(body); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
