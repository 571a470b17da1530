package discord

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

func TestResponseCache(t *testing.T) {
	c := newResponseCache()
	r := bot.Reply{Title: "CISM vs CISSP", Body: "b", Fields: []bot.Field{{Name: "n", Value: "v"}},
		Table: &bot.Table{Left: "CISM", Right: "CISSP", Rows: []bot.Row{{Label: "Focus", Left: "l", Right: "r"}}}, Private: true}
	fresh := func(r bot.Reply, component bool) []byte {
		b, err := json.Marshal(response(r, component))
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
