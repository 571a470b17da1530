package main

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the check reads PostgreSQL directly

	"github.com/certcoach/certcoach/internal/proc"
	"github.com/certcoach/certcoach/internal/wire"
)

// pool is the live replicas, as a load balancer sees them.
type pool struct {
	mu    sync.Mutex
	alive []*proc.Server
}

func (p *pool) pick() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.alive) == 0 {
		return "http://127.0.0.1:9" // nothing listens: the request fails and is sent again
	}
	return p.alive[mrand.IntN(len(p.alive))].Base
}

func (p *pool) replace(old, fresh *proc.Server) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, s := range p.alive {
		if s == old {
			p.alive = append(p.alive[:i], p.alive[i+1:]...)
			break
		}
	}
	if fresh != nil {
		p.alive = append(p.alive, fresh)
	}
}

// runReplicas is one run of the replicas crash test: o.replicas `serve`
// processes on one fresh PostgreSQL database, users' requests spread over
// them at random (a user's quiz hops between replicas), one replica killed
// with -9 every o.killEvery and restarted, o.kills times; then every
// replica stops cleanly and the database is checked.
func runReplicas(ctx context.Context, o options, log *slog.Logger) (result, error) {
	dir, err := os.MkdirTemp("", "crashtest-replicas-")
	if err != nil {
		return result{}, err
	}
	if o.keep {
		log.Info("keeping run directory", "dir", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	dbURL, drop, err := proc.CreateDatabase(ctx, o.postgres, "certcoach_crash")
	if err != nil {
		return result{}, err
	}
	defer drop()
	fake := newFakeSlack()
	defer fake.srv.Close()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return result{}, err
	}
	env := []string{"CERTCOACH_DB=" + dbURL, "CERTCOACH_LOG_LEVEL=info", "CERTCOACH_RATE_LIMIT=0", "CERTCOACH_WORKSPACE_RATE_LIMIT=0"}
	const secret = "crashtest-signing-secret"
	if o.platform == "discord" {
		env = append(env, "DISCORD_PUBLIC_KEY="+hex.EncodeToString(pub))
	} else {
		env = append(env, "SLACK_SIGNING_SECRET="+secret, "SLACK_BOT_TOKEN=xoxb-crashtest", "SLACK_API_URL="+fake.srv.URL+"/api/")
	}
	total := o.killEvery*time.Duration(o.kills) + o.killEvery/2
	sctx, cancel := context.WithTimeout(ctx, total+2*time.Minute)
	defer cancel()
	start := func(n int) (*proc.Server, error) {
		s, err := proc.Start(sctx, o.bin, filepath.Join(dir, fmt.Sprintf("server-%d.log", n)), env)
		if err != nil {
			return nil, err
		}
		if err := s.WaitStatus(sctx, "/readyz", 200); err != nil {
			s.Kill()
			return nil, err
		}
		return s, nil
	}
	p := &pool{}
	started := 0
	for range o.replicas {
		s, err := start(started)
		started++
		if err != nil {
			return result{}, err
		}
		p.replace(nil, s)
	}

	t := &tally{acked: map[string]bool{}, confirmed: map[string]bool{}}
	runCtx, stopDrivers := context.WithCancel(ctx)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.users}}
	var wg sync.WaitGroup
	for u := range o.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := driver{t: t, user: fmt.Sprintf("U%04d", u), rnd: mrand.New(mrand.NewPCG(uint64(u), uint64(time.Now().UnixNano()))), pick: p.pick}
			if o.platform == "discord" {
				d.discord = wire.NewDiscord("", priv, fmt.Sprintf("%d%04d", time.Now().Unix(), u))
				d.discord.Client = hc
			} else {
				d.slack = wire.Slack{Secret: secret, Client: hc}
				d.inbox = fake.box(d.user)
				d.respURL = fake.srv.URL + "/r/" + d.user + "/x"
			}
			d.run(runCtx)
		}()
	}
	var restartErr error
	var restartReady time.Duration
	for k := range o.kills {
		time.Sleep(o.killEvery)
		p.mu.Lock()
		victim := p.alive[mrand.IntN(len(p.alive))]
		p.mu.Unlock()
		victim.Kill() // SIGKILL: no shutdown
		p.replace(victim, nil)
		log.Info("killed a replica", "kill", k+1)
		t0 := time.Now()
		s, err := start(started)
		started++
		if err != nil {
			restartErr = fmt.Errorf("restart after kill %d: %w", k+1, err)
			break
		}
		restartReady = max(restartReady, time.Since(t0))
		p.replace(nil, s)
	}
	time.Sleep(o.killEvery / 2)
	stopDrivers()
	wg.Wait()
	r := result{kills: o.kills, killedAfter: o.killEvery, requests: int(t.requests.Load()), acked: len(t.acked), confirmed: len(t.confirmed),
		doubleClicks: int(t.doubles.Load()), busy: int(t.busy.Load()), restartReady: restartReady}
	p.mu.Lock()
	alive := append([]*proc.Server(nil), p.alive...)
	p.mu.Unlock()
	for _, s := range alive {
		if code, err := s.Stop(30 * time.Second); err != nil || code != 0 {
			return r, fmt.Errorf("a replica did not stop cleanly: code %d, %v", code, err)
		}
	}
	if restartErr != nil {
		return r, restartErr
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return r, err
	}
	defer db.Close()
	if err := compare(ctx, db, t, &r); err != nil {
		return r, err
	}
	return r, nil
}
