//go:build !race

package remind

// raceEnabled sizes the heavy tests down: SQLite runs 5-10x slower under -race.
const raceEnabled = false
