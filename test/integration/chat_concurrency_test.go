package integration

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gptbot/internal/library/llm/llmtest"
)

// TestChatFiftyAtOnceKeepsTheLedgerExact fires 50 messages of one user at
// once with a balance that covers only a few replies.
func TestChatFiftyAtOnceKeepsTheLedgerExact(t *testing.T) {
	const initial = 1000
	app, up := startChatApp(t, Options{NewUserTokens: initial}, "")
	up.Use(llmtest.New(t, llmtest.Reply("a", "b", "c").WithUsage(11, 3).WithDelay(100*time.Millisecond)))
	c := signUp(t, app, "greedy")
	convs := make([]int64, 50)
	for i := range convs {
		convs[i] = newConversation(t, c, nil)
	}

	statuses := make([]int, len(convs))
	bodies := make([]*Response, len(convs))
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range convs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-gate
			r := sendJSON(t, c, convs[i], map[string]any{"content": "go"})
			statuses[i], bodies[i] = r.Status, r
		}(i)
	}
	close(gate)
	wg.Wait()

	ok, poor := 0, 0
	for i, st := range statuses {
		switch st {
		case 200:
			ok++
			if rep := decodeReply(t, bodies[i]); rep.Message.Status != "complete" || rep.Message.ChargedTokens != 14 {
				t.Errorf("reply %d: %s", i, bodies[i].Raw)
			}
		case 402:
			poor++
			if !strings.Contains(bodies[i].Message, "balance") {
				t.Errorf("402 message %q", bodies[i].Message)
			}
		default:
			t.Errorf("request %d: status %d %s", i, st, bodies[i].Raw)
		}
	}
	if ok == 0 || poor == 0 {
		t.Fatalf("%d answered, %d refused: the balance should cover a few, not all", ok, poor)
	}
	checkLedger(t, app)
	var charged int64
	mustScan(t, app.DB().QueryRow("SELECT coalesce(sum(charged_tokens),0) FROM messages"), &charged)
	if b := balance(t, c); b != initial-charged || charged != int64(ok)*14 {
		t.Fatalf("balance %d, charged %d for %d replies", b, charged, ok)
	}
	var refused int
	mustScan(t, app.DB().QueryRow("SELECT count(*) FROM messages WHERE role = 'user'"), &refused)
	if refused != ok {
		t.Fatalf("%d user messages stored for %d answered requests: a refused message was kept", refused, ok)
	}
	t.Logf("%d answered, %d refused with 402", ok, poor)
}

// TestChatUsageAboveReservationNeverGoesNegative: a provider reporting far
// more tokens than were reserved is charged only what the balance holds.
// (200 prompt tokens for a prompt we count at 8 is still plausible: another
// tokenizer plus a server-side system prompt.)
func TestChatUsageAboveReservationNeverGoesNegative(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 30}, "")
	up.Use(llmtest.New(t, llmtest.Reply("x").WithUsage(200, 7)))
	c := signUp(t, app, "almost_broke")
	conv := newConversation(t, c, nil)
	r := sendJSON(t, c, conv, map[string]any{"content": "hi"})
	Expect(t, r, 200, "reply with the last tokens")
	if rep := decodeReply(t, r); rep.Usage.Balance != 0 || rep.Message.ChargedTokens != 30 {
		t.Fatalf("reply %s", r.Raw)
	}
	Expect(t, sendJSON(t, c, conv, map[string]any{"content": "hi again"}), 402, "empty balance")
	checkLedger(t, app)
	var note string
	mustScan(t, app.DB().QueryRow("SELECT note FROM usage_ledger WHERE note LIKE 'settle%' ORDER BY id DESC LIMIT 1"), &note)
	if !strings.Contains(note, "not charged") {
		t.Fatalf("settlement note %q does not record the uncharged tokens", note)
	}
}

// TestChatOneReplyAtATimePerConversation: concurrent sends and regenerates
// on one conversation get 409 while a reply is generated.
func TestChatOneReplyAtATimePerConversation(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	up.Use(llmtest.New(t, llmtest.Reply("slow", " reply", ".").WithDelay(150*time.Millisecond)))
	c := signUp(t, app, "impatient")
	conv := newConversation(t, c, nil)

	statuses := make(chan int, 8)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- sendJSON(t, c, conv, map[string]any{"content": "me first"}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[200] != 1 || count[409] != 7 {
		t.Fatalf("statuses %v: want one 200 and seven 409", count)
	}

	// While a reply streams, both send and regenerate are 409 with a
	// clear message; afterwards the conversation is free again.
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "long one"})
	if e, _ := s.Next(); e.Name != "start" {
		t.Fatalf("first event %+v", e)
	}
	r := sendJSON(t, c, conv, map[string]any{"content": "meanwhile"})
	Expect(t, r, 409, "send while streaming")
	if !strings.Contains(r.Message, "being generated") {
		t.Fatalf("409 message %q", r.Message)
	}
	Expect(t, c.Do("POST", fmt.Sprintf("/api/v1/conversations/%d/regenerate", conv), nil, "Accept", "application/json"),
		409, "regenerate while streaming")
	if g := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil); !strings.Contains(g.Raw, `"streaming":true`) ||
		!strings.Contains(g.Raw, `"status":"streaming"`) {
		t.Fatalf("conversation while streaming: %s", g.Raw)
	}
	if evs := s.All(); names(evs) != "start,delta,delta,delta,usage,done" {
		t.Fatalf("events %s", names(evs))
	}
	Expect(t, sendJSON(t, c, conv, map[string]any{"content": "now"}), 200, "send after the stream")
	checkLedger(t, app)
}

func TestChatRegenerate(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	c := signUp(t, app, "regen_user")
	conv := newConversation(t, c, nil)
	regen := fmt.Sprintf("/api/v1/conversations/%d/regenerate", conv)

	Expect(t, c.Do("POST", regen, nil, "Accept", "application/json"), 409, "regenerate with nothing to regenerate")

	up.Use(llmtest.New(t, llmtest.Reply("first answer")))
	first := decodeReply(t, sendJSON(t, c, conv, map[string]any{"content": "Question?"}))

	f := llmtest.New(t, llmtest.Reply("second", " answer"))
	up.Use(f)
	r := c.Do("POST", regen, nil, "Accept", "application/json")
	Expect(t, r, 200, "regenerate")
	second := decodeReply(t, r)
	if second.Message.Content != "second answer" || second.UserMessageId != first.UserMessageId ||
		second.Message.Id == first.Message.Id {
		t.Fatalf("regenerated: %s", r.Raw)
	}
	if msgs := f.Requests()[0].Body.Messages; len(msgs) != 1 || msgs[0].Content != "Question?" {
		t.Fatalf("regenerate sent %+v (the replaced reply must not be in the context)", msgs)
	}
	g := c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil)
	var got struct {
		Messages []struct {
			Id      int64
			Content string
		}
	}
	mustJSON(t, g.Data, &got)
	if len(got.Messages) != 2 || got.Messages[1].Content != "second answer" {
		t.Fatalf("conversation after regenerate: %s", g.Raw)
	}
	// The replaced reply was delivered and stays charged.
	if chargedFor(t, app, first.Message.Id) != first.Message.ChargedTokens || first.Message.ChargedTokens == 0 {
		t.Fatalf("charge of the replaced reply: %d", chargedFor(t, app, first.Message.Id))
	}

	// Streaming regenerate, with another model.
	f = llmtest.New(t, llmtest.Reply("third"))
	up.Use(f)
	evs := openSSE(t, c, regen, map[string]any{"model": "small-model"}).All()
	if names(evs) != "start,delta,usage,done" || find(t, evs, "start").num("userMessageId") != first.UserMessageId {
		t.Fatalf("events %s %s", names(evs), find(t, evs, "start").Raw)
	}
	if f.Requests()[0].Body.Model != "small-model" {
		t.Fatalf("model %q", f.Requests()[0].Body.Model)
	}
	Expect(t, c.Do("POST", regen, map[string]any{"model": "gpt-99"}, "Accept", "application/json"), 400, "unknown model")
	checkLedger(t, app)
}

// TestChatDeleteWhileStreaming: the stream stops with an error event, the
// upstream call is cancelled, and what was generated stays charged.
func TestChatDeleteWhileStreaming(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	pieces := make([]string, 40)
	for i := range pieces {
		pieces[i] = "token "
	}
	f := llmtest.New(t, llmtest.Reply(pieces...).WithDelay(50*time.Millisecond))
	up.Use(f)
	c := signUp(t, app, "deleter")
	before := balance(t, c)
	conv := newConversation(t, c, nil)

	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "write a lot"})
	st, _ := s.Next()
	for i := 0; i < 2; i++ {
		if e, ok := s.Next(); !ok || e.Name != "delta" {
			t.Fatalf("event %+v", e)
		}
	}
	Expect(t, c.Do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", conv), nil), 200, "delete while streaming")
	evs := s.All()
	last := evs[len(evs)-1]
	if last.Name != "error" || last.num("code") != 409 || !strings.Contains(last.str("message"), "deleted") {
		t.Fatalf("stream ended with %s %s", names(evs), last.Raw)
	}
	f.WaitCancelled(t, 5*time.Second)

	id := st.num("messageId")
	if _, exists := loadMessage(t, app, id); exists {
		t.Fatal("the deleted conversation's reply is still stored")
	}
	var settled int
	mustScan(t, app.DB().QueryRow("SELECT count(*) FROM usage_ledger WHERE message_id = ? AND note LIKE 'settle%'", id), &settled)
	charged := chargedFor(t, app, id)
	if settled != 1 || charged <= 0 {
		t.Fatalf("settlement rows %d, charged %d: the partial reply must be charged once", settled, charged)
	}
	if b := balance(t, c); b != before-charged {
		t.Fatalf("balance %d, want %d", b, before-charged)
	}
	Expect(t, c.Do("GET", fmt.Sprintf("/api/v1/conversations/%d", conv), nil), 404, "deleted conversation")
	checkLedger(t, app)

	up.Use(llmtest.New(t, llmtest.Reply("still alive")))
	Expect(t, sendJSON(t, c, newConversation(t, c, nil), map[string]any{"content": "hello?"}), 200, "chat after the delete")
}

// TestChatReplyOfAKilledProcessIsSettledOnRestart: the reservation is in
// the ledger from the start, so a crash mid-reply breaks no invariant; the
// next start refunds it once the conversation's claim has expired.
func TestChatReplyOfAKilledProcessIsSettledOnRestart(t *testing.T) {
	app, up := startChatApp(t, Options{NewUserTokens: 100000}, "")
	up.Use(llmtest.New(t, llmtest.Reply("never", " finished").WithDelay(2*time.Second)))
	c := signUp(t, app, "unlucky")
	before := balance(t, c)
	conv := newConversation(t, c, nil)
	s := openSSE(t, c, streamPath(conv), map[string]any{"content": "hello"})
	st, _ := s.Next()
	id := st.num("messageId")

	app.Stop() // SIGKILL: no settlement
	m, _ := loadMessage(t, app, id)
	if m.Status != "streaming" || m.Reserved <= 0 || chargedFor(t, app, id) != m.Reserved {
		t.Fatalf("after the crash: %+v, ledger %d", m, chargedFor(t, app, id))
	}
	var bal, ledger int64
	mustScan(t, app.DB().QueryRow("SELECT token_balance FROM users WHERE username = 'unlucky'"), &bal)
	mustScan(t, app.DB().QueryRow(`SELECT sum(CASE kind WHEN 'charge' THEN -tokens ELSE tokens END) FROM usage_ledger l
		JOIN users u ON u.id = l.user_id WHERE u.username = 'unlucky'`), &ledger)
	if bal != ledger || bal != before-m.Reserved {
		t.Fatalf("mid-reply: balance %d, ledger %d, reserved %d", bal, ledger, m.Reserved)
	}

	// A restart within the claim leaves the reply alone (another instance
	// could still be answering it) ...
	app.Start()
	if m, _ = loadMessage(t, app, id); m.Status != "streaming" {
		t.Fatalf("a reply still claimed was settled: %+v", m)
	}
	app.Stop()
	// ... and settles it once the claim has expired.
	if _, err := app.DB().Exec("UPDATE conversations SET busy_until = 1 WHERE id = ?", conv); err != nil {
		t.Fatal(err)
	}
	app.Start()
	if !strings.Contains(app.Log(), "settled 1 replies") {
		t.Fatalf("no sweep in the log:\n%s", app.Log())
	}
	if m, _ = loadMessage(t, app, id); m.Status != "failed" || m.Charged != 0 {
		t.Fatalf("after the sweep: %+v", m)
	}
	if b := balance(t, c); b != before {
		t.Fatalf("balance %d, want %d (reservation refunded)", b, before)
	}
	checkLedger(t, app)

	// Another crash; this time the next message in the conversation, after
	// the claim expired, finds the abandoned reply and settles it.
	s = openSSE(t, c, streamPath(conv), map[string]any{"content": "hello again"})
	st, _ = s.Next()
	app.Stop()
	app.Start()
	if _, err := app.DB().Exec("UPDATE conversations SET busy_until = 1 WHERE id = ?", conv); err != nil {
		t.Fatal(err)
	}
	up.Use(llmtest.New(t, llmtest.Reply("back").WithUsage(11, 1)))
	r := sendJSON(t, c, conv, map[string]any{"content": "again"})
	Expect(t, r, 200, "the conversation is free again")
	if m, _ = loadMessage(t, app, st.num("messageId")); m.Status != "failed" || m.Charged != 0 {
		t.Fatalf("abandoned reply: %+v", m)
	}
	if b := balance(t, c); b != before-12 {
		t.Fatalf("balance %d, want %d", b, before-12)
	}
	checkLedger(t, app)
}
