package discord

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// responseCache keeps the encoded JSON of recent interaction responses.
// Replies with buttons (session IDs make them unique) are not kept.
type responseCache struct{ c *bot.RenderCache }

func newResponseCache() *responseCache { return &responseCache{c: bot.NewRenderCache()} }

// encode returns the JSON of response(r, component).
func (c *responseCache) encode(r bot.Reply, component bool) ([]byte, error) {
	render := func() ([]byte, error) { return marshalResponse(response(r, component)) }
	if len(r.Buttons) > 0 {
		return render()
	}
	variant := "command"
	if component {
		variant = "component"
	}
	return c.c.Render(r, variant, render)
}

// newMessage is the JSON of a response that posts a new message.
// discordgo's InteractionResponseData always writes "tts", "content" and
// "components", which only matter when updating a message (where empty
// values clear the old ones); new messages leave them out.
type newMessage struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data newMessageData                    `json:"data"`
}

type newMessageData struct {
	Content    string                       `json:"content,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Flags      discordgo.MessageFlags       `json:"flags,omitempty"`
}

// marshalResponse encodes an HTTP interaction response.
func marshalResponse(resp *discordgo.InteractionResponse) ([]byte, error) {
	d := resp.Data
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || d == nil || d.TTS || len(d.Files) > 0 ||
		d.AllowedMentions != nil || d.Attachments != nil || d.Poll != nil || len(d.Choices) > 0 || d.CustomID != "" || d.Title != "" {
		return json.Marshal(resp)
	}
	return json.Marshal(newMessage{Type: resp.Type, Data: newMessageData{Content: d.Content, Components: d.Components,
		Embeds: d.Embeds, Flags: d.Flags}})
}
