// Command ceiling is the Discord HTTP interactions ceiling for load tests:
// it only reads the body, verifies the Ed25519 signature with
// discordgo.VerifyInteraction and writes a fixed embed reply, behind the same
// http.Server settings as `certcoach serve`. With FULL=1 it serves the real
// adapter (store at CERTCOACH_DB, embedded knowledge, engine) without
// serve's middleware, and /debug/pprof for profiling.
//
//	go build -o /tmp/ceiling ./bot/discord/testdata/ceiling
//	DISCORD_PUBLIC_KEY=<hex> CERTCOACH_ADDR=127.0.0.1:18082 /tmp/ceiling
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/discord"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
)

func main() {
	key, err := hex.DecodeString(os.Getenv("DISCORD_PUBLIC_KEY"))
	if err != nil || len(key) != ed25519.PublicKeySize {
		log.Fatal("set DISCORD_PUBLIC_KEY to a hex Ed25519 public key")
	}
	fixed, _ := json.Marshal(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Title: "CISM vs CISSP",
			Description: "Choose CISM if you run a security program; CISSP for broad technical depth."}}}})
	if f := os.Getenv("CEILING_BODY"); f != "" {
		// The same bytes the real handler answers /cert compare with, so
		// that the comparison is not also one of reply sizes.
		if fixed, err = os.ReadFile(f); err != nil {
			log.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ceiling/interactions", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !discordgo.VerifyInteraction(r, ed25519.PublicKey(key)) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(fixed)
	})
	if os.Getenv("FULL") == "1" {
		full(mux, ed25519.PublicKey(key))
	}
	addr := os.Getenv("CERTCOACH_ADDR")
	if addr == "" {
		addr = "127.0.0.1:18082"
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	log.Fatal(srv.ListenAndServe())
}

// full serves the real adapter on POST /discord/interactions.
func full(mux *http.ServeMux, key ed25519.PublicKey) {
	ctx := context.Background()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		log.Fatal(err)
	}
	st, err := sqlite.Open(ctx, os.Getenv("CERTCOACH_DB"))
	if err != nil {
		log.Fatal(err)
	}
	s, err := discord.NewSession("", "http://127.0.0.1:1")
	if err != nil {
		log.Fatal(err)
	}
	a, err := discord.New(discord.Options{Engine: bot.NewEngine(kb, st, bot.Options{}), Seen: st, Session: s})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("POST /discord/interactions", a.HTTPHandler(key))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
}
