package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// What an adapter keeps about a user on their platform, kept in the store
// rather than in the adapter's memory: with several replicas the next
// request may reach another process, and a restart forgets memory.

// HomeState is a user's home screen on their platform (Slack's App Home).
type HomeState struct {
	// Opened is true once they opened it: it is refreshed after what they do.
	Opened bool
	// ChartFile is the platform file of the chart it showed last ("" for
	// none), uploaded at ChartAt.
	ChartFile string
	ChartAt   time.Time
}

// userKey is the stored user's key for an actor (as User makes it), without
// loading or creating the user.
func userKey(a Actor) storage.UserKey {
	ws := a.Workspace
	if ws == "" {
		ws = "dm:" + a.User
	}
	return storage.UserKey{Platform: a.Platform, Workspace: ws, User: a.User}
}

// HomeState reads the actor's home screen state: one indexed read, made
// after every answer, that creates nothing (a user never seen has none).
func (e *Engine) HomeState(ctx context.Context, a Actor) (HomeState, error) {
	v, err := e.store.HomeView(ctx, userKey(a))
	if errors.Is(err, storage.ErrNotFound) {
		return HomeState{}, nil
	}
	if err != nil {
		return HomeState{}, err
	}
	return HomeState{Opened: true, ChartFile: v.ChartFile, ChartAt: v.ChartAt}, nil
}

// Stored reports whether the actor is a stored user (they have used
// certcoach here, or opened its home screen), creating nothing: one
// indexed read.
func (e *Engine) Stored(ctx context.Context, a Actor) (bool, error) {
	_, err := e.store.UserByKey(ctx, userKey(a))
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stored user: %w", err)
	}
	return true, nil
}

// OpenHome is the actor's very first visit to their home screen: Slack's
// Home tab sent without a view (it never showed them one of ours), or its
// Messages tab once the welcome is posted there. It stores them as a first
// command does, so that the visit is recorded and what they do next
// refreshes the screen. It is the only home screen path that creates a
// user: a later look (also one after `forget`), the dashboard and the
// record of the screen never do.
func (e *Engine) OpenHome(ctx context.Context, a Actor) error {
	_, err := e.User(ctx, a)
	return err
}

// SetHomeState records that the actor's home screen shows s (Opened is
// implied: only a screen they opened is published). It writes only while
// the user exists, in one statement, and never creates them (only
// OpenHome does): a publish still in flight when they ran
// `forget` (or the workspace was uninstalled) does not bring them back.
func (e *Engine) SetHomeState(ctx context.Context, a Actor, s HomeState) error {
	v := storage.HomeView{OpenedAt: e.clock.Now(), ChartFile: s.ChartFile, ChartAt: s.ChartAt}
	err := e.store.SetHomeView(ctx, userKey(a), v)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // gone meanwhile: nothing to record
	}
	if err != nil {
		return fmt.Errorf("home state: %w", err)
	}
	return nil
}

// PlatformFile returns the ID of a file uploaded for the actor with content
// sum (hex SHA-256), or "" when there is none: an unchanged picture is shown
// again from its file.
func (e *Engine) PlatformFile(ctx context.Context, a Actor, sum string) (string, error) {
	id, err := e.store.PlatformFileBySum(ctx, userKey(a), sum)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	return id, err
}

// AddPlatformFile records a file the adapter uploaded for the actor, so that
// `forget` (Reply.PlatformFiles) and an uninstall (WorkspaceFiles) can
// delete it on the platform.
//
// It never creates the user (a chart uploaded while they ran `forget` must
// not bring them back): a user gone meanwhile is an error, the file is not
// recorded.
func (e *Engine) AddPlatformFile(ctx context.Context, a Actor, fileID, sum string) error {
	u, err := e.store.UserByKey(ctx, userKey(a))
	if err != nil {
		return fmt.Errorf("platform file: load user: %w", err)
	}
	f := storage.PlatformFile{UserID: u.ID, FileID: fileID, Sum: sum, CreatedAt: e.clock.Now()}
	if err := e.store.AddPlatformFile(ctx, f); err != nil {
		return fmt.Errorf("platform file: %w", err)
	}
	return nil
}

// WorkspaceFiles lists the files uploaded for every user of a workspace,
// for an uninstall to delete before the workspace's data goes.
func (e *Engine) WorkspaceFiles(ctx context.Context, platform, workspace string) ([]string, error) {
	ids, err := e.store.WorkspacePlatformFiles(ctx, platform, workspace)
	if err != nil {
		return nil, fmt.Errorf("workspace files: %w", err)
	}
	return ids, nil
}

// FilePlace is where an adapter shows an uploaded file (ShowPlatformFile).
type FilePlace int

const (
	// FileInMessage: a lasting message in the user's DM with the bot keeps
	// showing it, so it stays while it is one of the few newest such (the
	// store bounds them), else until the user's data is deleted.
	FileInMessage FilePlace = iota
	// FileInReply: the user's latest ephemeral reply, which a newer one
	// supersedes.
	FileInReply
	// FileOnHome: the home screen, as HomeState.ChartFile records.
	FileOnHome
	// FileInChannel: a lasting message in a channel, which others see: it
	// stays until the user's data is deleted.
	FileInChannel
)

// ShowPlatformFile records that the actor now sees fileID at where, and
// returns the files of theirs that nothing shows any more (a superseded
// reply's chart, the home screen's previous one, the chart of a lasting
// DM message older than the newest few), which are never shown
// again: the adapter deletes them on its platform, then reports them
// (PlatformFilesDeleted). Until then `forget` still lists them. A user gone
// meanwhile has none.
func (e *Engine) ShowPlatformFile(ctx context.Context, a Actor, fileID string, where FilePlace) ([]string, error) {
	shown := storage.ShownInMessage
	switch where {
	case FileInReply:
		shown = storage.ShownInReply
	case FileOnHome:
		shown = storage.ShownOnHome
	case FileInChannel:
		shown = storage.ShownInChannel
	}
	ids, err := e.store.ShowPlatformFile(ctx, userKey(a), fileID, shown)
	if err != nil {
		return nil, fmt.Errorf("platform file shown: %w", err)
	}
	return ids, nil
}

// PlatformFilesDeleted drops the records of files ShowPlatformFile
// returned, once the adapter deleted them on its platform.
func (e *Engine) PlatformFilesDeleted(ctx context.Context, a Actor, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := e.store.DropPlatformFiles(ctx, userKey(a), ids); err != nil {
		return fmt.Errorf("platform files deleted: %w", err)
	}
	return nil
}
