//go:build !unix

package console

// jobControl: none here, so Ctrl-Z is an ordinary key.
const jobControl = false

func stopProcess() {}
