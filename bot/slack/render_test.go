package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// checkLimits asserts Slack's Block Kit limits on a message as sent (JSON).
func checkLimits(t testing.TB, raw []byte) {
	t.Helper()
	var m struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("message is not JSON: %v", err)
	}
	n := utf8.RuneCountInString
	if m.Text == "" || n(m.Text) > maxFallbackText {
		t.Errorf("fallback text has %d runes, want 1..%d", n(m.Text), maxFallbackText)
	}
	if len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks, limit %d", len(m.Blocks), maxBlocks)
	}
	text := func(where string, v any, limit int, typ string) {
		t.Helper()
		o, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: not a text object: %v", where, v)
			return
		}
		s, _ := o["text"].(string)
		if s == "" || n(s) > limit {
			t.Errorf("%s: text has %d runes, want 1..%d", where, n(s), limit)
		}
		if typ != "" && o["type"] != typ {
			t.Errorf("%s: type %v, want %s", where, o["type"], typ)
		}
	}
	actionIDs := map[string]bool{}
	for i, b := range m.Blocks {
		where := fmt.Sprintf("block %d (%v)", i, b["type"])
		switch b["type"] {
		case "header":
			text(where, b["text"], maxHeader, "plain_text")
		case "section":
			fields, _ := b["fields"].([]any)
			if b["text"] == nil && len(fields) == 0 {
				t.Errorf("%s: neither text nor fields", where)
			}
			if b["text"] != nil {
				text(where, b["text"], maxSectionText, "mrkdwn")
			}
			if len(fields) > maxFields {
				t.Errorf("%s: %d fields, limit %d", where, len(fields), maxFields)
			}
			for j, f := range fields {
				text(fmt.Sprintf("%s field %d", where, j), f, maxFieldText, "")
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s: %d elements, want 1..10", where, len(els))
			}
			for j, el := range els {
				text(fmt.Sprintf("%s element %d", where, j), el, maxContextText, "")
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > maxActionElements {
				t.Errorf("%s: %d elements, want 1..%d", where, len(els), maxActionElements)
			}
			for j, el := range els {
				btn, _ := el.(map[string]any)
				w := fmt.Sprintf("%s button %d", where, j)
				text(w, btn["text"], maxButtonText, "plain_text")
				id, _ := btn["action_id"].(string)
				if id == "" || len(id) > maxActionID {
					t.Errorf("%s: action_id has %d bytes, want 1..%d", w, len(id), maxActionID)
				}
				if actionIDs[id] {
					t.Errorf("%s: duplicate action_id %q", w, id)
				}
				actionIDs[id] = true
				if v, _ := btn["value"].(string); n(v) > maxButtonValue {
					t.Errorf("%s: value has %d runes, limit %d", w, n(v), maxButtonValue)
				}
			}
		case "image":
			alt, _ := b["alt_text"].(string)
			if alt == "" || n(alt) > maxAltText {
				t.Errorf("%s: alt_text has %d runes, want 1..%d", where, n(alt), maxAltText)
			}
			f, _ := b["slack_file"].(map[string]any)
			if id, _ := f["id"].(string); id == "" {
				t.Errorf("%s: no slack_file id", where)
			}
			text(where+" title", b["title"], maxAltText, "plain_text")
		default:
			t.Errorf("%s: unexpected block type", where)
		}
	}
}

func renderJSON(t testing.TB, r bot.Reply, share string) []byte {
	t.Helper()
	raw, err := json.Marshal(toResponse(r, share))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return raw
}

// TestRenderEveryCommand runs every command of the real engine over the
// embedded knowledge base and checks each rendered reply against Slack's limits.
func TestRenderEveryCommand(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	kb := loadKB(t)
	eng := bot.NewEngine(kb, st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	texts := []string{"", "help", "compare", "domains cism", "domains cissp", "domain cism", "ask", "ask how long is the cissp exam",
		"ask what is the difference between cism and cissp", "ask zzqqxx nothing matches", "ask " + strings.Repeat("risk ", 120),
		"quiz", "quiz cism", "quiz cissp 7 2", "quiz cism 3 20", "review", "progress", "progress cissp", "plan cissp 2027-06-01",
		"leaderboard", "settings", "settings timezone Europe/Paris", "export", "exam cissp", "exam pause", "forget", "frobnicate", "compare nosuchtopic"}
	for _, c := range eng.Commands() {
		texts = append(texts, c.Name)
	}
	for _, id := range eng.TopicIDs() {
		texts = append(texts, "compare "+id)
	}
	for n := 1; n <= 8; n++ {
		texts = append(texts, fmt.Sprintf("domain cissp %d", n))
	}
	for n := 1; n <= 4; n++ {
		texts = append(texts, fmt.Sprintf("domain cism %d", n))
	}
	for _, o := range kb.Outlines {
		texts = append(texts, fmt.Sprintf("domains %s %s", o.Cert, o.Version))
	}
	actor := bot.Actor{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser, Channel: "C0CHAN"}
	ctx := context.Background()
	for _, text := range texts {
		t.Run(strings.ReplaceAll(text, " ", "_"), func(t *testing.T) {
			r := eng.Handle(ctx, bot.Request{Actor: actor, Text: text})
			if r.Outcome == bot.OutcomeError {
				t.Fatalf("engine error for %q: %s", text, r.Body)
			}
			checkLimits(t, renderJSON(t, r, text))
			// Press every button too (answers, next, stop...).
			for _, b := range r.Buttons {
				br := eng.Handle(ctx, bot.Request{Actor: actor, Action: b.ID})
				checkLimits(t, renderJSON(t, br, ""))
			}
		})
	}
}

func TestRenderCompareLayout(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	r := eng.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "slack", Workspace: testTeam, User: testUser}, Text: "compare"})
	if r.Table == nil {
		t.Fatal("compare has no table")
	}
	m := Render(r, "compare")
	raw := renderJSON(t, r, "compare")
	var got struct {
		Blocks []map[string]any `json:"blocks"`
	}
	_ = json.Unmarshal(raw, &got)
	if got.Blocks[0]["type"] != "header" {
		t.Errorf("first block %v, want header", got.Blocks[0]["type"])
	}
	sideBySide := 0
	for _, b := range got.Blocks {
		if f, _ := b["fields"].([]any); len(f) == 2 {
			sideBySide++
		}
	}
	if sideBySide != len(r.Table.Rows)+1 { // the heading row and one per table row
		t.Errorf("%d two-field sections, want %d", sideBySide, len(r.Table.Rows)+1)
	}
	last := got.Blocks[len(got.Blocks)-1]
	if last["type"] != "context" || !strings.Contains(string(raw), "Sources") {
		t.Errorf("last block %v, want the context footer with sources", last["type"])
	}
	bs := buttonsOf(m)
	if len(bs) != 1 || bs[0].ActionID != ShareActionID || bs[0].Value != "compare" {
		t.Errorf("want one share button with value %q, got %+v", "compare", bs)
	}
	if m2 := Render(r, ""); len(buttonsOf(m2)) != 0 {
		t.Error("share button without a command text")
	}
	r.Private = false
	if len(buttonsOf(Render(r, "compare"))) != 0 {
		t.Error("share button on a public reply")
	}
}

func TestRenderHugeReply(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word & <tag> **bold** [link](https://example.com/a?b=1&c=2) ", 2000)
	r := bot.Reply{
		Title: strings.Repeat("Title ", 100), Body: long, Footer: long, Private: true, Shareable: true,
		Table: &bot.Table{Left: strings.Repeat("L", 3000), Right: ""},
	}
	for i := range 80 {
		r.Table.Rows = append(r.Table.Rows, bot.Row{Label: strings.Repeat("label ", 700), Left: long[:5000], Right: ""})
		r.Fields = append(r.Fields, bot.Field{Name: fmt.Sprint("field ", i), Value: long[:4000], Inline: i%2 == 0})
	}
	for i := range 130 {
		id := fmt.Sprintf("quiz:answer:s:%d", i%100) // duplicates on purpose
		if i == 5 {
			id = strings.Repeat("x", 300)
		}
		r.Buttons = append(r.Buttons, bot.Button{ID: id, Label: strings.Repeat("Label ", 30), Style: bot.ButtonStyle(i % 3)})
	}
	raw := renderJSON(t, r, strings.Repeat("s", 1990))
	checkLimits(t, raw)
	if !strings.Contains(string(raw), "…") {
		t.Error("truncation is not visible")
	}
	m := Render(r, "x")
	if got := len(m.Blocks); got != maxBlocks {
		t.Errorf("%d blocks, want exactly %d (filled, then truncated)", got, maxBlocks)
	}
	// The long button ID is routed through its value.
	for _, b := range buttonsOf(m) {
		if b.Value == strings.Repeat("x", 300) && !strings.HasPrefix(b.ActionID, "btn:") {
			t.Errorf("long ID kept as action_id %q", b.ActionID)
		}
	}
	// Empty reply still renders valid fallback text.
	checkLimits(t, renderJSON(t, bot.Reply{Fields: []bot.Field{{Name: "only", Value: ""}}}, ""))
	checkLimits(t, renderJSON(t, bot.Reply{Attachment: &bot.Attachment{Content: []byte(long)}}, ""))
}

func TestMrkdwn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"**bold** and _it_ and `code`", "*bold* and _it_ and `code`"},
		{"- one\n- two\n  - nested", "• one\n• two\n  • nested"},
		{"see [ISC2](https://www.isc2.org/x?a=1&b=2)", "see <https://www.isc2.org/x?a=1&amp;b=2|ISC2>"},
		{"a < b & c > d", "a &lt; b &amp; c &gt; d"},
		{"<!channel> hi", "&lt;!channel&gt; hi"},
		{"[not a link](javascript:alert)", "[not a link](javascript:alert)"},
		{"x-y - z", "x-y - z"},
	} {
		if got := Mrkdwn(tc.in); got != tc.want {
			t.Errorf("Mrkdwn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncateAndChunks(t *testing.T) {
	t.Parallel()
	if got := truncate("héllo wörld", 6); got != "héllo…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("ab &amp; cd", 5); got != "ab …" {
		t.Errorf("truncate split an entity: %q", got)
	}
	if got := truncate("ab <https://x.y|z> cd", 8); got != "ab …" {
		t.Errorf("truncate split a link: %q", got)
	}
	s := strings.Repeat("line of text\n", 1000)
	parts := chunks(s, maxSectionText)
	if len(parts) < 4 {
		t.Fatalf("%d chunks", len(parts))
	}
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxSectionText || n == 0 {
			t.Errorf("chunk of %d runes", n)
		}
		if strings.HasPrefix(p, "\n") || strings.HasSuffix(p, "ine of") {
			t.Errorf("chunk not cut at a line break: %q...", p[:20])
		}
	}
	if strings.Join(parts, "\n") != s {
		t.Error("chunks lost text")
	}
	if got := chunks("<"+strings.Repeat("a", 5000)+">", 3000); len(got) != 2 {
		t.Errorf("an overlong link should be cut hard, got %d chunks", len(got))
	}
}

func buttonsOf(m Message) []*slackapi.ButtonBlockElement {
	return buttons(slackapi.Blocks{BlockSet: m.Blocks})
}
