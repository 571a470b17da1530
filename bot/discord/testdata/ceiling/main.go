// Command ceiling is the Discord HTTP interactions ceiling for load tests:
// it only reads the body, verifies the Ed25519 signature with
// discordgo.VerifyInteraction and writes a fixed embed reply, behind the same
// http.Server settings as `certcoach serve`.
//
//	go build -o /tmp/ceiling ./bot/discord/testdata/ceiling
//	DISCORD_PUBLIC_KEY=<hex> CERTCOACH_ADDR=127.0.0.1:18082 /tmp/ceiling
package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/bwmarrin/discordgo"
)

func main() {
	key, err := hex.DecodeString(os.Getenv("DISCORD_PUBLIC_KEY"))
	if err != nil || len(key) != ed25519.PublicKeySize {
		log.Fatal("set DISCORD_PUBLIC_KEY to a hex Ed25519 public key")
	}
	fixed, _ := json.Marshal(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Title: "CISM vs CISSP",
			Description: "Choose CISM if you run a security program; CISSP for broad technical depth."}}}})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /discord/interactions", func(w http.ResponseWriter, r *http.Request) {
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
	addr := os.Getenv("CERTCOACH_ADDR")
	if addr == "" {
		addr = "127.0.0.1:18082"
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	log.Fatal(srv.ListenAndServe())
}
