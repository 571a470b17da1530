package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/certcoach/certcoach/bot/slack"
)

// slackBuilder makes signed slash command requests as Slack sends them,
// rotating through cfg.users user IDs.
func slackBuilder(cfg config) (builder, error) {
	if cfg.secret == "" {
		return nil, errors.New("slack mode needs -secret or SLACK_SIGNING_SECRET")
	}
	return func(n int) (*http.Request, error) {
		user := "ULOAD" + strconv.Itoa(n%cfg.users)
		body := []byte(url.Values{
			"token": {"unused"}, "team_id": {"TLOAD"}, "team_domain": {"load"}, "channel_id": {"CLOAD"},
			"channel_name": {"load"}, "user_id": {user}, "user_name": {user}, "command": {"/cert"},
			"text": {cfg.text}, "response_url": {"http://127.0.0.1:1/commands/load"}, "trigger_id": {strconv.Itoa(n)},
			"api_app_id": {"ALOAD"},
		}.Encode())
		ts := time.Now().Unix()
		req, err := http.NewRequest(http.MethodPost, cfg.url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", slack.Sign(cfg.secret, ts, body))
		return req, nil
	}, nil
}
