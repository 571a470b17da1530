//go:build race

package bot_test

// raceDetector says the tests run under the race detector, which makes
// the engine about ten times slower: the ask-quality sweeps sample there
// (.ci/run runs them whole without it).
const raceDetector = true
