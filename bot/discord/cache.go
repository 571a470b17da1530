package discord

import (
	"encoding/json"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/certcoach/certcoach/bot"
)

// responseCache keeps the encoded JSON of recent interaction responses.
// Reference replies (compare, domains, help) are the same for many users,
// and rendering plus reflective JSON encoding was about a sixth of an HTTP
// interaction's CPU time; a hit costs a hash and an equality check of the
// reply's strings. Entries match on the whole reply, never the hash alone.
// Replies with buttons (session IDs make them unique) or files are not kept.
type responseCache struct {
	seed maphash.Seed
	mu   sync.Mutex
	m    map[uint64]cachedResponse
}

type cachedResponse struct {
	reply     bot.Reply
	component bool
	json      []byte
}

const (
	maxCachedResponses    = 256
	maxCachedResponseSize = 32 << 10
)

func newResponseCache() *responseCache {
	return &responseCache{seed: maphash.MakeSeed(), m: map[uint64]cachedResponse{}}
}

// encode returns the JSON of response(r, component).
func (c *responseCache) encode(r bot.Reply, component bool) ([]byte, error) {
	if r.Attachment != nil || len(r.Buttons) > 0 {
		return json.Marshal(response(r, component))
	}
	h := c.hash(r, component)
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && e.component == component && sameReply(e.reply, r) {
		return e.json, nil
	}
	b, err := json.Marshal(response(r, component))
	if err != nil || len(b) > maxCachedResponseSize {
		return b, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedResponses {
		clear(c.m)
	}
	c.m[h] = cachedResponse{reply: cloneReply(r), component: component, json: b}
	c.mu.Unlock()
	return b, nil
}

func (c *responseCache) hash(r bot.Reply, component bool) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	s := func(v string) {
		h.WriteString(v)
		h.WriteByte(0)
	}
	s(r.Title)
	s(r.Body)
	s(r.Footer)
	s(r.Outcome)
	flags := byte(0)
	for i, f := range []bool{component, r.Private, r.Replace, r.Table != nil} {
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
	return h.Sum64()
}

// sameReply reports whether two replies render identically.
func sameReply(a, b bot.Reply) bool {
	if a.Title != b.Title || a.Body != b.Body || a.Footer != b.Footer || a.Outcome != b.Outcome ||
		a.Private != b.Private || a.Replace != b.Replace || a.Attachment != nil || b.Attachment != nil ||
		!slices.Equal(a.Fields, b.Fields) || !slices.Equal(a.Buttons, b.Buttons) || (a.Table == nil) != (b.Table == nil) {
		return false
	}
	if a.Table == nil {
		return true
	}
	return a.Table.Left == b.Table.Left && a.Table.Right == b.Table.Right && slices.Equal(a.Table.Rows, b.Table.Rows)
}

// cloneReply copies the slices a cached reply keeps, so a caller changing
// its reply later cannot change the cache.
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
