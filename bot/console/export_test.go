package console

// SetStopSelf replaces what Ctrl-Z does on a terminal, which would stop
// the test binary itself.
func (c *Console) SetStopSelf(f func()) { c.stopSelf = f }
