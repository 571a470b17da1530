package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// The replay guard makes each HTTP interaction ID count once without a
// SQLite commit on every request's path. Measured in process and with
// cmd/certload, the durable record written before answering
// (storage.FirstInteraction, group committed) cost 7-13 µs of CPU per
// interaction, a third of all the adapter adds to the signature check;
// written behind, it costs a map lookup and a share of a bulk insert.
//
// Why it is still exact:
//   - One process per database serves HTTP interactions (a file lock,
//     storage.Exclusive), so this process's memory sees every interaction
//     accepted since it started.
//   - A request signed within [now-nearPast, now+nearFuture] is decided in
//     memory. Its ID stays in memory until no replay of it (the same ID is
//     always signed with the same timestamp) can be decided there again, and
//     not before it is committed by the write-behind.
//   - Any other request (a timestamp further off, which legitimate traffic
//     never has unless clocks disagree) is decided by a durable record
//     committed before the answer, as before.
//   - At start, the records a replay could still be sent with are loaded. If
//     the previous process did not stop cleanly, what it had not yet written
//     behind is lost, and those interactions were all signed before
//     start+nearFuture: an ID not known and signed that early is refused.
const (
	nearPast    = 5 // seconds
	nearFuture  = 2
	flushEvery  = 20 * time.Millisecond
	flushAt     = 512 // queued IDs that trigger a flush before the tick
	lockName    = "discord-interactions"
	cleanKV     = "discord.replay.state"
	lockTimeout = 10 * time.Second
)

// errUnknownAfterCrash refuses an interaction signed before an unclean
// restart that this process cannot know about.
var errUnknownAfterCrash = errors.New("interaction signed before an unclean restart")

// ReplayStore is what the replay guard keeps its records in
// (storage.Store implements it).
type ReplayStore interface {
	FirstInteraction(ctx context.Context, in storage.Interaction) (bool, error)
	RecordInteractions(ctx context.Context, ins []storage.Interaction) error
	RecentInteractions(ctx context.Context, signedSince int64) ([]storage.Interaction, error)
	Exclusive(name string) (release func() error, ok bool, err error)
	SeenSince(ctx context.Context, scope string, since time.Time) (bool, error)
	GetKV(ctx context.Context, key string) (string, error)
	SetKV(ctx context.Context, key, value string) error
}

type replayGuard struct {
	store   ReplayStore
	log     *slog.Logger
	now     func() time.Time
	release func() error

	mu sync.Mutex
	// gens holds the IDs in memory by the second they may be forgotten, so
	// that forgetting drops whole maps (a Go map never shrinks) and an ID
	// costs ~12 bytes. A lookup visits them all: about nearPast+nearFuture+1.
	gens    map[int64]map[int64]struct{}
	last    int64 // the latest second seen: the guard's time never goes back
	swept   int64 // seconds up to this one have been swept
	durable int64 // IDs accepted in seconds up to this one are committed
	fence   int64 // unknown IDs signed up to this second are refused
	queue   []storage.Interaction
	closed  bool

	failures int // flushes failed in a row (flushLoop's goroutine, then close)

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// StartReplayGuard takes this database's HTTP-interactions lock (waiting up
// to 10 s for a previous process to let go), loads the interactions a
// replay could still be sent with, and from then on decides most
// interactions in memory (see replay.go). Without it, every interaction is
// decided by a durable record written before the answer. Close stops it.
func (a *Adapter) StartReplayGuard(ctx context.Context, store ReplayStore) error {
	release, err := waitExclusive(ctx, store, a.log)
	if err != nil {
		return err
	}
	g := &replayGuard{store: store, log: a.log, now: a.now, release: release,
		gens: map[int64]map[int64]struct{}{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if err := g.load(ctx); err != nil {
		_ = release()
		return err
	}
	go g.flushLoop()
	a.guard = g
	return nil
}

func waitExclusive(ctx context.Context, store ReplayStore, log *slog.Logger) (func() error, error) {
	deadline := time.Now().Add(lockTimeout)
	for waited := false; ; waited = true {
		release, ok, err := store.Exclusive(lockName)
		if err != nil {
			return nil, fmt.Errorf("discord interactions lock: %w", err)
		}
		if ok {
			return release, nil
		}
		if !waited {
			log.Info("discord: waiting for another process to release the Discord interactions lock", "for", lockTimeout)
		}
		if time.Now().After(deadline) {
			return nil, errors.New("another certcoach process serves Discord HTTP interactions from this database " +
				"(one process per database does, so that a replayed interaction is refused)")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// load reads the previous process's state and the records still needed.
func (g *replayGuard) load(ctx context.Context) error {
	state, err := g.store.GetKV(ctx, cleanKV)
	if err != nil {
		return fmt.Errorf("discord replay guard: %w", err)
	}
	now := g.now().Unix()
	recs, err := g.store.RecentInteractions(ctx, now-nearPast-1)
	if err != nil {
		return fmt.Errorf("discord replay guard: %w", err)
	}
	unknown := state == "running" // the last process did not stop cleanly: its unwritten IDs are lost
	if state == "" {
		// No guard ran on this database before. A version without one kept
		// its records as text in seen; if it answered interactions lately,
		// those are as unknown to this process as lost ones.
		legacy, err := g.store.SeenSince(ctx, scopeInteraction, time.Unix(now, 0).Add(-MaxSkew-time.Second))
		if err != nil {
			return fmt.Errorf("discord replay guard: %w", err)
		}
		unknown = legacy
	}
	if unknown {
		g.fence = now + nearFuture
		g.log.Warn("discord: the previous process did not stop cleanly (or kept no replay records); refusing unknown interactions signed before this start",
			"until_signed", g.fence)
	}
	if err := g.store.SetKV(ctx, cleanKV, "running"); err != nil {
		return fmt.Errorf("discord replay guard: %w", err)
	}
	g.last, g.swept, g.durable = now, now-1, now-1
	for _, r := range recs {
		g.addLocked(r.ID, r.Signed, now)
	}
	return nil
}

// check reports whether interaction id, signed at signed (Unix seconds),
// is seen for the first time.
func (g *replayGuard) check(ctx context.Context, id, signed int64) (bool, error) {
	g.mu.Lock()
	now := g.tickLocked()
	g.sweepLocked(min(now, g.durable))
	if g.knownLocked(id) {
		g.mu.Unlock()
		return false, nil
	}
	if signed <= g.fence {
		g.mu.Unlock()
		return false, errUnknownAfterCrash
	}
	if signed >= now-nearPast && signed <= now+nearFuture && !g.closed {
		g.addLocked(id, signed, now)
		g.queue = append(g.queue, storage.Interaction{ID: id, Signed: signed})
		full := len(g.queue) == flushAt
		g.mu.Unlock()
		if full {
			select {
			case g.kick <- struct{}{}:
			default:
			}
		}
		return true, nil
	}
	g.mu.Unlock()
	// Signed too far from now to be decided in memory: a durable record
	// first, as without the guard.
	first, err := g.store.FirstInteraction(ctx, storage.Interaction{ID: id, Signed: signed})
	if err != nil || !first {
		return false, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.knownLocked(id) { // accepted in memory meanwhile
		return false, nil
	}
	g.addLocked(id, signed, now)
	return true, nil
}

// tickLocked returns the current second, never one before the latest seen:
// were the clock stepped back, an ID already forgotten could otherwise be
// decided in memory again.
func (g *replayGuard) tickLocked() int64 {
	g.last = max(g.last, g.now().Unix())
	return g.last
}

// knownLocked reports whether id is in memory.
func (g *replayGuard) knownLocked(id int64) bool {
	for _, ids := range g.gens {
		if _, ok := ids[id]; ok {
			return true
		}
	}
	return false
}

// addLocked remembers id until a replay of it can no longer be decided in
// memory (then the durable record decides).
func (g *replayGuard) addLocked(id, signed, now int64) {
	forget := signed + nearPast + 1
	if forget <= now {
		return
	}
	ids := g.gens[forget]
	if ids == nil {
		ids = map[int64]struct{}{}
		g.gens[forget] = ids
	}
	ids[id] = struct{}{}
}

// sweepLocked forgets the IDs due by second upTo.
func (g *replayGuard) sweepLocked(upTo int64) {
	if upTo <= g.swept {
		return
	}
	for sec := range g.gens {
		if sec <= upTo {
			delete(g.gens, sec)
		}
	}
	g.swept = upTo
}

// flushLoop writes accepted IDs behind, every flushEvery or flushAt IDs.
func (g *replayGuard) flushLoop() {
	defer close(g.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
		case <-g.kick:
		}
		g.flush()
	}
}

// flush commits the queued IDs; on failure they stay queued (and in
// memory) for the next try.
func (g *replayGuard) flush() bool {
	g.mu.Lock()
	batch := g.queue
	g.queue = nil
	taken := g.tickLocked()
	g.mu.Unlock()
	if len(batch) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := g.store.RecordInteractions(ctx, batch)
		cancel()
		if err != nil {
			g.failures++
			if g.failures == 1 || g.failures%250 == 0 { // every ~5 s while the database fails
				g.log.Error("discord: write interaction records; they stay in memory until written",
					"n", len(batch), "failures", g.failures, "err", err)
			}
			g.mu.Lock()
			g.queue = append(batch, g.queue...)
			g.mu.Unlock()
			return false
		}
		if g.failures > 0 {
			g.log.Info("discord: interaction records written again", "after_failures", g.failures)
			g.failures = 0
		}
	}
	g.mu.Lock()
	// IDs accepted before the second the batch was taken in are committed.
	g.durable = max(g.durable, taken-1)
	g.mu.Unlock()
	return true
}

// close writes what is left, marks a clean stop and gives up the lock.
func (g *replayGuard) close(ctx context.Context) error {
	close(g.stop)
	<-g.done
	g.mu.Lock()
	g.closed = true // later interactions take the durable path
	g.mu.Unlock()
	var err error
	if g.flush() {
		err = g.store.SetKV(ctx, cleanKV, "clean")
	} else {
		err = errors.New("discord: interaction records not written; the next start treats this stop as unclean")
	}
	if rerr := g.release(); err == nil && rerr != nil {
		err = fmt.Errorf("release discord interactions lock: %w", rerr)
	}
	return err
}
