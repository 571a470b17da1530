package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// HTTP interactions limits.
const (
	// MaxBody bounds an interaction request body.
	MaxBody = 1 << 20
	// MaxSkew is how far a request's signed timestamp may be from now:
	// neither discordgo nor Discord's own libraries check it, so without it
	// a captured request could be replayed for ever.
	MaxSkew = 5 * time.Minute
)

// ParsePublicKey decodes the application's hex public key (DISCORD_PUBLIC_KEY).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("discord public key: want %d hex-encoded bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// HTTPHandler serves POST /discord/interactions: it verifies the Ed25519
// signature on the raw body before anything else, rejects stale timestamps
// and replayed interaction IDs (of anything but a read-only command), then
// runs the same handlers as the gateway.
func (a *Adapter) HTTPHandler(key ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !discordgo.VerifyInteraction(r, key) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		if !fresh(r.Header.Get("X-Signature-Timestamp"), a.now()) {
			http.Error(w, "stale request timestamp", http.StatusUnauthorized)
			return
		}
		i, err := decodeInteraction(body)
		if err != nil {
			http.Error(w, "malformed interaction", http.StatusBadRequest)
			return
		}
		if !accepts(i) || (i.Type != discordgo.InteractionPing && i.ID == "") {
			http.Error(w, "unsupported interaction", http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		err = a.handle(ctx, i, responder{
			respond: func(_ context.Context, resp *discordgo.InteractionResponse) error {
				b, err := marshalResponse(resp)
				if err != nil {
					http.Error(w, "internal error", http.StatusInternalServerError)
					return fmt.Errorf("encode response: %w", err)
				}
				return writeBody(w, b)
			},
			raw:   func(b []byte) error { return writeBody(w, b) },
			flush: func() { _ = http.NewResponseController(w).Flush() },
			id:    r.Header.Get("X-Request-ID"),
			once: func(ctx context.Context) bool {
				first, err := a.interactionOnce(ctx, i.ID)
				if err != nil {
					if ctx.Err() == nil { // else the client left: nothing to tell
						a.log.Error("discord: dedupe interaction", "interaction", i.ID, "err", err)
					}
					http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
					return false
				}
				if !first {
					http.Error(w, "interaction already processed", http.StatusConflict)
					return false
				}
				return true
			},
		})
		if err != nil {
			a.log.Error("discord: answer interaction", "interaction", i.ID, "err", err)
		}
	})
}

// fresh parses a signed Unix timestamp and reports whether it is within
// MaxSkew of now.
func fresh(h string, now time.Time) bool {
	ts, err := strconv.ParseInt(h, 10, 64)
	if err != nil {
		return false
	}
	d := now.Sub(time.Unix(ts, 0))
	return d <= MaxSkew && d >= -MaxSkew
}

func writeBody(w http.ResponseWriter, b []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write response: %w", err)
	}
	return nil
}

// Sign returns the X-Signature-Ed25519 header Discord would send for body
// at timestamp (tests and the load generator sign with it).
func Sign(priv ed25519.PrivateKey, timestamp string, body []byte) string {
	msg := make([]byte, 0, len(timestamp)+len(body))
	msg = append(append(msg, timestamp...), body...)
	return hex.EncodeToString(ed25519.Sign(priv, msg))
}
