package slack

import (
	"bytes"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

func TestReplyCache(t *testing.T) {
	t.Parallel()
	c := newReplyCache()
	r := bot.Reply{Title: "CISM vs CISSP", Body: "body", Private: true, Shareable: true,
		Table: &bot.Table{Left: "CISM", Right: "CISSP", Rows: []bot.Row{{Label: "Time", Left: "4 h", Right: "3 h"}}}}
	first, err := c.encode(r, "compare")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := encodeJSON(toResponse(r, "compare"))
	if !bytes.Equal(first, want) {
		t.Fatalf("cached encoding differs from a fresh one")
	}
	again, _ := c.encode(r, "compare")
	if &again[0] != &first[0] {
		t.Error("identical reply was encoded again instead of served from the cache")
	}
	// The producer changes its table after the fact: the cache kept a copy.
	r.Table.Rows[0].Right = "6 h"
	changed, _ := c.encode(r, "compare")
	if bytes.Equal(changed, first) || !bytes.Contains(changed, []byte("6 h")) {
		t.Error("a changed row was served from the cache")
	}
	for _, tc := range []struct {
		name   string
		mutate func(*bot.Reply) string
	}{
		{"share text", func(*bot.Reply) string { return "compare iam" }},
		{"private", func(r *bot.Reply) string { r.Private = false; return "compare" }},
		{"replace", func(r *bot.Reply) string { r.Replace = true; return "compare" }},
		{"button", func(r *bot.Reply) string {
			r.Buttons = []bot.Button{{ID: "quiz:next", Label: "Next"}}
			return "compare"
		}},
		{"field", func(r *bot.Reply) string { r.Fields = []bot.Field{{Name: "n", Value: "v"}}; return "compare" }},
	} {
		r2 := bot.CloneReply(r)
		share := tc.mutate(&r2)
		got, _ := c.encode(r2, share)
		fresh, _ := encodeJSON(toResponse(r2, share))
		if !bytes.Equal(got, fresh) {
			t.Errorf("%s: cache served a stale encoding", tc.name)
		}
	}
	if !bot.SameReply(r, bot.CloneReply(r)) || bot.SameReply(r, bot.Reply{}) {
		t.Error("SameReply is wrong")
	}
}
