package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the check reads PostgreSQL directly

	"github.com/certcoach/certcoach/internal/proc"
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
	dir, done, err := proc.RunDir("crashtest-replicas-", o.keep, log)
	if err != nil {
		return result{}, err
	}
	defer done()
	dbURL, drop, err := proc.CreateDatabase(ctx, o.postgres, "certcoach_crash")
	if err != nil {
		return result{}, err
	}
	defer drop()
	fake := newFakeSlack()
	defer fake.srv.Close()
	env, priv, err := serverEnv(o, dbURL, fake)
	if err != nil {
		return result{}, err
	}
	total := o.killEvery*time.Duration(o.kills) + o.killEvery/2
	sctx, cancel := context.WithTimeout(ctx, total+2*time.Minute)
	defer cancel()
	start := func(n int) (*proc.Server, error) {
		return proc.StartReady(sctx, o.bin, filepath.Join(dir, fmt.Sprintf("server-%d.log", n)), env)
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
	wait := drive(runCtx, o, t, fake, priv, "", p.pick)
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
	wait()
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
