package slack

import (
	"bytes"
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// withFile delivers a reply's attachment (export) as a file in the user's DM
// through Slack's external upload flow (files.getUploadURLExternal, the
// upload, files.completeUploadExternal), since a personal file has no place
// in a channel and Block Kit has no room for it. The returned reply says
// where the file went, or that the upload failed.
func (a *Adapter) withFile(ctx context.Context, cl *client, user string, rep bot.Reply) bot.Reply {
	f := rep.Attachment
	if f == nil {
		return rep
	}
	rep.Attachment = nil
	if len(f.Content) == 0 {
		return rep
	}
	err := a.upload(ctx, cl, user, f, rep.Body)
	if err != nil {
		a.log.Warn("slack: file upload failed", "kind", rep.Kind, "err", classify(err))
		rep.Body += "\n\nThe file could not be sent just now; please try again in a moment."
		return rep
	}
	rep.Body = fmt.Sprintf("Sent to your DM with certcoach as a file: `%s`.", f.Name)
	return rep
}

func (a *Adapter) upload(ctx context.Context, cl *client, user string, f *bot.Attachment, comment string) error {
	dm, err := a.dmChannel(ctx, cl, user)
	if err != nil {
		return err
	}
	_, err = cl.api.UploadFileContext(ctx, slackapi.UploadFileParameters{
		Reader: bytes.NewReader(f.Content), FileSize: len(f.Content), Filename: f.Name, Title: f.Name,
		Channel: dm, InitialComment: Mrkdwn(comment),
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", f.Name, err)
	}
	return nil
}
