package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/internal/cputime"
)

// signedRequests prepares n signed /cert <line> interactions with distinct IDs.
func signedRequests(b testing.TB, n int, line string) []*http.Request {
	return signedRequestsAt(b, n, line, time.Now())
}

// signedRequestsAt signs them all at one time: the handlers under
// benchmark run with their clock stopped there, as if each request had
// just arrived (signing b.N of them takes seconds).
func signedRequestsAt(b testing.TB, n int, line string, at time.Time) []*http.Request {
	b.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	base := time.Now().UnixNano() / 1000
	out := make([]*http.Request, n)
	for i := range out {
		body := mustJSON(command(strconv.FormatInt(base+int64(i), 10), member, line))
		r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
		r.Header.Set("X-Signature-Ed25519", Sign(testKey, ts, body))
		r.Header.Set("X-Signature-Timestamp", ts)
		out[i] = r
	}
	return out
}

// verifyOnly is the ceiling: read the body, verify Ed25519, write a fixed
// embed reply.
func verifyOnly(key ed25519.PublicKey) http.Handler {
	fixed, _ := json.Marshal(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Title: "CISM vs CISSP",
			Description: "Choose CISM if you run a security program; CISSP for broad technical depth."}}}})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !discordgo.VerifyInteraction(r, key) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(fixed)
	})
}

// benchStart is when benchmark requests are signed and handled.
var benchStart = time.Now()

func stoppedClock() time.Time { return benchStart }

// BenchmarkVerifyOnly is the ceiling a Discord HTTP handler can reach here.
func BenchmarkVerifyOnly(b *testing.B) {
	benchHandler(b, verifyOnly(testKey.Public().(ed25519.PublicKey)))
}

// BenchmarkFullPath is the real handler as serve runs it: verify,
// timestamp, parse, engine, render, encode. compare is read-only, so no
// dedupe record is written for it (a command with effects commits one
// before its answer: storage/internal/sqlstore's BenchmarkDelivery).
func BenchmarkFullPath(b *testing.B) {
	ev := newEnv(b, "")
	ev.a.now = stoppedClock
	benchHandler(b, ev.a.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
}

// benchHandler serves signed /cert compare requests from 16 goroutines, as
// a server under load does: requests run one after another only in a
// sequential benchmark, where every group commit is a batch of one and its
// hand-offs dominate. cpu-ns/op is the CPU per request; ns/op the wall time
// per request over both cores.
func benchHandler(b *testing.B, h http.Handler) {
	reqs := signedRequestsAt(b, b.N, "compare", stoppedClock())
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	defer cputime.Measure(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, reqs[next.Add(1)-1])
			if w.Code != http.StatusOK {
				b.Errorf("status %d: %s", w.Code, w.Body.String())
				return
			}
		}
	})
}
