package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/discord"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

// FuzzInteractions: any body Discord could sign is answered without a
// panic and without a 5xx.
func FuzzInteractions(f *testing.F) {
	for _, s := range []string{
		`{"type":1,"id":"1","application_id":"9","token":"t"}`,
		`{"type":2,"id":"2","application_id":"9","token":"t","guild_id":"5","channel_id":"6","member":{"user":{"id":"7","username":"u"},"permissions":"0"},"data":{"id":"8","name":"cert","type":1,"options":[{"name":"quiz","type":1,"options":[{"name":"cert","type":3,"value":"cism"},{"name":"count","type":3,"value":"3"}]}]}}`,
		`{"type":2,"id":"3","token":"t","user":{"id":"7"},"data":{"id":"8","name":"cert","type":1,"options":[{"name":"compare","type":1,"options":[{"name":"topic","type":3,"value":"bcp"}]}]}}`,
		`{"type":2,"id":"4","token":"t","guild_id":"5","member":{"user":{"id":"7"},"permissions":"32"},"data":{"name":"cert","options":[{"name":"group","type":2,"options":[{"name":"daily","type":1,"options":[{"name":"time","type":3,"value":"09:00"}]}]}]}}`,
		`{"type":2,"id":"5","token":"t","user":{"id":"7"},"data":{"name":"cert","options":[{"name":"export","type":1}]}}`,
		`{"type":3,"id":"6","token":"t","guild_id":"5","member":{"user":{"id":"7"}},"data":{"custom_id":"quiz:answer:x:0:1","component_type":2},"message":{"id":"1"}}`,
		`{"type":4,"id":"7","token":"t","user":{"id":"7"},"data":{"name":"cert","options":[{"name":"quiz","type":1,"options":[{"name":"domain","type":3,"value":"1","focused":true}]}]}}`,
		`{"type":2,"id":"8","data":{"name":"cert","options":[{"name":"quiz","type":1,"options":[{"name":"count","type":4,"value":1e999}]}]}}`,
		`{"type":2,"id":"9","data":null}`, `{"type":3,"id":"10","data":{}}`, `{"type":99}`, `null`, `[]`, `{`,
	} {
		f.Add([]byte(s))
	}
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	st := sqlitetest.Open(f, "fuzz.db")
	// Deferred replies go to a loopback port nothing listens on.
	sess, err := discord.NewSession("", "http://127.0.0.1:1")
	if err != nil {
		f.Fatal(err)
	}
	a, err := discord.New(discord.Options{Engine: bot.NewEngine(kb, st, bot.Options{}), Seen: st, Session: sess})
	if err != nil {
		f.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	key, err := discord.ParsePublicKey(hex.EncodeToString(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		f.Fatal(err)
	}
	h := a.HTTPHandler(key)
	f.Fuzz(func(t *testing.T, body []byte) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Signature-Timestamp", ts)
		r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
		if w.Code == http.StatusUnauthorized {
			t.Fatalf("a correctly signed request was refused: %s", w.Body.String())
		}
	})
}
