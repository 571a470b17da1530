package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRedactHandler(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger("debug", &buf, "xoxb-secret-token-123", "short")
	log = log.With("token", "xoxb-secret-token-123")
	log.Error("deliver", "err", errors.New(`Patch "https://discord.com/api/v9/webhooks/1234/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original": refused`),
		"url", "https://hooks.slack.com/commands/T1/99/abcDEF", "cb", "/api/v9/interactions/55/tok-en.x/callback",
		"word", "short")
	out := buf.String()
	for _, leak := range []string{"xoxb-secret-token-123", "aW50ZXJhY3Rpb24tdG9rZW4", "abcDEF", "tok-en.x"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q leaked: %s", leak, out)
		}
	}
	if !strings.Contains(out, `"word":"short"`) {
		t.Errorf("a short value was redacted (too eager): %s", out)
	}
	if !strings.Contains(out, "/webhooks/1234/[REDACTED]/messages") {
		t.Errorf("webhook path not kept around the redaction: %s", out)
	}
}
