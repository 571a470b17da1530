// Command ceiling is the Slack ceiling for load tests: a bare net/http
// handler that only checks the request's HMAC signature (slack-go's
// SecretsVerifier, 5-minute window) and writes a fixed Block Kit reply,
// behind the same http.Server settings as `certcoach serve`. The reply is
// certcoach's own `/cert compare` answer, rendered once at start, so both
// servers put the same bytes on the wire. Run it and `certcoach serve`
// alternately under cmd/certload to compare.
//
//	go build -o /tmp/slack-ceiling ./bot/slack/testdata/ceiling
//	SLACK_SIGNING_SECRET=x CERTCOACH_ADDR=127.0.0.1:18083 /tmp/slack-ceiling
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
)

func main() {
	secret := os.Getenv("SLACK_SIGNING_SECRET")
	if secret == "" {
		log.Fatal("set SLACK_SIGNING_SECRET")
	}
	fixed := compareReply()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusRequestEntityTooLarge)
			return
		}
		v, err := slackapi.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(&v, bytes.NewReader(body))
		if v.Ensure() != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(fixed)))
		_, _ = w.Write(fixed)
	})
	addr := os.Getenv("CERTCOACH_ADDR")
	if addr == "" {
		addr = "127.0.0.1:18083"
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	log.Fatal(srv.ListenAndServe())
}

// compareReply renders certcoach's compare answer once, as the Slack
// adapter would send it.
func compareReply() []byte {
	ctx := context.Background()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "ceiling")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	r := bot.NewEngine(kb, st, bot.Options{}).Handle(ctx, bot.Request{Actor: bot.Actor{Platform: "slack", Workspace: "T", User: "U"}, Text: "compare"})
	m := slack.Render(r, "compare")
	b, err := json.Marshal(map[string]any{"response_type": "ephemeral", "text": m.Text, "blocks": m.Blocks})
	if err != nil {
		log.Fatal(err)
	}
	return b
}
