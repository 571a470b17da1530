package slack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

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

const (
	maxAltText   = 2000 // image block alt_text
	maxImageIDs  = 512  // uploaded pictures remembered, over all workspaces
	imageBlockID = "progress_chart"
)

// imageIDs remembers which picture was uploaded as which file in which
// workspace, so an unchanged chart shown again (progress twice, the App
// Home reopened) is not uploaded again.
type imageIDs struct {
	mu sync.Mutex
	m  map[imageKey]string
}

type imageKey struct {
	workspace string
	sum       [sha256.Size]byte
}

func (c *imageIDs) get(k imageKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.m[k]
	return id, ok
}

func (c *imageIDs) put(k imageKey, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxImageIDs {
		c.m = map[imageKey]string{} // bounded; a miss costs one upload
	}
	c.m[k] = id
}

// imageBlock uploads img (unless this picture is already a file in the
// workspace) and returns the block that shows it, or nil when it cannot.
func (a *Adapter) imageBlock(ctx context.Context, cl *client, img *bot.Image) slackapi.Block {
	if img == nil || len(img.PNG) == 0 {
		return nil
	}
	k := imageKey{workspace: cl.key.Workspace(), sum: sha256.Sum256(img.PNG)}
	id, ok := a.images.get(k)
	if !ok {
		f, err := cl.api.UploadFileContext(ctx, slackapi.UploadFileParameters{
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: "Progress chart",
			AltTxt: truncate(img.Alt, maxAltText),
		})
		if err != nil {
			a.log.Warn("slack: chart upload failed; replying without it", "err", classify(fmt.Errorf("upload %s: %w", img.Name, err)))
			return nil
		}
		id = f.ID
		a.images.put(k, id)
	}
	return slackapi.NewImageBlockSlackFile(&slackapi.SlackFileObject{ID: id}, truncate(img.Alt, maxAltText), imageBlockID, plainText("Progress chart"))
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
