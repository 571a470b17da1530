package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Event sends a signed Events API callback (JSON): the envelope's type is
// event_callback, with team, event ID, authorizations and the inner event.
func (s Slack) Event(ctx context.Context, team, eventID string, inner map[string]any) (Response, error) {
	body, err := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": team, "api_app_id": "A0CERT", "event_id": eventID, "event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{"team_id": team, "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": false}},
		"event":          inner,
	})
	if err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", SignSlack(s.Secret, ts, body))
	return do(s.client(), req)
}
