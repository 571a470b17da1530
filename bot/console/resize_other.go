//go:build !unix

package console

// watchResize: no resize signal here; the width is read again before each
// prompt.
func watchResize(int, func(int), <-chan struct{}) {}
