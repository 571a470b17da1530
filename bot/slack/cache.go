package slack

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/certcoach/certcoach/bot"
)

// replyCache keeps the encoded JSON of recent replies. Reference replies
// (compare, domains, help) are the same for everyone, and encoding Block Kit
// through reflection was about a fifth of a slash command's CPU time; a hit
// costs a hash and an equality check of the reply's strings. Entries are
// matched on the whole reply, never on the hash alone.
type replyCache struct {
	seed maphash.Seed
	mu   sync.Mutex
	m    map[uint64]cachedReply
}

type cachedReply struct {
	reply bot.Reply
	share string
	json  []byte
}

const (
	maxCachedReplies   = 256
	maxCachedReplySize = 32 << 10
)

func newReplyCache() *replyCache {
	return &replyCache{seed: maphash.MakeSeed(), m: map[uint64]cachedReply{}}
}

// encode returns the JSON of the response for r (see toResponse).
func (c *replyCache) encode(r bot.Reply, share string) ([]byte, error) {
	if r.Attachment != nil { // exports are personal and large: never cached
		return encodeJSON(toResponse(r, share))
	}
	h := c.hash(r, share)
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && e.share == share && sameReply(e.reply, r) {
		return e.json, nil
	}
	b, err := encodeJSON(toResponse(r, share))
	if err != nil || len(b) > maxCachedReplySize {
		return b, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedReplies {
		clear(c.m)
	}
	c.m[h] = cachedReply{reply: cloneReply(r), share: share, json: b}
	c.mu.Unlock()
	return b, nil
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

func (c *replyCache) hash(r bot.Reply, share string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	s := func(v string) {
		h.WriteString(v)
		h.WriteByte(0)
	}
	s(share)
	s(r.Title)
	s(r.Body)
	s(r.Footer)
	flags := byte(0)
	for i, f := range []bool{r.Private, r.Replace, r.Shareable, r.Table != nil} {
		if f {
			flags |= 1 << i
		}
	}
	h.WriteByte(flags)
	for _, f := range r.Fields {
		s(f.Name)
		s(f.Value)
	}
	if r.Table != nil {
		s(r.Table.Left)
		s(r.Table.Right)
		for _, row := range r.Table.Rows {
			s(row.Label)
			s(row.Left)
			s(row.Right)
		}
	}
	for _, b := range r.Buttons {
		s(b.ID)
		s(b.Label)
	}
	return h.Sum64()
}

// sameReply reports whether two replies render identically.
func sameReply(a, b bot.Reply) bool {
	if a.Title != b.Title || a.Body != b.Body || a.Footer != b.Footer || a.Private != b.Private ||
		a.Replace != b.Replace || a.Shareable != b.Shareable || a.Attachment != nil || b.Attachment != nil ||
		!slices.Equal(a.Fields, b.Fields) || !slices.Equal(a.Buttons, b.Buttons) || (a.Table == nil) != (b.Table == nil) {
		return false
	}
	if a.Table == nil {
		return true
	}
	return a.Table.Left == b.Table.Left && a.Table.Right == b.Table.Right && slices.Equal(a.Table.Rows, b.Table.Rows)
}

// cloneReply copies the slices a reply shares with its producer.
func cloneReply(r bot.Reply) bot.Reply {
	r.Fields = slices.Clone(r.Fields)
	r.Buttons = slices.Clone(r.Buttons)
	if r.Table != nil {
		t := *r.Table
		t.Rows = slices.Clone(t.Rows)
		r.Table = &t
	}
	return r
}
