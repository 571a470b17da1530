// Package pgtest gives tests a fresh PostgreSQL database: it creates
// certcoach_test_<random> on the server named by CERTCOACH_TEST_POSTGRES
// (default postgres://postgres@127.0.0.1:5432/postgres) and drops it when
// the test ends. Without a reachable server the test is skipped, saying
// so, unless CERTCOACH_REQUIRE_POSTGRES=1 (CI), which makes it a failure.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/certcoach/certcoach/storage/postgres"
)

// DefaultAdminURL is the server tests use unless CERTCOACH_TEST_POSTGRES says otherwise.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func adminURL() string {
	if u := os.Getenv("CERTCOACH_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// Required reports whether a missing PostgreSQL fails tests instead of skipping them.
func Required() bool { return os.Getenv("CERTCOACH_REQUIRE_POSTGRES") == "1" }

// NewDatabase creates a fresh database and returns its URL; t.Cleanup
// drops it (closing what is still connected).
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := adminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if Required() {
			t.Fatalf("PostgreSQL required (CERTCOACH_REQUIRE_POSTGRES=1) but not reachable at %s: %v", postgres.Redact(admin), err)
		}
		t.Skipf("PostgreSQL part skipped: no server at %s (%v); set CERTCOACH_TEST_POSTGRES to point at one", postgres.Redact(admin), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "certcoach_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// NewSchema creates a fresh schema in the database at dbURL and returns a
// URL whose connections use it: a clean slate per test without creating a
// database for each.
func NewSchema(t testing.TB, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// SilentServer listens on a loopback port, accepts every connection and
// never answers, as a hung host or a wrong port behind a proxy does; it
// returns the address. It stops when the test ends.
func SilentServer(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return ln.Addr().String()
}
