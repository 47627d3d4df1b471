package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// ErrNotFound is returned by the stores when no article or brief has the id.
var ErrNotFound = errors.New("bus: not found")

// Articles is the status of every article, in KV bucket news.BucketArticles.
// It is also the long-horizon dedup: the stream's Msg-Id window lasts
// minutes, an article's status lasts as long as the bucket.
type Articles struct{ kv jetstream.KeyValue }

// Articles opens the article status store.
func (b *Bus) Articles(ctx context.Context) (*Articles, error) {
	kv, err := b.JS.KeyValue(ctx, news.BucketArticles)
	if err != nil {
		return nil, fmt.Errorf("opening bucket %s: %w", news.BucketArticles, err)
	}
	return &Articles{kv}, nil
}

// Claim records id as pending unless it is already known. It reports
// whether the article should be processed: true for a new article and for
// one still pending or failed (a retry), false for one already briefed or
// rejected (a duplicate), with its status.
func (a *Articles) Claim(ctx context.Context, id string) (bool, news.Status, error) {
	st := news.Status{ID: id, Status: news.StatusPending, UpdatedAt: time.Now().UTC()}
	data, _ := json.Marshal(st)
	// Update at revision 0 creates the key or fails if it exists: one
	// request either way. kv.Create would follow a failure with a Get of
	// its own before ours (issue #7: the ingest stage re-claims every
	// article the gateway claimed).
	_, err := a.kv.Update(ctx, id, data, 0)
	if err == nil {
		return true, st, nil
	}
	if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, st, fmt.Errorf("claiming article %s: %w", id, err)
	}
	old, err := a.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		// Deleted or purged since: Create handles the delete marker.
		_, cerr := a.kv.Create(ctx, id, data)
		if cerr == nil {
			return true, st, nil
		}
		if !errors.Is(cerr, jetstream.ErrKeyExists) {
			return false, st, fmt.Errorf("claiming article %s: %w", id, cerr)
		}
		old, err = a.Get(ctx, id)
	}
	if err != nil {
		return false, st, err
	}
	switch old.Status {
	case news.StatusBriefed, news.StatusRejected:
		return false, old, nil
	case news.StatusFailed:
		// A resubmission of a failed article is a deliberate retry.
		return true, st, a.Set(ctx, st)
	}
	return true, old, nil
}

// Get returns an article's status, or ErrNotFound.
func (a *Articles) Get(ctx context.Context, id string) (news.Status, error) {
	return getJSON[news.Status](ctx, a.kv, id, "status of")
}

// getJSON reads key id of kv as JSON into a T, or returns ErrNotFound.
func getJSON[T any](ctx context.Context, kv jetstream.KeyValue, id, what string) (T, error) {
	var v T
	if !validKey(id) {
		return v, ErrNotFound
	}
	e, err := kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("reading %s %s: %w", what, id, err)
	}
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return v, fmt.Errorf("decoding %s %s: %w", what, id, err)
	}
	return v, nil
}

// Set writes an article's status.
func (a *Articles) Set(ctx context.Context, st news.Status) error {
	if st.UpdatedAt.IsZero() {
		st.UpdatedAt = time.Now().UTC()
	}
	data, _ := json.Marshal(st)
	if _, err := a.kv.Put(ctx, st.ID, data); err != nil {
		return fmt.Errorf("writing status of %s: %w", st.ID, err)
	}
	return nil
}

// Briefs is the brief store, KV bucket news.BucketBriefs keyed by article id.
type Briefs struct{ kv jetstream.KeyValue }

// Briefs opens the brief store.
func (b *Bus) Briefs(ctx context.Context) (*Briefs, error) {
	kv, err := b.JS.KeyValue(ctx, news.BucketBriefs)
	if err != nil {
		return nil, fmt.Errorf("opening bucket %s: %w", news.BucketBriefs, err)
	}
	return &Briefs{kv}, nil
}

// Get returns a brief, or ErrNotFound.
func (s *Briefs) Get(ctx context.Context, id string) (news.Brief, error) {
	return getJSON[news.Brief](ctx, s.kv, id, "brief")
}

// Put stores a brief under its id, replacing any earlier one.
func (s *Briefs) Put(ctx context.Context, br news.Brief) error {
	data, err := json.Marshal(br)
	if err != nil {
		return fmt.Errorf("encoding brief %s: %w", br.ID, err)
	}
	return s.putJSON(ctx, br.ID, data)
}

// putJSON stores a brief already encoded.
func (s *Briefs) putJSON(ctx context.Context, id string, data []byte) error {
	if _, err := s.kv.Put(ctx, id, data); err != nil {
		return fmt.Errorf("storing brief %s: %w", id, err)
	}
	return nil
}

// Watch calls fn for every stored brief, then for each new or replaced one,
// until ctx is done. live is false during the initial replay.
func (s *Briefs) Watch(ctx context.Context, fn func(br news.Brief, live bool)) error {
	return s.watch(ctx, func(e jetstream.KeyValueEntry, live bool) {
		var br news.Brief
		if json.Unmarshal(e.Value(), &br) == nil {
			fn(br, live)
		}
	})
}

// WatchIDs calls fn with the id of every stored brief, then of each new or
// replaced one, until ctx is done; live is false during the initial replay.
// It asks the server for the entries' metadata only, for watchers (the
// bench) that do not read the briefs.
func (s *Briefs) WatchIDs(ctx context.Context, fn func(id string, live bool)) error {
	return s.watch(ctx, func(e jetstream.KeyValueEntry, live bool) { fn(e.Key(), live) }, jetstream.MetaOnly())
}

// watch calls fn for every put in the bucket, replayed (live false) and then
// new, until ctx is done.
func (s *Briefs) watch(ctx context.Context, fn func(e jetstream.KeyValueEntry, live bool), opts ...jetstream.WatchOpt) error {
	return watchPuts(ctx, s.kv, "briefs", func(e jetstream.KeyValueEntry, live bool) {
		if e != nil {
			fn(e, live)
		}
	}, opts...)
}

// watchPuts calls fn for every put in kv, replayed (live false) and then
// new, until ctx is done; fn gets nil once, when the replay is over. what
// names the bucket in errors ("briefs").
func watchPuts(ctx context.Context, kv jetstream.KeyValue, what string, fn func(e jetstream.KeyValueEntry, live bool), opts ...jetstream.WatchOpt) error {
	w, err := kv.WatchAll(ctx, opts...)
	if err != nil {
		return fmt.Errorf("watching %s: %w", what, err)
	}
	defer w.Stop()
	live := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			switch {
			case !ok:
				return fmt.Errorf("%s watch closed", what)
			case e == nil:
				live = true
				fn(nil, false)
			case e.Operation() == jetstream.KeyValuePut:
				fn(e, live)
			}
		}
	}
}

// Submit publishes a submission on news.submitted, as any producer may. It
// sets no id: the ingest stage names the article by its content. The
// Msg-Id is the hash of the bytes, so only an identical resubmission is
// taken for a duplicate within the stream's window.
func (b *Bus) Submit(ctx context.Context, data []byte, contentType string) error {
	h := nats.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	msg := &nats.Msg{Subject: news.SubjectSubmitted, Data: data, Header: h}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := b.JS.PublishMsg(pctx, msg, jetstream.WithMsgID(news.RawID(data)+".submitted"))
	return err
}

// validKey reports whether id can be a KV key; anything else cannot exist.
func validKey(id string) bool {
	if id == "" || len(id) > 128 || strings.HasPrefix(id, ".") || strings.HasSuffix(id, ".") {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Record runs the sinks that turn pipeline outcomes into what readers see:
// briefs into the briefs bucket and a "briefed" status, rejections and dead
// letters into a "rejected" or "failed" status. It returns when ctx is done.
func Record(ctx context.Context, b *Bus, workers int, observe func(Outcome)) error {
	arts, err := b.Articles(ctx)
	if err != nil {
		return err
	}
	briefs, err := b.Briefs(ctx)
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() {
		errc <- Run(ctx, b, Spec[record, struct{}]{
			Name:     news.StageRecord,
			Subjects: []string{news.SubjectBriefed + ".>", news.SubjectRejected + ".>"},
			Workers:  workers,
			Observe:  observe,
			// A brief is filed under the hash of its text, never under an
			// id it merely claims (see Spec.ID).
			Decode: decodeRecord,
			ID:     func(r record) (string, error) { return r.id, r.idErr },
			Func: func(ctx context.Context, r record) (struct{}, error) {
				if r.rej != nil {
					return struct{}{}, arts.Set(ctx, news.Status{ID: r.rej.ID, Status: news.StatusRejected, Reason: r.rej.Reason, Stage: r.rej.Stage, UpdatedAt: r.rej.At})
				}
				if !validKey(r.id) {
					return struct{}{}, stage.Permanent(fmt.Errorf("brief id %q cannot be a key", r.id))
				}
				if err := briefs.putJSON(ctx, r.id, r.data); err != nil {
					return struct{}{}, err
				}
				return struct{}{}, arts.Set(ctx, news.Status{ID: r.id, Status: news.StatusBriefed, Stage: news.StageSummarise, Language: r.lang})
			},
		})
	}()
	go func() {
		errc <- Run(ctx, b, Spec[record, struct{}]{
			Name:     news.StageRecord + "-dlq",
			Stream:   news.StreamDLQ,
			Subjects: []string{news.SubjectDLQ + ".>"},
			Workers:  1,
			Observe:  observe,
			Decode: func(data []byte, h nats.Header) (record, error) {
				return record{stage: h.Get(news.HeaderStage), id: h.Get(news.HeaderID), reason: h.Get(news.HeaderReason)}, nil
			},
			Func: func(ctx context.Context, r record) (struct{}, error) {
				if r.id == "" {
					return struct{}{}, stage.ErrSkip
				}
				// A dead letter retried and briefed before this sink got to
				// it must not turn the article back to "failed".
				if st, err := arts.Get(ctx, r.id); err == nil && st.Status == news.StatusBriefed {
					return struct{}{}, stage.ErrSkip
				}
				return struct{}{}, arts.Set(ctx, news.Status{ID: r.id, Status: news.StatusFailed, Reason: firstLine(r.reason), Stage: r.stage})
			},
		})
	}()
	return errors.Join(<-errc, <-errc)
}

type record struct {
	data              []byte
	stage, id, reason string
	lang              string
	rej               *news.Rejection
	idErr             error
}

// decodeRecord reads a brief or a rejection for the recorder. The message
// is the brief's JSON as the summarise stage encoded it: it is stored as
// is, reading only what the status and the id check need, instead of
// decoding the whole brief and encoding it again (issue #7).
func decodeRecord(data []byte, h nats.Header) (record, error) {
	r := record{data: data, stage: h.Get(news.HeaderStage)}
	if strings.HasSuffix(r.stage, ".rejected") {
		var rej news.Rejection
		if err := json.Unmarshal(data, &rej); err != nil {
			return r, err
		}
		r.rej, r.id = &rej, rej.ID
		return r, nil
	}
	var head news.BriefHead
	if err := news.UnmarshalBriefHead(data, &head); err != nil {
		return r, err
	}
	r.id, r.idErr = news.CheckID(head.ID, head.Title, head.Body)
	r.lang = head.Language.Code
	return r, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
