package slack

import (
	"context"
	"errors"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
)

func TestClassifyNotifierErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		maybe      bool
		retryAfter time.Duration
	}{
		{"rate limited", &slackapi.RateLimitedError{RetryAfter: 3 * time.Second}, false, 3 * time.Second},
		{"refused by slack", slackapi.SlackErrorResponse{Err: "channel_not_found"}, false, 0},
		{"client error status", slackapi.StatusCodeError{Code: 400}, false, 0},
		{"server error status", slackapi.StatusCodeError{Code: 502}, true, 0},
		{"timeout", context.DeadlineExceeded, true, 0},
		{"connection reset", errors.New("read tcp: connection reset by peer"), true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(tc.err)
			var md interface{ MaybeDelivered() bool }
			if maybe := errors.As(got, &md) && md.MaybeDelivered(); maybe != tc.maybe {
				t.Errorf("MaybeDelivered = %v, want %v", maybe, tc.maybe)
			}
			var ra interface{ RetryAfter() time.Duration }
			after := time.Duration(0)
			if errors.As(got, &ra) {
				after = ra.RetryAfter()
			}
			if after != tc.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", after, tc.retryAfter)
			}
			if !errors.Is(got, tc.err) && got.Error() != tc.err.Error() {
				t.Errorf("classify lost the cause: %v", got)
			}
		})
	}
}
