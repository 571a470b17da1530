package postgres

// MigrationFiles are the embedded migrations, for tests that build an
// older schema.
var MigrationFiles = migrationFiles
