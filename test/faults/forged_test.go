package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// Forged and untrusted messages (issue #13, items 1 and 2): nothing that
// arrives from outside may choose an id, a generation, an internal header
// or a status, and a message on an internal subject is checked against its
// own text. Short articles of our own, so the tests run on a fresh clone.

// forgedTexts are the articles these tests submit; tag makes each test's
// copy its own article.
func forgedText(n int, tag string) string {
	texts := []string{
		"La Banca d'Italia ha pubblicato ieri il rapporto sulla stabilità finanziaria. " +
			"Secondo il documento, i prestiti alle imprese sono calati del due per cento nel primo semestre, " +
			"mentre i depositi delle famiglie sono rimasti stabili. Il governatore ha chiesto alle banche di sostenere gli investimenti.",
		"The European Commission opened an investigation on Tuesday into the cloud contracts of three large software companies. " +
			"Officials said the inquiry will look at licensing terms that make it harder for customers to switch providers. " +
			"The companies said they would cooperate fully with the regulators in Brussels.",
		"Il comune di Torino ha presentato un piano per installare mille colonnine di ricarica entro il prossimo anno. " +
			"L'assessore ai trasporti ha spiegato che i fondi arrivano in parte dall'Unione europea. " +
			"Le associazioni dei commercianti hanno accolto la notizia con favore.",
	}
	return texts[n%len(texts)] + fmt.Sprintf(" (%s %d)", tag, n)
}

// prepared returns the Submission JSON of text and the id the pipeline
// gives it.
func prepared(t *testing.T, text string) (data []byte, a news.Article) {
	t.Helper()
	data, _ = json.Marshal(news.Submission{Body: text})
	p := &pipeline.Pipeline{Ingest: service.Ingester{MaxBytes: 1 << 20}}
	a, err := p.Prepare(context.Background(), pipeline.Raw{Data: data, ContentType: "application/json"})
	if err != nil {
		t.Fatalf("preparing: %v", err)
	}
	return data, a
}

// outcomes collects every settled message of an in-process pipeline so a
// test can wait for a given one (an event, not a guess at a duration).
type outcomes struct {
	mu   sync.Mutex
	seen []bus.Outcome
	ch   chan struct{}
}

func newOutcomes() *outcomes { return &outcomes{ch: make(chan struct{}, 1)} }

func (o *outcomes) observe(x bus.Outcome) {
	o.mu.Lock()
	o.seen = append(o.seen, x)
	o.mu.Unlock()
	select {
	case o.ch <- struct{}{}:
	default:
	}
}

// wait returns the first outcome that match accepts, failing the test if
// none comes within timeout (a bound on a hang, not the expected time).
func (o *outcomes) wait(t *testing.T, what string, timeout time.Duration, match func(bus.Outcome) bool) bus.Outcome {
	t.Helper()
	deadline := time.After(timeout)
	for {
		o.mu.Lock()
		for _, x := range o.seen {
			if match(x) {
				o.mu.Unlock()
				return x
			}
		}
		o.mu.Unlock()
		select {
		case <-o.ch:
		case <-deadline:
			t.Fatalf("no outcome for %s within %s", what, timeout)
		}
	}
}

// waitN waits until n outcomes match.
func (o *outcomes) waitN(t *testing.T, what string, n int, timeout time.Duration, match func(bus.Outcome) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		o.mu.Lock()
		got := 0
		for _, x := range o.seen {
			if match(x) {
				got++
			}
		}
		o.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-o.ch:
		case <-deadline:
			t.Fatalf("%d of %d outcomes for %s within %s", got, n, what, timeout)
		}
	}
}

// publishRaw publishes data on subj with the given headers (a forger's
// message: any header, any Msg-Id).
func publishRaw(t *testing.T, b *bus.Bus, subj string, data []byte, hdr map[string]string) {
	t.Helper()
	h := nats.Header{}
	for k, v := range hdr {
		h[k] = []string{v}
	}
	msg := &nats.Msg{Subject: subj, Data: data, Header: h}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := b.JS.PublishMsg(ctx, msg); err != nil {
		t.Fatalf("publishing on %s: %v", subj, err)
	}
}

func briefedCount(t *testing.T, b *bus.Bus, id string) int {
	t.Helper()
	var n map[string]int
	retry(t, "reading news.briefed.>", func(ctx context.Context) (err error) {
		n, err = streamIDs(ctx, b, news.StreamNews, news.SubjectBriefed+".>")
		return err
	})
	return n[id]
}

func inprocOffline(t *testing.T, o *outcomes) *bus.Bus {
	t.Helper()
	s := bustest.Server(t)
	b := bustest.Connect(t, s)
	inproc(t, b, map[string]string{"NEWSBRIEF_ENTITIES_ENGINE": "offline", "NEWSBRIEF_SUMMARY_ENGINE": "offline"}, nil, o.observe)
	return b
}

func recorded(id string, action stage.Action) func(bus.Outcome) bool {
	return func(x bus.Outcome) bool { return x.Stage == news.StageRecord && x.ID == id && x.Action == action }
}

// TestForgedSubmitted: headers on the public subject are data. A forged
// Newsbrief-Id cannot reject another article (before or after it exists),
// a forged Nats-Msg-Id cannot drop its ingest output, and five submissions
// of one article with five different generations give one brief.
func TestForgedSubmitted(t *testing.T) {
	o := newOutcomes()
	b := inprocOffline(t, o)
	arts := mustArticles(t, b)
	data, victim := prepared(t, forgedText(0, "forged-submitted"))

	// Before the victim exists: an empty body naming it, squatting the
	// Msg-Id its ingest output will have, with a generation and a stage.
	forged := map[string]string{
		news.HeaderID: victim.ID, news.HeaderGeneration: "evil", news.HeaderStage: news.StageSummarise,
		news.HeaderReason: "forged", "Nats-Msg-Id": victim.ID + "." + news.StageIngest, "Content-Type": "text/plain",
	}
	publishRaw(t, b, news.SubjectSubmitted, []byte(""), forged)
	o.wait(t, "the forged empty submission's rejection", 30*time.Second, recorded(news.RawID([]byte("")), stage.Ack))
	if st, err := arts.Get(context.Background(), victim.ID); err == nil {
		t.Fatalf("a forged header gave the victim a status before it was submitted: %+v", st)
	}

	if err := b.Submit(context.Background(), data, "application/json"); err != nil {
		t.Fatal(err)
	}
	if st := waitFinal(t, b, victim.ID); st.Status != news.StatusBriefed {
		t.Fatalf("victim after a forged pre-emption: %+v, want briefed", st)
	}
	briefs, err := b.Briefs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before, err := briefs.Get(context.Background(), victim.ID)
	if err != nil {
		t.Fatal(err)
	}

	// After: another empty body naming the briefed victim.
	forged["Nats-Msg-Id"] = "again"
	publishRaw(t, b, news.SubjectSubmitted, []byte(" \n"), forged)
	o.wait(t, "the second forged rejection", 30*time.Second, recorded(news.RawID([]byte(" \n")), stage.Ack))
	if st, _ := arts.Get(context.Background(), victim.ID); st.Status != news.StatusBriefed {
		t.Errorf("victim after a forged rejection: %+v, want still briefed", st)
	}
	if after, err := briefs.Get(context.Background(), victim.ID); err != nil || after.CreatedAt != before.CreatedAt {
		t.Errorf("the victim's brief changed: %v", err)
	}

	// Five submissions of one article at once, each with its own
	// generation and Msg-Id: one brief.
	data2, twin := prepared(t, forgedText(1, "forged-generations"))
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			publishRaw(t, b, news.SubjectSubmitted, data2, map[string]string{
				news.HeaderGeneration: fmt.Sprintf("gen%d", i), news.HeaderID: twin.ID,
				"Nats-Msg-Id": fmt.Sprintf("twin-%d", i), "Content-Type": "application/json",
			})
		}()
	}
	wg.Wait()
	if st := waitFinal(t, b, twin.ID); st.Status != news.StatusBriefed {
		t.Fatalf("twin: %+v, want briefed", st)
	}
	// Every one of the five has gone through ingest before we count.
	raw2 := news.RawID(data2)
	o.waitN(t, "five ingest settles", 5, 30*time.Second, func(x bus.Outcome) bool {
		return x.Stage == news.StageIngest && (x.ID == twin.ID || x.ID == raw2)
	})
	if n := briefedCount(t, b, twin.ID); n != 1 {
		t.Errorf("five submissions with different generations: %d messages on news.briefed.>, want 1", n)
	}
	r := check(t, b, []string{victim.ID, twin.ID})
	result(t, r)
	audited(t, b)
}

// TestForgedInternal: a message on an internal subject is checked against
// its own text and its generation against what reprocess issued. A
// different text claiming a briefed article's id, the genuine article with
// a made-up generation, and a forged message squatting the next stage's
// Msg-Id all leave the victims as they were.
func TestForgedInternal(t *testing.T) {
	o := newOutcomes()
	b := inprocOffline(t, o)
	arts := mustArticles(t, b)
	data, victim := prepared(t, forgedText(2, "forged-internal"))
	if err := b.Submit(context.Background(), data, "application/json"); err != nil {
		t.Fatal(err)
	}
	if st := waitFinal(t, b, victim.ID); st.Status != news.StatusBriefed {
		t.Fatalf("victim: %+v", st)
	}

	// Another text claiming the victim's id, with a fresh generation.
	evil := victim
	evil.Body = "Testo falso che sostituisce il riassunto di un altro articolo con notizie inventate di sana pianta."
	evilData, _ := json.Marshal(evil)
	publishRaw(t, b, news.SubjectIngested, evilData, map[string]string{news.HeaderID: victim.ID, news.HeaderGeneration: "evil-1"})
	evilID := news.ID(evil.Title, evil.Body)
	x := o.wait(t, "the forged article's dead letter", 30*time.Second, func(x bus.Outcome) bool {
		return x.Stage == news.StageLangDetect && x.ID == evilID
	})
	if x.Action != stage.DeadLetter || !strings.Contains(x.Reason, "does not match") {
		t.Errorf("forged article on news.ingested: %v %q, want a dead letter for the id mismatch", x.Action, x.Reason)
	}

	// The genuine article again after detection, with a generation that
	// reprocess never issued.
	lang := news.Language{Code: "it", Confidence: 1}
	genuine := victim
	genuine.Language = &lang
	genuineData, _ := json.Marshal(genuine)
	publishRaw(t, b, news.Subject(news.SubjectDetected, "it"), genuineData, map[string]string{news.HeaderGeneration: "evil-2"})
	o.wait(t, "the made-up generation's dead letter", 30*time.Second, func(x bus.Outcome) bool {
		return x.Stage == news.StageEntities && x.ID == victim.ID && x.Action == stage.DeadLetter && strings.Contains(x.Reason, "not issued")
	})

	// Messages on the public subject squatting the Msg-Ids a future
	// article's stage outputs will have (the stream's duplicate window is
	// shared by every subject). Squatting on an internal subject itself
	// needs that stage's credential (TestPermissionMatrix).
	data3, future := prepared(t, forgedText(3, "forged-squat"))
	for i, st := range []string{news.StageIngest, news.StageLangDetect, news.StageEntities, news.StageSummarise} {
		body := []byte(strings.Repeat(" ", i+1)) // empty: rejected at ingest
		publishRaw(t, b, news.SubjectSubmitted, body, map[string]string{"Nats-Msg-Id": future.ID + "." + st, "Content-Type": "text/plain"})
		o.wait(t, "the squatter's rejection", 30*time.Second, recorded(news.RawID(body), stage.Ack))
	}
	if err := b.Submit(context.Background(), data3, "application/json"); err != nil {
		t.Fatal(err)
	}
	if st := waitFinal(t, b, future.ID); st.Status != news.StatusBriefed {
		t.Errorf("article whose Msg-Id was squatted: %+v, want briefed", st)
	}

	if st, _ := arts.Get(context.Background(), victim.ID); st.Status != news.StatusBriefed {
		t.Errorf("victim: %+v, want briefed", st)
	}
	for _, id := range []string{victim.ID, future.ID} {
		if n := briefedCount(t, b, id); n != 1 {
			t.Errorf("article %s: %d messages on news.briefed.>, want 1", id, n)
		}
	}
	briefs, _ := b.Briefs(context.Background())
	if br, err := briefs.Get(context.Background(), victim.ID); err != nil || br.Body != victim.Body {
		t.Errorf("victim's brief: %v, body replaced: %v", err, br.Body != victim.Body)
	}
	r := check(t, b, []string{victim.ID, future.ID})
	result(t, r)
	audited(t, b)

	// Reprocess still works: its generation is issued.
	n, err := b.Reprocess(context.Background(), "fix-1", func(br news.Brief) bool { return br.ID == victim.ID })
	if err != nil || n != 1 {
		t.Fatalf("reprocess: %d, %v", n, err)
	}
	o.waitN(t, "the reprocessed brief", 2, 60*time.Second, recorded(victim.ID, stage.Ack))
	if n := briefedCount(t, b, victim.ID); n != 2 {
		t.Errorf("after one reprocess: %d messages on news.briefed.>, want 2", n)
	}
}
