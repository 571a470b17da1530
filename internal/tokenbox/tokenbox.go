// Package tokenbox seals secrets (OAuth tokens) for storage with AES-256-GCM
// under one key, so a copy of the database does not give away the tokens.
package tokenbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// version is the first byte of every sealed value, so the format can change.
const version = 1

// Box seals values under its key and opens them under it or under any
// older key it was given (while a key is being replaced).
type Box struct {
	aead  cipher.AEAD   // seals and opens
	older []cipher.AEAD // open only
}

// New takes the key as 64 hex digits (32 bytes), as CERTCOACH_TOKEN_KEY
// holds it, and any older keys values may still be sealed under (read
// only, as CERTCOACH_TOKEN_KEY_OLD holds one).
func New(hexKey string, older ...string) (*Box, error) {
	aead, err := newAEAD(hexKey)
	if err != nil {
		return nil, err
	}
	b := &Box{aead: aead}
	for _, k := range older {
		o, err := newAEAD(k)
		if err != nil {
			return nil, fmt.Errorf("older %w", err)
		}
		b.older = append(b.older, o)
	}
	return b, nil
}

func newAEAD(hexKey string) (cipher.AEAD, error) {
	key, err := hex.DecodeString(strings.TrimSpace(hexKey))
	if err != nil || len(key) != 32 {
		return nil, errors.New("token key must be 32 bytes written as 64 hex digits (e.g. `openssl rand -hex 32`)")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	return aead, nil
}

// Seal encrypts plain, bound to context (e.g. the row it belongs to: a
// sealed value copied to another row does not open there). An empty plain
// seals to nil.
func (b *Box) Seal(plain, context string) ([]byte, error) {
	if plain == "" {
		return nil, nil
	}
	out := make([]byte, 1+b.aead.NonceSize(), 1+b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return b.aead.Seal(out, out[1:], []byte(plain), []byte(context)), nil
}

// Open decrypts what Seal returned for the same context, under the key or
// an older one; nil opens to "".
func (b *Box) Open(sealed []byte, context string) (string, error) {
	plain, err := open(b.aead, sealed, context)
	for _, o := range b.older {
		if err == nil {
			break
		}
		plain, err = open(o, sealed, context)
	}
	return plain, err
}

func open(aead cipher.AEAD, sealed []byte, context string) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != version {
		return "", errors.New("open sealed token: unknown format")
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return "", errors.New("open sealed token: wrong key or tampered value")
	}
	return string(plain), nil
}
