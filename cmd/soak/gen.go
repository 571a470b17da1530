package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // bulk inserts straight into the schema storage created

	"github.com/certcoach/certcoach/storage/sqlite"
)

// generate fills a database with realistic-looking history (users, answers
// and FSRS cards) until the file reaches size. sqlite.Open creates the
// schema first, so the result is a database certcoach opens as its own.
func generate(ctx context.Context, path string, size int64, out io.Writer) error {
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	// Bulk mode for the generator only: no fsync per transaction.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(1)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var start int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM users").Scan(&start); err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	const usersPerBatch, answersPerUser = 200, 300
	began := time.Now()
	now := time.Now().Unix()
	total := 0
	filler := strings.Repeat("x", 120) // prev_card JSON is this order of size in real rows
	for id := start + 1; ; id += usersPerBatch {
		if fi, err := os.Stat(path); err == nil && fi.Size() >= size {
			break
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		insUser, err := tx.PrepareContext(ctx, `INSERT INTO users (id, platform, workspace, user_ref, display, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("prepare: %w", err)
		}
		insAns, err := tx.PrepareContext(ctx, `INSERT INTO answers (user_id, attempt_key, question_id, cert, domain, choice, correct, answered_at, local_day, rating, prev_card)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("prepare: %w", err)
		}
		insCard, err := tx.PrepareContext(ctx, `INSERT INTO cards (user_id, question_id, cert, domain, due, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("prepare: %w", err)
		}
		for u := id; u < id+usersPerBatch; u++ {
			platform := []string{"slack", "discord"}[u%2]
			if _, err := insUser.ExecContext(ctx, u, platform, fmt.Sprintf("W%04d", u%500), fmt.Sprintf("gen%08d", u), "Generated", now); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert user: %w", err)
			}
			for a := range answersPerUser {
				cert := []string{"cism", "cissp"}[a%2]
				q := fmt.Sprintf("%s-d%d-%03d", cert, a%4+1, a%60)
				at := now - int64(a)*3600
				if _, err := insAns.ExecContext(ctx, u, fmt.Sprintf("gen:%d", a), q, cert, a%4+1, a%4, a%3 != 0, at,
					time.Unix(at, 0).UTC().Format("2006-01-02"), 3, filler); err != nil {
					tx.Rollback()
					return fmt.Errorf("insert answer: %w", err)
				}
				if _, err := insCard.ExecContext(ctx, u, q, cert, a%4+1, at+86400*int64(a%30), 3.2, 5.1, 1, a%30, a%7, a%2, 2, at); err != nil {
					tx.Rollback()
					return fmt.Errorf("insert card: %w", err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		total += usersPerBatch * answersPerUser
		if total%(usersPerBatch*answersPerUser*25) == 0 {
			fi, _ := os.Stat(path)
			wal, _ := os.Stat(path + "-wal")
			var walSize int64
			if wal != nil {
				walSize = wal.Size()
			}
			fmt.Fprintf(out, "%d answers, %.0f MiB (+%.0f MiB WAL), %s\n", total, float64(fi.Size())/(1<<20), float64(walSize)/(1<<20), time.Since(began).Round(time.Second))
		}
	}
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %s: %d answers added, %.2f GiB, in %s\n", path, total, float64(fi.Size())/(1<<30), time.Since(began).Round(time.Second))
	return nil
}
