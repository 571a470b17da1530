package slack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// A reply's image (the progress chart) is uploaded through Slack's external
// upload flow without a channel, which leaves a file only the bot can see,
// and shown with an image block that points at it by ID (slack_file): the
// message's poster needs access to the file, not the world. This works in
// Socket Mode too, where certcoach may have no public URL for image_url to
// point at. When the upload fails (no files:write scope, Slack down) the
// reply goes out without the image: its text says everything the chart does.
//
// Each uploaded file is recorded for its user through the engine, with the
// picture's hash: an unchanged chart is shown again from its file by any
// replica, and `forget` and an uninstall can delete the files (files.go).

const (
	maxAltText   = 2000 // image block alt_text
	imageBlockID = "progress_chart"
)

// fileActor is the stored user a file belongs to.
func fileActor(cl *client, user string) bot.Actor {
	return bot.Actor{Platform: bot.PlatformSlack, Workspace: cl.key.Workspace(), User: user}
}

// chartFile returns the ID of the file that shows img for user, uploading it
// unless this picture is already one of their files; "" when it cannot.
func (a *Adapter) chartFile(ctx context.Context, cl *client, user string, img *bot.Image) string {
	if img == nil || len(img.PNG) == 0 {
		return ""
	}
	act := fileActor(cl, user)
	h := sha256.Sum256(img.PNG)
	sum := hex.EncodeToString(h[:])
	id, err := a.eng.PlatformFile(ctx, act, sum)
	if err != nil {
		a.log.Warn("slack: cannot look up uploaded charts; uploading again", "err", err)
	}
	if id != "" {
		return id
	}
	f, err := cl.api.UploadFileContext(ctx, slackapi.UploadFileParameters{
		Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: "Progress chart",
		AltTxt: truncate(img.Alt, maxAltText),
	})
	if err != nil {
		a.log.Warn("slack: chart upload failed; replying without it", "err", classify(fmt.Errorf("upload %s: %w", img.Name, err)))
		return ""
	}
	if err := a.eng.AddPlatformFile(ctx, act, f.ID, sum); err != nil {
		// A file forget cannot know of must not stay: the user may be gone
		// meanwhile (the record never creates them). Shown without it.
		a.log.Warn("slack: uploaded chart not recorded; deleting it", "err", err)
		a.deleteFiles(cl, []string{f.ID})
		return ""
	}
	return f.ID
}

// imageBlock returns the block that shows img to user (uploading it if
// needed) and its file, or nil and "" when it cannot.
func (a *Adapter) imageBlock(ctx context.Context, cl *client, user string, img *bot.Image) (slackapi.Block, string) {
	id := a.chartFile(ctx, cl, user, img)
	if id == "" {
		return nil, ""
	}
	return fileBlock(id, img.Alt), id
}

// chartShown records, once the message or view showing the chart file id
// is delivered, where user sees it, and deletes the user's charts no longer
// kept: the one of the ephemeral reply it supersedes, the Home tab's
// previous one, and that of a lasting message (a DM, a channel post) older
// than the user's newest few (it then shows its image as unavailable; its
// text says all the chart does). An ephemeral reply is gone once its
// client reloads, and the user has a newer chart under it. Any failure is
// logged and leaves files behind; the reply is already out. The records of
// the files deleted go then; one Slack refused to delete stays for
// `forget` to try again.
func (a *Adapter) chartShown(ctx context.Context, cl *client, user, id string, where bot.FilePlace) {
	if id == "" && where != bot.FileOnHome {
		return
	}
	act := fileActor(cl, user)
	stale, err := a.eng.ShowPlatformFile(ctx, act, id, where)
	if err != nil {
		a.log.Warn("slack: cannot record where a chart is shown; older charts stay", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if len(stale) == 0 {
		return
	}
	ok := a.spawnFor("delete charts", fileDeleteTimeout, func(ctx context.Context) {
		deleted := a.deleteFilesNow(ctx, cl, stale)
		if err := a.eng.PlatformFilesDeleted(ctx, act, deleted); err != nil {
			a.log.Warn("slack: deleted charts still recorded", "workspace", cl.key.Workspace(), "err", err)
		}
	})
	if !ok {
		a.log.Warn("slack: old charts not deleted: all workers busy", "workspace", cl.key.Workspace(), "files", len(stale))
	}
}

// imageRefused reports whether Slack refused a message or view for its
// blocks. A chart uploaded without a channel is processed asynchronously,
// and a slack_file image block naming it at once can be refused as
// invalid_blocks; the caller then sends it again without the image (once),
// so that the text answer is never lost. A refusal for another block fails
// again, without the image, and is reported as before.
func imageRefused(err error) bool {
	e, ok := errors.AsType[slackapi.SlackErrorResponse](err)
	return ok && e.Err == "invalid_blocks"
}

// withoutImage is blocks less the chart's image block.
func withoutImage(blocks []slackapi.Block) []slackapi.Block {
	out := make([]slackapi.Block, 0, len(blocks))
	for _, b := range blocks {
		if ib, ok := b.(*slackapi.ImageBlock); ok && ib.BlockID == imageBlockID {
			continue
		}
		out = append(out, b)
	}
	return out
}

// fileBlock is the image block for an uploaded chart.
func fileBlock(id, alt string) slackapi.Block {
	return slackapi.NewImageBlockSlackFile(&slackapi.SlackFileObject{ID: id}, truncate(alt, maxAltText), imageBlockID, plainText("Progress chart"))
}

// withImage puts an image block right under the header (or first), if the
// message has room for one more block.
func withImage(blocks []slackapi.Block, img slackapi.Block, limit int) []slackapi.Block {
	if img == nil || len(blocks) >= limit {
		return blocks
	}
	at := 0
	if len(blocks) > 0 && blocks[0].BlockType() == slackapi.MBTHeader {
		at = 1
	}
	out := make([]slackapi.Block, 0, len(blocks)+1)
	out = append(out, blocks[:at]...)
	out = append(out, img)
	return append(out, blocks[at:]...)
}
