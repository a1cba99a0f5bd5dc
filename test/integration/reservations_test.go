package integration

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// sweepYAML makes the reservation sweep run every 200 ms.
const sweepYAML = "chat:\n  settleInterval: \"200ms\"\n"

// patient keeps a slow reply in flight while a test sets up (under the
// race detector, sign-ups alone take seconds): the live process must not
// time it out and settle it before it is killed.
var patient = []string{"firstTokenTimeout", `"120s"`, "totalTimeout", `"300s"`}

// longAgo backdates a reservation past any claim lifetime: a test cannot
// wait out the real one (the total timeout plus two minutes).
const longAgo = "2000-01-01 00:00:00"

// settlementRows counts the settlement rows of a message.
func settlementRows(t *testing.T, app *App, messageID int64) int {
	t.Helper()
	var n int
	if err := app.DB().QueryRow("SELECT count(*) FROM usage_ledger WHERE message_id = ? AND note <> 'reserve'",
		messageID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// startAndKill starts a slow reply in a new conversation of c and kills
// the server mid-reply (no settlement); it returns the conversation, the
// reply's message id and what was reserved for it.
func startAndKill(t *testing.T, app *App, c *Client) (conv, id, reserved int64) {
	t.Helper()
	conv = newConversation(t, c, nil)
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "hello"})
	st, _ := s.Next()
	id = st.num("messageId")
	app.Stop() // SIGKILL
	m, ok := loadMessage(t, app, id)
	if !ok || m.Status != "streaming" || chargedFor(t, app, id) != m.Reserved || m.Reserved <= 0 {
		t.Fatalf("after the kill: %+v, ledger %d", m, chargedFor(t, app, id))
	}
	return conv, id, m.Reserved
}

// TestSweepRefundsReservationOfDeletedConversation: a process dies
// mid-reply and the user deletes the conversation: the message is gone,
// the ledger still holds the reservation, and the running server refunds
// it once a claim would have expired, without a restart or a new message.
func TestSweepRefundsReservationOfDeletedConversation(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, sweepYAML, patient...)
	up.Use(llmtest.New(t, llmtest.Hang()))
	c := signUp(t, app, "deleted_mid_reply")
	before := balance(t, c)
	conv, id, reserved := startAndKill(t, app, c)
	app.Start()

	Expect(t, c.Do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", conv), nil), 200, "delete the conversation")
	if _, exists := loadMessage(t, app, id); exists {
		t.Fatal("the message outlived its conversation")
	}
	// Younger than a claim lasts: its process might still settle it, so
	// several passes leave it alone.
	time.Sleep(time.Second)
	if got := chargedFor(t, app, id); got != reserved {
		t.Fatalf("reservation settled while a claim would still hold: ledger %d, reserved %d", got, reserved)
	}

	if _, err := app.DB().Exec("UPDATE usage_ledger SET created_at = ? WHERE message_id = ? AND note = 'reserve'",
		longAgo, id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the sweep to refund the reservation", func() bool { return chargedFor(t, app, id) == 0 })
	if n := settlementRows(t, app, id); n != 1 {
		t.Fatalf("%d settlement rows", n)
	}
	if b := balance(t, c); b != before {
		t.Fatalf("balance %d, want %d", b, before)
	}
	// The pass logs after its last settlement.
	waitFor(t, 5*time.Second, "the sweep in the log", func() bool {
		return strings.Contains(app.Log(), "settled 1 replies left unfinished by a stopped process")
	})
	checkLedger(t, app)
}

// TestSweepSettlesKilledReplyWithoutRestart: once the claim of a killed
// process's reply expires, the running server refunds it and marks it
// failed, without a restart or a new message in the conversation.
func TestSweepSettlesKilledReplyWithoutRestart(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, sweepYAML, patient...)
	up.Use(llmtest.New(t, llmtest.Hang()))
	c := signUp(t, app, "killed_reply")
	before := balance(t, c)
	conv, id, _ := startAndKill(t, app, c)
	app.Start()
	time.Sleep(time.Second) // several passes: the claim still holds
	if m, _ := loadMessage(t, app, id); m.Status != "streaming" {
		t.Fatalf("a reply still claimed was settled: %+v", m)
	}

	if _, err := app.DB().Exec("UPDATE conversations SET busy_until = 1 WHERE id = ?", conv); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the sweep to settle the reply", func() bool {
		m, _ := loadMessage(t, app, id)
		return m.Status != "streaming"
	})
	if m, _ := loadMessage(t, app, id); m.Status != "failed" || m.Charged != 0 || chargedFor(t, app, id) != 0 {
		t.Fatalf("after the sweep: %+v, ledger %d", m, chargedFor(t, app, id))
	}
	if b := balance(t, c); b != before {
		t.Fatalf("balance %d, want %d", b, before)
	}
	checkLedger(t, app)
}

// TestFailedSettlementIsRetried: the database refuses the settlement (as
// a full disk would); the reservation stays whole, and once writes work
// again the sweep settles the reply with what it really used.
func TestFailedSettlementIsRetried(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, sweepYAML)
	up.Use(llmtest.New(t, llmtest.Reply("Hello", " world").WithUsage(11, 2)))
	c := signUp(t, app, "disk_full")
	before := balance(t, c)
	conv := newConversation(t, c, nil)
	db := app.DB()
	if _, err := db.Exec(`CREATE TRIGGER disk_full BEFORE UPDATE ON messages
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}

	r := sendJSON(t, c, conv, map[string]any{"content": "hello"})
	Expect(t, r, 503, "a reply that could not be saved")
	var id, busy int64
	if err := db.QueryRow("SELECT id FROM messages WHERE role = 'assistant' AND conversation_id = ?", conv).Scan(&id); err != nil {
		t.Fatal(err)
	}
	m, _ := loadMessage(t, app, id)
	if m.Status != "streaming" || chargedFor(t, app, id) != m.Reserved || balance(t, c) != before-m.Reserved {
		t.Fatalf("after the failed settlement: %+v, ledger %d, balance %d", m, chargedFor(t, app, id), balance(t, c))
	}
	time.Sleep(500 * time.Millisecond) // passes while writes still fail change nothing
	if got := chargedFor(t, app, id); got != m.Reserved {
		t.Fatalf("ledger %d while settlements fail, want the reservation %d", got, m.Reserved)
	}

	if _, err := db.Exec("DROP TRIGGER disk_full"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the sweep to retry the settlement", func() bool {
		m, _ := loadMessage(t, app, id)
		return m.Status != "streaming"
	})
	m, _ = loadMessage(t, app, id)
	if m.Status != "complete" || m.Content != "Hello world" || m.Charged != 13 || m.Prompt != 11 || m.Completion != 2 {
		t.Fatalf("retried settlement: %+v", m)
	}
	if got, b := chargedFor(t, app, id), balance(t, c); got != 13 || b != before-13 {
		t.Fatalf("ledger %d, balance %d (want 13 and %d)", got, b, before-13)
	}
	if n := settlementRows(t, app, id); n != 1 {
		t.Fatalf("%d settlement rows", n)
	}
	if err := db.QueryRow("SELECT busy_until FROM conversations WHERE id = ?", conv).Scan(&busy); err != nil || busy != 0 {
		t.Fatalf("conversation still claimed (%d, %v)", busy, err)
	}
	waitFor(t, 5*time.Second, "the retry in the log", func() bool {
		return strings.Contains(app.Log(), "settled 1 replies whose settlement had failed")
	})
	checkLedger(t, app)
	Expect(t, sendJSON(t, c, conv, map[string]any{"content": "again"}), 200, "the conversation works again")
}

var settledLine = regexp.MustCompile(`settled (\d+) replies left unfinished by a stopped process`)

// settledInLog adds up the replies an instance's sweeps reported settled.
func settledInLog(log string) int {
	n := 0
	for _, m := range settledLine.FindAllStringSubmatch(log, -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

// TestTwoInstancesSettleEachReservationOnce: two servers on one database
// sweep at the same moment, over replies whose process died and over
// reservations whose conversation is gone: each is settled exactly once.
func TestTwoInstancesSettleEachReservationOnce(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "chat:\n  settleInterval: \"20ms\"\n", patient...)
	up.Use(llmtest.New(t, llmtest.Hang()))
	const users, perUser = 4, 8
	var clients []*Client
	var before []int64
	var convs, ids []int64
	for u := 0; u < users; u++ {
		c := signUp(t, app, fmt.Sprintf("twin_%d", u))
		clients = append(clients, c)
		before = append(before, balance(t, c))
		for i := 0; i < perUser; i++ {
			conv := newConversation(t, c, nil)
			s := openSSE(t, c, streamPath(conv), map[string]any{"content": "hello"})
			st, _ := s.Next()
			convs, ids = append(convs, conv), append(ids, st.num("messageId"))
		}
	}
	app.Stop()
	var streaming int
	if err := app.DB().QueryRow("SELECT count(*) FROM messages WHERE status = 'streaming'").Scan(&streaming); err != nil ||
		streaming != len(ids) {
		t.Fatalf("%d of %d replies in flight at the kill (%v)", streaming, len(ids), err)
	}
	app.Start()
	twin := app.Sibling()

	// Every claim expires at once, and a third of the conversations go
	// with reservations older than a claim lasts: both sweeps find all of
	// it on their next pass.
	tx, err := app.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i, conv := range convs {
		stmts := []string{"UPDATE conversations SET busy_until = 1 WHERE id = ?"}
		if i%3 == 0 {
			stmts = []string{"DELETE FROM messages WHERE conversation_id = ?", "DELETE FROM conversations WHERE id = ?"}
		}
		for _, q := range stmts {
			if _, err := tx.Exec(q, conv); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.Exec("UPDATE usage_ledger SET created_at = ? WHERE message_id = ? AND note = 'reserve'",
			longAgo, ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	waitFor(t, 15*time.Second, "both sweeps to settle every reply", func() bool {
		for _, id := range ids {
			if chargedFor(t, app, id) != 0 {
				return false
			}
		}
		return true
	})
	for _, id := range ids {
		if n := settlementRows(t, app, id); n != 1 {
			t.Errorf("reply %d: %d settlement rows", id, n)
		}
	}
	for u, c := range clients {
		if b := balance(t, c); b != before[u] {
			t.Errorf("user %d: balance %d, want %d", u, b, before[u])
		}
	}
	// A pass logs after its last settlement; once both logs account for
	// every reply, no more can come.
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if settledInLog(app.Log())+settledInLog(twin.Log()) >= len(ids) {
			break
		}
	}
	a, b := settledInLog(app.Log()), settledInLog(twin.Log())
	if a+b != len(ids) {
		t.Errorf("the instances reported %d + %d settled replies, want %d in all", a, b, len(ids))
	}
	t.Logf("settled by the first instance: %d, by the second: %d", a, b)
	checkLedger(t, app)
}
