package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// Slack's hard limits for a message (https://docs.slack.dev/reference/block-kit).
const (
	maxBlocks         = 50
	maxHeader         = 150  // header block, plain text
	maxSectionText    = 3000 // section text
	maxFields         = 10   // fields of one section
	maxFieldText      = 2000 // one field
	maxContextText    = 2000 // one context element (kept below the 3000 of text objects)
	maxActionElements = 25   // elements of one actions block
	maxButtonText     = 75   // button label, plain text
	maxActionID       = 255
	maxButtonValue    = 2000
	maxFallbackText   = 3000 // the top-level text: notifications, screen readers
	maxActionBlocks   = 4    // at most 100 buttons; more are dropped with a visible "…"
)

// ShareActionID is the action ID of the "Share in channel" button; its value
// is the command text, which is run again and posted in the channel, once
// per message it sits on (firstShare).
const ShareActionID = "share"

// Message is a rendered reply: Block Kit blocks and the plain text fallback.
type Message struct {
	Blocks []slackapi.Block
	Text   string
}

// Render maps a neutral reply to Block Kit within Slack's limits. When share
// is not empty and the reply is private and shareable, a "Share in channel"
// button carries share (the command text) as its value.
func Render(r bot.Reply, share string) Message {
	var (
		head    []slackapi.Block
		content []slackapi.Block
		tail    []slackapi.Block
		lost    int // sections or buttons left out
	)
	title := strings.TrimSpace(r.Title)
	if title != "" {
		head = append(head, slackapi.NewHeaderBlock(plainText(truncate(title, maxHeader))))
	}
	if t := r.Table; t != nil && len(t.Rows) > 0 {
		content = append(content, &slackapi.SectionBlock{Type: slackapi.MBTSection, Fields: []*slackapi.TextBlockObject{
			mrkdwnText(truncate("*"+escape(nonEmpty(t.Left))+"*", maxFieldText)),
			mrkdwnText(truncate("*"+escape(nonEmpty(t.Right))+"*", maxFieldText)),
		}})
		for _, row := range t.Rows {
			s := &slackapi.SectionBlock{Type: slackapi.MBTSection, Fields: []*slackapi.TextBlockObject{
				mrkdwnText(truncate(Mrkdwn(nonEmpty(row.Left)), maxFieldText)),
				mrkdwnText(truncate(Mrkdwn(nonEmpty(row.Right)), maxFieldText)),
			}}
			if l := strings.TrimSpace(row.Label); l != "" {
				s.Text = mrkdwnText(truncate("*"+escape(l)+"*", maxSectionText))
			}
			content = append(content, s)
		}
	}
	body := r.Body
	if strings.TrimSpace(body) == "" && r.Attachment != nil {
		body = "```" + string(r.Attachment.Content) + "```"
	}
	bodyText := Mrkdwn(strings.TrimSpace(body))
	for _, chunk := range chunks(bodyText, maxSectionText) {
		content = append(content, slackapi.NewSectionBlock(mrkdwnText(chunk), nil, nil))
	}
	var inline []*slackapi.TextBlockObject
	flush := func() {
		if len(inline) > 0 {
			content = append(content, &slackapi.SectionBlock{Type: slackapi.MBTSection, Fields: inline})
			inline = nil
		}
	}
	for _, f := range r.Fields {
		name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
		if name == "" && value == "" {
			continue
		}
		text := Mrkdwn(value)
		if name != "" {
			text = "*" + escape(name) + "*\n" + text
		}
		if f.Inline {
			inline = append(inline, mrkdwnText(truncate(text, maxFieldText)))
			if len(inline) == maxFields {
				flush()
			}
			continue
		}
		flush()
		for _, chunk := range chunks(text, maxSectionText) {
			content = append(content, slackapi.NewSectionBlock(mrkdwnText(chunk), nil, nil))
		}
	}
	flush()

	buttons := r.Buttons
	if share != "" && r.Private && r.Shareable && len(share) <= maxButtonValue {
		buttons = append(buttons[:len(buttons):len(buttons)], bot.Button{ID: ShareActionID, Label: "Share in channel"})
	}
	if len(buttons) > 0 {
		elems := make([]slackapi.BlockElement, 0, min(len(buttons), maxActionElements))
		seen := make(map[string]bool, len(buttons))
		for i, b := range buttons {
			if len(tail) == maxActionBlocks {
				lost += len(buttons) - i
				break
			}
			elems = append(elems, button(b, i, seen, share))
			if len(elems) == maxActionElements {
				tail = append(tail, slackapi.NewActionBlock("", elems...))
				elems = make([]slackapi.BlockElement, 0, maxActionElements)
			}
		}
		if len(elems) > 0 && len(tail) < maxActionBlocks {
			tail = append(tail, slackapi.NewActionBlock("", elems...))
		}
	}
	if f := strings.TrimSpace(r.Footer); f != "" {
		tail = append(tail, slackapi.NewContextBlock("", mrkdwnText(truncate(Mrkdwn(f), maxContextText))))
	}

	room := maxBlocks - len(head) - len(tail)
	if len(content) > room {
		lost += len(content) - (room - 1)
		content = content[:room-1]
	}
	blocks := make([]slackapi.Block, 0, len(head)+len(content)+len(tail)+1)
	blocks = append(blocks, head...)
	blocks = append(blocks, content...)
	if lost > 0 {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwnText("… "+strconv.Itoa(lost)+" more not shown (too long for one Slack message)")))
	}
	blocks = append(blocks, tail...)
	return Message{Blocks: blocks, Text: fallback(title, bodyText, r)}
}

// fallback is the top-level text: shown in notifications and by clients
// that cannot render blocks.
func fallback(title, body string, r bot.Reply) string {
	s := body
	if title != "" {
		s = escape(title)
		if body != "" {
			s += "\n" + body
		}
	}
	if s == "" && r.Table != nil {
		s = escape(r.Table.Left + " vs " + r.Table.Right)
	}
	if s == "" && len(r.Fields) > 0 {
		s = escape(r.Fields[0].Name)
	}
	if s == "" {
		s = "certcoach"
	}
	return truncate(s, maxFallbackText)
}

func button(b bot.Button, i int, seen map[string]bool, share string) *slackapi.ButtonBlockElement {
	id, value := b.ID, b.ID
	if b.ID == ShareActionID {
		value = share
	}
	if id == "" || len(id) > maxActionID || seen[id] {
		id = "btn:" + strconv.Itoa(i)
	}
	seen[id] = true
	if len(value) > maxButtonValue {
		value = "" // routed by action ID, which then must be the real one
	}
	el := slackapi.NewButtonBlockElement(id, value, plainText(truncate(nonEmpty(strings.TrimSpace(b.Label)), maxButtonText)))
	switch b.Style {
	case bot.StylePrimary:
		el.Style = slackapi.StylePrimary
	case bot.StyleDanger:
		el.Style = slackapi.StyleDanger
	}
	return el
}

var emojiOn = true

func plainText(s string) *slackapi.TextBlockObject {
	return &slackapi.TextBlockObject{Type: slackapi.PlainTextType, Text: s, Emoji: &emojiOn}
}

func mrkdwnText(s string) *slackapi.TextBlockObject {
	return &slackapi.TextBlockObject{Type: slackapi.MarkdownType, Text: s}
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// escape makes text safe for mrkdwn: Slack gives &, < and > meaning.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		writeEscaped(&b, s[i])
	}
	return b.String()
}

func writeEscaped(b *strings.Builder, c byte) {
	switch c {
	case '&':
		b.WriteString("&amp;")
	case '<':
		b.WriteString("&lt;")
	case '>':
		b.WriteString("&gt;")
	default:
		b.WriteByte(c)
	}
}

// Mrkdwn converts the reply Markdown subset (**bold**, _italic_, `code`,
// "- " bullets, [text](url) links) to Slack mrkdwn, escaping everything else.
func Mrkdwn(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	lineStart := true
	for i := 0; i < len(s); {
		c := s[i]
		if lineStart {
			lineStart = false
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j+1 < len(s) && (s[j] == '-' || s[j] == '*') && s[j+1] == ' ' {
				b.WriteString(s[i:j])
				b.WriteString("• ")
				i = j + 2
				continue
			}
		}
		switch c {
		case '\n':
			lineStart = true
			b.WriteByte(c)
		case '*':
			b.WriteByte('*')
			if i+1 < len(s) && s[i+1] == '*' {
				i++
			}
		case '[':
			if text, url, n := link(s[i:]); n > 0 {
				b.WriteByte('<')
				b.WriteString(escape(url))
				b.WriteByte('|')
				b.WriteString(escape(text))
				b.WriteByte('>')
				i += n
				continue
			}
			b.WriteByte(c)
		default:
			writeEscaped(&b, c)
		}
		i++
	}
	return b.String()
}

// link parses "[text](url)" at the start of s, for web and mail URLs only.
func link(s string) (text, url string, n int) {
	end := strings.IndexByte(s, ']')
	if end < 2 || end+1 >= len(s) || s[end+1] != '(' || strings.IndexByte(s[1:end], '\n') >= 0 {
		return "", "", 0
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 1 {
		return "", "", 0
	}
	url = s[end+2 : end+2+close]
	if strings.ContainsAny(url, " \n|<>") || !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "mailto:")) {
		return "", "", 0
	}
	return s[1:end], url, end + 3 + close
}

// truncate cuts s to at most n runes, ending with a visible "…", without
// breaking an escape sequence or a <link|text>.
func truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	head, _ := cut(s, n-1)
	return head + "…"
}

// chunks splits s into pieces of at most n runes, preferring line breaks,
// then spaces.
func chunks(s string, n int) []string {
	if s == "" {
		return nil
	}
	var out []string
	for s != "" {
		if len(s) <= n || utf8.RuneCountInString(s) <= n {
			out = append(out, s)
			break
		}
		head, rest := cut(s, n)
		if head == "" { // a single link longer than n: cut it hard
			head, rest = s[:runeOffset(s, n)], s[runeOffset(s, n):]
		}
		if i := strings.LastIndexByte(head, '\n'); i > len(head)/2 {
			head, rest = head[:i], head[i+1:]+rest
		} else if i := strings.LastIndexByte(head, ' '); i > len(head)/2 {
			head, rest = head[:i], head[i+1:]+rest
		}
		if strings.TrimSpace(head) != "" {
			out = append(out, head)
		}
		s = rest
	}
	return out
}

func runeOffset(s string, n int) int {
	i := 0
	for count := 0; i < len(s) && count < n; count++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// cut splits s after at most n runes, moving the cut back so that it does not
// split an entity (&amp;) or a <link|text>.
func cut(s string, n int) (head, rest string) {
	head = s[:runeOffset(s, n)]
	if lt := strings.LastIndexByte(head, '<'); lt > 0 && strings.IndexByte(head[lt:], '>') < 0 {
		head = head[:lt]
	}
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && amp > len(head)-5 && strings.IndexByte(head[amp:], ';') < 0 {
		head = head[:amp]
	}
	return head, s[len(head):]
}
