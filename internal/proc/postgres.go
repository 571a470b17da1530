package proc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// CreateDatabase makes a fresh database named prefix_<random> on the
// PostgreSQL server at admin (a postgres:// URL), so a tool's runs never see
// each other's rows. It returns the new database's URL and a func that drops it.
func CreateDatabase(ctx context.Context, admin, prefix string) (string, func(), error) {
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, fmt.Errorf("open %s: %w", prefix, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "_" + hex.EncodeToString(b[:])
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adm.Close()
		return "", nil, fmt.Errorf("create database (is PostgreSQL running?): %w", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		adm.Close()
		return "", nil, fmt.Errorf("parse the admin URL: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = adm.ExecContext(c, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		adm.Close()
	}
	return u.String(), drop, nil
}
