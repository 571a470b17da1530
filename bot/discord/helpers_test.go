package discord

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// slashData builds the data of a /cert interaction from "sub [subsub] key=value ...";
// values with spaces use key="two words".
func slashData(line string) map[string]any {
	words := splitQuoted(line)
	var opts []any
	sub := map[string]any{"type": 1, "name": words[0]}
	rest := words[1:]
	target := sub
	if (words[0] == "group" || words[0] == "remind") && len(rest) > 0 {
		inner := map[string]any{"type": 1, "name": rest[0]}
		sub["type"] = 2
		sub["options"] = []any{inner}
		target, rest = inner, rest[1:]
	}
	for _, w := range rest {
		k, v, _ := strings.Cut(w, "=")
		o := map[string]any{"type": 3, "name": k, "value": v}
		if k == "count" || k == "days" {
			var n json.Number = json.Number(v)
			o["type"], o["value"] = 4, n
		}
		if strings.HasPrefix(k, "*") { // focused, for autocomplete
			o["name"], o["focused"] = k[1:], true
		}
		opts = append(opts, o)
	}
	if opts != nil {
		target["options"] = opts
	}
	return map[string]any{"id": "100000000000000010", "name": CommandName, "type": 1, "options": []any{sub}}
}

func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// who is the invoking user of a test interaction.
type who struct {
	guild, user string
	perms       int64
}

var (
	member = who{guild: "800000000000000001", user: "600000000000000001"}
	admin  = who{guild: "800000000000000001", user: "600000000000000002", perms: discordgo.PermissionManageChannels}
	dmUser = who{user: "600000000000000003"}
)

func interaction(id string, typ int, w who, data map[string]any) map[string]any {
	m := map[string]any{"id": id, "application_id": "app1", "type": typ, "token": "tok-" + id, "version": 1,
		"channel_id": "500000000000000001", "data": data, "locale": "en-US"}
	u := map[string]any{"id": w.user, "username": "user" + w.user[len(w.user)-1:], "global_name": "Learner"}
	if w.guild != "" {
		m["guild_id"] = w.guild
		m["member"] = map[string]any{"user": u, "nick": "", "permissions": json.Number(itoa(w.perms)).String(), "roles": []any{}}
	} else {
		m["user"] = u
	}
	if typ == 3 {
		m["message"] = map[string]any{"id": "400000000000000001", "channel_id": "500000000000000001", "content": ""}
	}
	return m
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func command(id string, w who, line string) map[string]any {
	return interaction(id, 2, w, slashData(line))
}

func button(id string, w who, customID string) map[string]any {
	return interaction(id, 3, w, map[string]any{"custom_id": customID, "component_type": 2})
}

func autocompleteReq(id string, w who, line string) map[string]any {
	return interaction(id, 4, w, slashData(line))
}

// checkLimits fails the test for anything Discord would reject.
func checkLimits(t *testing.T, what string, content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) {
	t.Helper()
	if width(content) > maxContent {
		t.Errorf("%s: content %d > %d", what, width(content), maxContent)
	}
	if len(embeds) > maxEmbeds {
		t.Errorf("%s: %d embeds > %d", what, len(embeds), maxEmbeds)
	}
	if content == "" && len(embeds) == 0 {
		t.Errorf("%s: empty message", what)
	}
	total := 0
	for i, e := range embeds {
		if width(e.Title) > maxTitle {
			t.Errorf("%s: embed %d title %d > %d", what, i, width(e.Title), maxTitle)
		}
		if width(e.Description) > maxDescription {
			t.Errorf("%s: embed %d description %d > %d", what, i, width(e.Description), maxDescription)
		}
		if len(e.Fields) > maxFields {
			t.Errorf("%s: embed %d has %d fields > %d", what, i, len(e.Fields), maxFields)
		}
		total += width(e.Title) + width(e.Description)
		for j, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				t.Errorf("%s: embed %d field %d empty name or value", what, i, j)
			}
			if width(f.Name) > maxFieldName || width(f.Value) > maxFieldValue {
				t.Errorf("%s: embed %d field %d name %d / value %d over %d/%d", what, i, j, width(f.Name), width(f.Value), maxFieldName, maxFieldValue)
			}
			total += width(f.Name) + width(f.Value)
		}
		if e.Footer != nil {
			if width(e.Footer.Text) > maxFooter {
				t.Errorf("%s: embed %d footer %d > %d", what, i, width(e.Footer.Text), maxFooter)
			}
			total += width(e.Footer.Text)
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil {
			t.Errorf("%s: embed %d is empty", what, i)
		}
	}
	if total > maxEmbedTotal {
		t.Errorf("%s: embeds total %d > %d", what, total, maxEmbedTotal)
	}
	if len(comps) > maxRows {
		t.Errorf("%s: %d action rows > %d", what, len(comps), maxRows)
	}
	ids := map[string]bool{}
	for i, c := range comps {
		row, ok := asRow(c)
		if !ok {
			t.Errorf("%s: component %d is not an action row", what, i)
			continue
		}
		if len(row) == 0 || len(row) > maxRowButtons {
			t.Errorf("%s: row %d has %d buttons", what, i, len(row))
		}
		for _, b := range row {
			if b.Label == "" || width(b.Label) > maxLabel {
				t.Errorf("%s: button label %q length %d", what, b.Label, width(b.Label))
			}
			if b.CustomID == "" || len(b.CustomID) > maxCustomID || ids[b.CustomID] {
				t.Errorf("%s: button custom_id %q empty, too long or repeated", what, b.CustomID)
			}
			ids[b.CustomID] = true
		}
	}
}

func asRow(c discordgo.MessageComponent) ([]discordgo.Button, bool) {
	var row discordgo.ActionsRow
	switch v := c.(type) {
	case discordgo.ActionsRow:
		row = v
	case *discordgo.ActionsRow:
		row = *v
	default:
		return nil, false
	}
	var out []discordgo.Button
	for _, x := range row.Components {
		switch b := x.(type) {
		case discordgo.Button:
			out = append(out, b)
		case *discordgo.Button:
			out = append(out, *b)
		default:
			return nil, false
		}
	}
	return out, true
}

// wireResponse is an interaction response as Discord receives it.
type wireResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *wireData                         `json:"data"`
}

type wireData struct {
	Content    string                    `json:"content"`
	Embeds     []*discordgo.MessageEmbed `json:"embeds"`
	Components []wireRow                 `json:"components"`
	Flags      int                       `json:"flags"`
	Choices    []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"choices"`
}

type wireRow struct {
	Type       int `json:"type"`
	Components []struct {
		Type     int    `json:"type"`
		Label    string `json:"label"`
		CustomID string `json:"custom_id"`
		Style    int    `json:"style"`
	} `json:"components"`
}

func (d *wireData) components() []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, r := range d.Components {
		row := discordgo.ActionsRow{}
		for _, b := range r.Components {
			row.Components = append(row.Components, discordgo.Button{Label: b.Label, CustomID: b.CustomID, Style: discordgo.ButtonStyle(b.Style)})
		}
		out = append(out, row)
	}
	return out
}

func (d *wireData) buttonIDs() []string {
	var out []string
	for _, r := range d.Components {
		for _, b := range r.Components {
			out = append(out, b.CustomID)
		}
	}
	return out
}

// allText is every visible string of a response, for content assertions.
func (d *wireData) allText() string {
	var sb strings.Builder
	sb.WriteString(d.Content)
	for _, e := range d.Embeds {
		sb.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, f := range e.Fields {
			sb.WriteString(f.Name + ": " + f.Value + "\n")
		}
		if e.Footer != nil {
			sb.WriteString(e.Footer.Text)
		}
	}
	return sb.String()
}
