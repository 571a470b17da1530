package discord

import (
	"encoding/json"

	"github.com/certcoach/certcoach/bot"
)

// responseCache keeps the encoded JSON of recent interaction responses.
// Replies with buttons (session IDs make them unique) are not kept.
type responseCache struct{ c *bot.RenderCache }

func newResponseCache() *responseCache { return &responseCache{c: bot.NewRenderCache()} }

// encode returns the JSON of response(r, component).
func (c *responseCache) encode(r bot.Reply, component bool) ([]byte, error) {
	render := func() ([]byte, error) { return json.Marshal(response(r, component)) }
	if len(r.Buttons) > 0 {
		return render()
	}
	variant := "command"
	if component {
		variant = "component"
	}
	return c.c.Render(r, variant, render)
}
