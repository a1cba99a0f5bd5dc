package sessionstore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// idBytes is the session id's entropy: 256 bits from crypto/rand, twice the
// 128 bits OWASP asks for. GoFrame's default id (guid.S) is mostly a MAC
// hash, PID, clock and counter.
const idBytes = 32

// IDLen is the length of an encoded id.
var IDLen = base64.RawURLEncoding.EncodedLen(idBytes)

// NewID returns a fresh session id. It panics only if the kernel's random
// source fails, in which case no id is safe to hand out.
func NewID() string {
	b := make([]byte, idBytes)
	mustRead(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewUserID returns a fresh id for a session of user uid: a random id drawn
// again until its handle starts with the user's hash tag (keys.go), so the
// session's key, in the user's Cluster slot, follows from the cookie alone.
// The id stays uniformly random among ids with that handle prefix, which
// costs 8 of its 256 bits of entropy and leaves no visible structure: the
// prefix is one of a hash, and the user id is not in the id.
func NewUserID(uid int64) string {
	want := userTagByte(uid)
	const batch = 64 // ids per read of the random source
	buf := make([]byte, idBytes*batch)
	enc := make([]byte, IDLen)
	for {
		mustRead(buf)
		for i := 0; i < batch; i++ {
			base64.RawURLEncoding.Encode(enc, buf[i*idBytes:(i+1)*idBytes])
			// The handle is the hex SHA-256: its tag is the first byte.
			if sum := sha256.Sum256(enc); sum[0] == want {
				return string(enc)
			}
		}
	}
}

func mustRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("sessionstore: crypto/rand failed: " + err.Error())
	}
}

// IDFunc has the shape gsession.Session.SetIdFunc wants. It names fresh
// sessions, which are never stored: a login replaces them with NewUserID.
func IDFunc(time.Duration) string { return NewID() }

// ValidID reports whether s has the shape of an id this server issues, so
// garbage and oversized cookies never reach Redis.
func ValidID(s string) bool {
	if len(s) != IDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Handle is the opaque reference a user sees for one of their sessions: the
// SHA-256 of the id. It names the Redis key, so a dump of Redis or a device
// list never reveals a usable session id.
func Handle(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// ValidHandle reports whether s looks like a Handle.
func ValidHandle(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
