package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// appStore is everything the process wires the store into: the engine,
// the reminders, the adapters' dedupe and serve's own upkeep.
type appStore interface {
	bot.Store
	remind.Store
	installRows
	FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error)
	PruneSeen(ctx context.Context, before time.Time) (int64, error)
	Reserve(ctx context.Context, name string, interval time.Duration, burst int, now time.Time) (time.Time, error)
	PruneBudgets(ctx context.Context, before time.Time) (int64, error)
	GetKV(ctx context.Context, key string) (string, error)
	SetKV(ctx context.Context, key, value string) error
	Ping(ctx context.Context) error
	OnError(f func(op string))
	Close() error
}

// openStore opens CERTCOACH_DB: a postgres:// URL, else a SQLite file.
func openStore(ctx context.Context, dsn string) (appStore, error) {
	if libpqSetting(dsn) {
		return nil, errors.New("CERTCOACH_DB looks like a PostgreSQL key=value setting: give it as a URL, postgres://user:password@host:5432/dbname")
	}
	if storage.IsPostgresURL(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// libpqSetting reports a database setting in libpq's key=value form
// ("host=db password=..."). certcoach takes only postgres:// URLs, and such
// a string must not be taken for a SQLite file name, which would create that
// file and echo the setting, password and all.
func libpqSetting(dsn string) bool {
	for _, f := range strings.Fields(dsn) {
		k, _, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "host", "hostaddr", "port", "dbname", "user", "password", "sslmode":
			return true
		}
	}
	return false
}
