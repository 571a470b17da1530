package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/certcoach/certcoach/bot/discord"
)

// discordBuilder makes signed HTTP interactions as Discord sends them
// (/cert <text> from a guild member), each with a new interaction ID,
// rotating through cfg.users user IDs. The Ed25519 key comes from -secret
// (or $CERTLOAD_DISCORD_SEED): a hex seed of 32 bytes, a hex private key of
// 64 bytes, or any other string, hashed into a seed. The matching public key
// is printed to stderr for the server's DISCORD_PUBLIC_KEY.
func discordBuilder(cfg config) (builder, error) {
	secret := cfg.secret
	if s := os.Getenv("CERTLOAD_DISCORD_SEED"); s != "" {
		secret = s
	}
	if secret == "" {
		return nil, errors.New("discord mode needs -secret or CERTLOAD_DISCORD_SEED (the Ed25519 seed)")
	}
	priv := discordKey(secret)
	fmt.Fprintf(os.Stderr, "certload: discord public key %s\n", hex.EncodeToString(priv.Public().(ed25519.PublicKey)))
	sub, arg, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.text), "/cert")), " ")
	var opts []any
	if arg = strings.TrimSpace(arg); arg != "" {
		name := map[string]string{"compare": "topic", "ask": "question", "domains": "cert"}[sub]
		if name == "" {
			return nil, fmt.Errorf("discord mode sends help, compare [topic], ask <question> or domains <cert>, not %q", cfg.text)
		}
		opts = []any{map[string]any{"type": 3, "name": name, "value": arg}}
	}
	data := map[string]any{"id": "100000000000000010", "name": discord.CommandName, "type": 1,
		"options": []any{map[string]any{"type": 1, "name": sub, "options": opts}}}
	// IDs unique across warm-up, run and earlier runs against one database.
	var seq atomic.Int64
	seq.Store(time.Now().UnixNano() / 1000)
	return func(n int) (*http.Request, error) {
		id := strconv.FormatInt(seq.Add(1), 10)
		user := strconv.Itoa(600000000000000000 + n%cfg.users)
		body, err := json.Marshal(map[string]any{"id": id, "application_id": "100000000000000001", "type": 2,
			"token": "load-" + id, "version": 1, "guild_id": "800000000000000001", "channel_id": "500000000000000001",
			"member": map[string]any{"user": map[string]any{"id": user, "username": "load" + user[len(user)-3:]}, "permissions": "0", "roles": []any{}},
			"data":   data, "locale": "en-US"})
		if err != nil {
			return nil, err
		}
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, cfg.url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature-Timestamp", ts)
		req.Header.Set("X-Signature-Ed25519", discord.Sign(priv, ts, body))
		return req, nil
	}, nil
}

func discordKey(secret string) ed25519.PrivateKey {
	if b, err := hex.DecodeString(secret); err == nil {
		switch len(b) {
		case ed25519.SeedSize:
			return ed25519.NewKeyFromSeed(b)
		case ed25519.PrivateKeySize:
			return ed25519.PrivateKey(b)
		}
	}
	seed := sha256.Sum256([]byte(secret))
	return ed25519.NewKeyFromSeed(seed[:])
}
