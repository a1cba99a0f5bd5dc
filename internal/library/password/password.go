// Package password hashes passwords with Argon2id (OWASP parameters:
// 19 MiB, t=2, p=1) into self-describing PHC strings, so parameters can be
// raised later without breaking stored hashes.
//
// Every hash and verification holds one slot of a process-wide gate sized
// to the CPUs Go may use: each computation allocates Params.Memory, so
// without a bound a burst of N logins costs N × 19 MiB at once, and more
// parallel computations than CPUs finish no sooner anyway.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/gogf/gf/v2/errors/gerror"
	"golang.org/x/crypto/argon2"
)

// Params are the Argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// OWASP is OWASP's recommended minimum for Argon2id: 19 MiB, two passes.
var OWASP = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// Hash returns "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>". It waits
// for a free slot of the gate; see Verify for the errors that wait can end in.
func Hash(ctx context.Context, plain string) (string, error) {
	if err := gate.acquire(ctx); err != nil {
		return "", err
	}
	defer gate.release()
	return hashWith(OWASP, plain)
}

func hashWith(p Params, plain string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", gerror.Wrap(err, "read random salt")
	}
	key := argon2.IDKey([]byte(plain), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether plain matches the encoded hash. A malformed hash is
// an error, never a match. It waits for a free slot of the gate: ErrBusy when
// too many computations are already waiting, ctx's error when ctx ends first.
func Verify(ctx context.Context, encoded, plain string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if err = gate.acquire(ctx); err != nil {
		return false, err
	}
	defer gate.release()
	got := argon2.IDKey([]byte(plain), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummy is verified against when the user does not exist, so that unknown
// usernames cost as much time as wrong passwords.
var dummy, _ = hashWith(OWASP, "gptbot-dummy-password-for-timing")

// VerifyDummy spends the time (and a gate slot) of one Verify and always
// reports no match; its error is Verify's.
func VerifyDummy(ctx context.Context, plain string) error {
	_, err := Verify(ctx, dummy, plain)
	return err
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, gerror.New("password hash: not an argon2id hash")
	}
	var version int
	if _, err = fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, gerror.New("password hash: unsupported argon2 version")
	}
	if _, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, gerror.Wrap(err, "password hash: bad parameters")
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 1<<22 || p.Time > 64 {
		return p, nil, nil, gerror.New("password hash: parameters out of range")
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, gerror.Wrap(err, "password hash: bad salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, gerror.New("password hash: bad key")
	}
	return p, salt, key, nil
}
