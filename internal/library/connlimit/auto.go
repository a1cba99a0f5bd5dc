//go:build unix

package connlimit

import "syscall"

// Auto is a cap derived from the process's open-file limit (which Go
// raises to the hard limit at start): what is left after the reserve,
// halved for the provider connections, between autoFloor and autoCeiling.
func Auto() (max int, fileLimit uint64) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return FromFileLimit(usualFileLimit), usualFileLimit
	}
	return FromFileLimit(rl.Cur), rl.Cur
}
