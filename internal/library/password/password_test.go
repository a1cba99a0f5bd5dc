package password

import (
	"context"
	"strings"
	"testing"
)

var ctx = context.Background()

func TestHashVerify(t *testing.T) {
	for _, pw := range []string{"correct horse", "pässwörd-ünïcødé-密码", strings.Repeat("x", 128)} {
		h, err := Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("unexpected encoding %q", h)
		}
		if ok, err := Verify(ctx, h, pw); err != nil || !ok {
			t.Fatalf("right password rejected: %v", err)
		}
		if ok, _ := Verify(ctx, h, pw+"!"); ok {
			t.Fatal("wrong password accepted")
		}
	}
}

func TestSaltsDiffer(t *testing.T) {
	a, _ := Hash(ctx, "same password")
	b, _ := Hash(ctx, "same password")
	if a == b {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestMalformedHashIsErrorNotMatch(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA"} {
		if ok, err := Verify(ctx, h, "x"); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v", h, ok, err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		_, _ = Hash(ctx, "benchmark password")
	}
}
