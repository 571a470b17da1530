package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/internal/cputime"
)

// The benchmark pair: BenchmarkVerifyOnly is the ceiling (a bare handler
// that checks the HMAC and writes a fixed Block Kit reply);
// BenchmarkFullPath is the adapter: verify, parse, engine, render.
// cpu-ns/op is the process's CPU per request, the collector's included.

// ceiling is the bare handler: read, verify, write a fixed reply.
func ceiling(secret string, reply []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if Verify(r.Header, body, secret) != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(reply)
	})
}

type benchReq struct {
	body []byte
	hdr  http.Header
}

func newBenchReq(user string) benchReq {
	e := &env{hookURL: "http://127.0.0.1:1"}
	body := e.slashBody(user, "compare")
	ts := time.Now().Unix()
	h := http.Header{}
	h.Set("Content-Type", formType)
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("X-Slack-Signature", Sign(testSecret, ts, body))
	return benchReq{body: body, hdr: h}
}

func (br benchReq) serve(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(br.body))
	req.Header = br.hdr
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
}

func benchAdapter(b *testing.B) *Adapter {
	st, _ := openStore(b)
	eng := bot.NewEngine(loadKB(b), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test",
		APIURL: "http://127.0.0.1:1/", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close(context.Background()) })
	return a
}

func BenchmarkVerifyOnly(b *testing.B) {
	a := benchAdapter(b)
	r := a.eng.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "slack", Workspace: testTeam, User: testUser}, Text: "compare"})
	reply, _ := json.Marshal(toResponse(r, "compare"))
	h := ceiling(testSecret, reply)
	br := newBenchReq(testUser)
	b.ReportAllocs()
	defer cputime.Measure(b)()
	for b.Loop() {
		br.serve(b, h)
	}
}

func BenchmarkFullPath(b *testing.B) {
	a := benchAdapter(b)
	br := newBenchReq(testUser)
	br.serve(b, a) // first contact: creates the user
	b.ReportAllocs()
	defer cputime.Measure(b)()
	for b.Loop() {
		br.serve(b, a)
	}
}

// BenchmarkRender is the renderer alone on the compare reply.
func BenchmarkRender(b *testing.B) {
	a := benchAdapter(b)
	r := a.eng.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "slack", Workspace: testTeam, User: testUser}, Text: "compare"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(toResponse(r, "compare")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngineCompare is the engine alone, for comparison.
func BenchmarkEngineCompare(b *testing.B) {
	a := benchAdapter(b)
	req := bot.Request{Actor: bot.Actor{Platform: "slack", Workspace: testTeam, User: testUser}, Text: "compare"}
	b.ReportAllocs()
	for b.Loop() {
		a.eng.Handle(context.Background(), req)
	}
}
