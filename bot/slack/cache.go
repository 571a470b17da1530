package slack

import (
	"bytes"
	"encoding/json"

	"github.com/certcoach/certcoach/bot"
)

// replyCache keeps the encoded JSON of recent slash-command responses; the
// share text is part of the response, so it is the cache variant.
type replyCache struct{ c *bot.RenderCache }

func newReplyCache() *replyCache { return &replyCache{c: bot.NewRenderCache()} }

// encode returns the JSON of the response for r (see toResponse).
func (c *replyCache) encode(r bot.Reply, share string) ([]byte, error) {
	return c.c.Render(r, share, func() ([]byte, error) { return encodeJSON(toResponse(r, share)) })
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
