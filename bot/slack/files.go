package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

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

// fileDeleteTimeout bounds a background deletion of a user's or a
// workspace's files: files.delete is a tier 3 method (about 50 a minute per
// workspace, the shared budget), so a long history takes minutes.
const fileDeleteTimeout = 15 * time.Minute

// deleteFiles deletes uploaded files (the charts of a user who ran `forget`)
// from Slack in the background. Their records are already gone with the
// user's data, which does not wait for Slack: a file that cannot be deleted
// is logged and stays.
func (a *Adapter) deleteFiles(cl *client, ids []string) {
	if len(ids) == 0 {
		return
	}
	if !a.spawnFor("delete files", fileDeleteTimeout, func(ctx context.Context) { a.deleteFilesNow(ctx, cl, ids) }) {
		a.log.Warn("slack: files not deleted: all workers busy", "workspace", cl.key.Workspace(), "files", len(ids))
	}
}

// deleteFilesNow calls files.delete for each file and returns those that
// are gone. A file already gone counts as deleted; once the token stops
// working (revoked by an uninstall, a missing scope) the rest are not
// tried.
func (a *Adapter) deleteFilesNow(ctx context.Context, cl *client, ids []string) []string {
	var deleted []string
	for i, id := range ids {
		err := a.retry(ctx, func() error { return cl.api.DeleteFileContext(ctx, id) })
		var se slackapi.SlackErrorResponse
		switch {
		case err == nil:
			deleted = append(deleted, id)
			continue
		case errors.As(err, &se) && (se.Err == "file_not_found" || se.Err == "file_deleted"):
			deleted = append(deleted, id)
			continue
		case errors.As(err, &se) && tokenDead(se.Err), ctx.Err() != nil:
			a.log.Warn("slack: files not deleted", "workspace", cl.key.Workspace(), "files", len(ids)-i, "err", classify(err))
			return deleted
		}
		a.log.Warn("slack: file not deleted", "workspace", cl.key.Workspace(), "file", id, "err", classify(err))
	}
	a.log.Info("slack: uploaded files deleted", "workspace", cl.key.Workspace(), "deleted", len(deleted), "of", len(ids))
	return deleted
}

// tokenDead reports a Slack error after which no call with the token can
// succeed.
func tokenDead(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "missing_scope", "not_allowed_token_type":
		return true
	}
	return false
}
