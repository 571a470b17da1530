package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Sign computes Slack's v0 request signature for body sent at ts (Unix
// seconds): "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)). Tests
// and the load generator use it to make requests Slack would make.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}
