package discord

import (
	"bytes"
	"strings"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// Discord's message limits (DEPENDENCIES.md). Lengths are counted in UTF-16
// code units, which is never less than Discord's own character count.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxRows        = 5
	maxRowButtons  = 5
	maxLabel       = 80
	maxCustomID    = 100
	maxFileBytes   = 8 << 20
)

const (
	ellipsis = "…"
	blank    = "\u200b" // zero-width space: Discord rejects empty field names and values
)

// Embed colours: certcoach teal, and red for errors.
const (
	colorOK    = 0x1f8a70
	colorError = 0xc0392b
)

// Message is a rendered reply, ready for any of Discord's send paths.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Files      []*discordgo.File
	Ephemeral  bool
}

// Render maps a platform-neutral reply to embeds and buttons within
// Discord's limits: text that does not fit is split across embeds where a
// limit allows it and truncated with a visible "…" where it does not.
func Render(r bot.Reply) Message {
	m := Message{Ephemeral: r.Private}
	b := &budget{left: maxEmbedTotal - 1} // one spare for markCut's "…"
	color := colorOK
	if r.Outcome == bot.OutcomeError || r.Outcome == bot.OutcomeUserError || r.Outcome == bot.OutcomeLimited {
		color = colorError
	}
	title := b.take(oneLine(r.Title), maxTitle)
	footer := b.take(r.Footer, maxFooter)

	fields := replyFields(r)
	need := 0
	for _, f := range fields {
		need += width(f.Name) + width(f.Value)
	}
	// The description may use what the fields leave, but at least half.
	descBudget := max(b.left-need, b.left/2)
	desc := r.Body
	if r.Attachment != nil && len(r.Attachment.Content) <= maxFileBytes {
		m.Files = []*discordgo.File{{Name: r.Attachment.Name, ContentType: r.Attachment.MIME,
			Reader: bytes.NewReader(r.Attachment.Content)}}
		if desc == "" {
			desc = "Attached: `" + r.Attachment.Name + "`"
		}
	} else if r.Attachment != nil && desc == "" {
		desc = string(r.Attachment.Content)
	}
	chunks := splitText(truncate(desc, descBudget), maxDescription)
	for _, c := range chunks {
		b.left -= width(c)
	}

	cur := &discordgo.MessageEmbed{Title: title, Color: color}
	if len(chunks) > 0 {
		cur.Description = chunks[0]
	}
	m.Embeds = append(m.Embeds, cur)
	for _, c := range chunks[min(1, len(chunks)):] {
		if len(m.Embeds) == maxEmbeds {
			break
		}
		cur = &discordgo.MessageEmbed{Description: c, Color: color}
		m.Embeds = append(m.Embeds, cur)
	}
	for i, f := range fields {
		if len(cur.Fields) == maxFields || len(cur.Fields)+f.keep > maxFields {
			if len(m.Embeds) == maxEmbeds {
				markCut(m.Embeds)
				break
			}
			cur = &discordgo.MessageEmbed{Color: color}
			m.Embeds = append(m.Embeds, cur)
		}
		if b.left < width(blank)+8 {
			markCut(m.Embeds)
			break
		}
		name := b.take(f.Name, min(maxFieldName, b.left/2))
		value := b.take(f.Value, maxFieldValue)
		if name == "" {
			name = blank
		}
		if value == "" {
			value = blank
			b.left -= width(blank)
		}
		cur.Fields = append(cur.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: f.Inline})
		if value != f.Value && value != blank && i < len(fields)-1 {
			break // out of room: the "…" on this value shows the cut
		}
	}
	if footer != "" {
		cur.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	if len(m.Embeds) == 1 && m.Embeds[0].Title == "" && m.Embeds[0].Description == "" && len(m.Embeds[0].Fields) == 0 && m.Embeds[0].Footer == nil {
		m.Embeds = nil
		m.Content = "Done."
	}
	if img := r.Image; img != nil && len(img.PNG) > 0 && len(img.PNG) <= maxFileBytes && len(m.Embeds) > 0 {
		// The picture travels as an attachment of the same message, and the
		// first embed shows it by name; the embed's text says the same.
		m.Files = append(m.Files, &discordgo.File{Name: img.Name, ContentType: "image/png", Reader: bytes.NewReader(img.PNG)})
		m.Embeds[0].Image = &discordgo.MessageEmbedImage{URL: "attachment://" + img.Name}
	}
	m.Components = buttons(r.Buttons)
	return m
}

// replyFields lists the reply's fields, then its comparison table as inline
// fields (two columns a row, a spacer keeping rows aligned), with long
// values split into continuation fields.
func replyFields(r bot.Reply) []field {
	var out []field
	for _, f := range r.Fields {
		parts := splitText(f.Value, maxFieldValue)
		if len(parts) == 0 {
			parts = []string{""}
		}
		for i, p := range parts {
			name := f.Name
			if i > 0 {
				name = blank
			}
			out = append(out, field{Field: bot.Field{Name: name, Value: p, Inline: f.Inline && len(parts) == 1}})
		}
	}
	if t := r.Table; t != nil {
		for i, row := range t.Rows {
			out = append(out,
				field{Field: bot.Field{Name: joinName(row.Label, t.Left), Value: truncate(row.Left, maxFieldValue), Inline: true}, keep: 3},
				field{Field: bot.Field{Name: joinName(row.Label, t.Right), Value: truncate(row.Right, maxFieldValue), Inline: true}})
			if i < len(t.Rows)-1 {
				out = append(out, field{Field: bot.Field{Name: blank, Value: blank, Inline: true}})
			}
		}
	}
	return out
}

// field is a field to render; keep > 0 starts a run of fields that must sit
// in the same embed (a table row).
type field struct {
	bot.Field
	keep int
}

func joinName(label, col string) string {
	switch {
	case label == "":
		return col
	case col == "":
		return label
	}
	return label + " · " + col
}

// markCut ends the last field with "…" to show that fields were left out.
func markCut(embeds []*discordgo.MessageEmbed) {
	for k := len(embeds) - 1; k >= 0; k-- {
		if n := len(embeds[k].Fields); n > 0 {
			f := embeds[k].Fields[n-1]
			if v := truncate(f.Value, maxFieldValue-1); !strings.HasSuffix(v, ellipsis) {
				f.Value = v + ellipsis
			} else {
				f.Value = v
			}
			return
		}
	}
}

// buttons lays out up to 25 buttons, five to an action row. Labels and IDs
// are kept within limits; a button whose action ID does not fit, or repeats
// one already shown, is left out (it could not be routed), and a "…" on the
// last label shows that buttons were dropped.
func buttons(in []bot.Button) []discordgo.MessageComponent {
	var (
		rows []discordgo.MessageComponent
		row  discordgo.ActionsRow
		seen = map[string]bool{}
		cut  bool
		n    int
	)
	for _, b := range in {
		if b.ID == "" || len(b.ID) > maxCustomID || seen[b.ID] {
			cut = true
			continue
		}
		if n == maxRows*maxRowButtons {
			cut = true
			break
		}
		seen[b.ID] = true
		label := truncate(oneLine(b.Label), maxLabel)
		if label == "" {
			label = "·"
		}
		style := discordgo.SecondaryButton
		switch b.Style {
		case bot.StylePrimary:
			style = discordgo.PrimaryButton
		case bot.StyleDanger:
			style = discordgo.DangerButton
		}
		row.Components = append(row.Components, discordgo.Button{Label: label, Style: style, CustomID: b.ID})
		n++
		if len(row.Components) == maxRowButtons {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	if cut && len(rows) > 0 {
		last := rows[len(rows)-1].(discordgo.ActionsRow)
		btn := last.Components[len(last.Components)-1].(discordgo.Button)
		btn.Label = truncate(btn.Label, maxLabel-1) + ellipsis
		last.Components[len(last.Components)-1] = btn
		rows[len(rows)-1] = last
	}
	return rows
}

// budget tracks what is left of the 6000 characters a message's embeds share.
type budget struct{ left int }

// take truncates s to at most limit and to what is left, and charges it.
func (b *budget) take(s string, limit int) string {
	s = truncate(s, min(limit, max(b.left, 0)))
	b.left -= width(s)
	return s
}

// width is the length Discord charges for s (UTF-16 code units, an upper
// bound of its character count).
func width(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// truncate shortens s to at most n width units, ending in "…" when cut.
func truncate(s string, n int) string {
	if width(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	w := 0
	for i, r := range s {
		rw := len(utf16.Encode([]rune{r}))
		if w+rw > n-1 {
			return strings.TrimRight(s[:i], " \n") + ellipsis
		}
		w += rw
	}
	return s
}

// splitText breaks s into chunks of at most n width units, at line breaks
// where possible.
func splitText(s string, n int) []string {
	if s == "" {
		return nil
	}
	var out []string
	for width(s) > n {
		cut := prefixWithin(s, n)
		if i := strings.LastIndexByte(s[:cut], '\n'); i > cut/2 {
			cut = i + 1
		}
		out = append(out, strings.TrimRight(s[:cut], "\n"))
		s = s[cut:]
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, s)
	}
	return out
}

// prefixWithin returns the byte length of the longest prefix of s that is at
// most n width units, on a rune boundary.
func prefixWithin(s string, n int) int {
	w := 0
	for i, r := range s {
		rw := 1
		if r >= 0x10000 {
			rw = 2
		}
		if w+rw > n {
			return i
		}
		w += rw
	}
	return len(s)
}

func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
