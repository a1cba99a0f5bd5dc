package connlimit

const (
	// reservedFiles are descriptors kept for everything but client
	// connections: the Redis pool, the database, logs, other listeners.
	reservedFiles = 256
	// filesPerConn: a client connection that streams a reply holds a
	// second descriptor, its connection to the model provider.
	filesPerConn = 2
	// autoCeiling bounds the derived cap: an idle connection still costs
	// its buffers and goroutine (tens of KB), and a process whose hard
	// limit is a million must not promise to hold that many.
	autoCeiling = 10000
	// autoFloor is the least the derived cap allows, for tiny limits.
	autoFloor = 16
	// usualFileLimit is assumed when the limit cannot be read.
	usualFileLimit = 1024
)

// FromFileLimit is the cap Auto derives from an open-file limit.
func FromFileLimit(limit uint64) int {
	if limit <= reservedFiles+filesPerConn*autoFloor {
		return autoFloor
	}
	n := (limit - reservedFiles) / filesPerConn
	if n > autoCeiling {
		return autoCeiling
	}
	return int(n)
}
