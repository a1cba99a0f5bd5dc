package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
)

// The Redis key layout of the limiter. Keys are built here and nowhere
// else:
//
//	rate:<prefix><policy>:<key>   string: the GCRA theoretical arrival time of one budget
//
// redis_rate prepends "rate:" to the name it is given (bucketName) and
// passes the whole key in KEYS; the refund script gets the same whole key
// (bucketKey), so it finds exactly what redis_rate wrote. Each decision and
// each refund touches this one key, so both run unchanged on a Redis
// Cluster.

// redisRatePrefix is what redis_rate prepends to every name it is given.
const redisRatePrefix = "rate:"

// maxRawKey bounds how much of a caller-supplied key (a username typed at the
// login form, say) reaches Redis verbatim; longer keys are hashed so nobody
// can make us store kilobyte-sized key names.
const maxRawKey = 64

// bucketName is the name redis_rate is given for p's budget of key.
func (l *Limiter) bucketName(p Policy, key string) string {
	if len(key) > maxRawKey {
		sum := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(sum[:])
	}
	return l.prefix + p.Name + ":" + key
}

// bucketKey is the Redis key holding p's budget of key.
func (l *Limiter) bucketKey(p Policy, key string) string {
	return redisRatePrefix + l.bucketName(p, key)
}
