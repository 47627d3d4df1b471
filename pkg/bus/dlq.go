package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// DeadLetter is one message in the DLQ stream.
type DeadLetter struct {
	Seq    uint64 `json:"seq"`
	ID     string `json:"id"`
	Stage  string `json:"stage"`
	Reason string `json:"reason"`
	// Detail is the full reason when it has more than one line (a stack).
	Detail        string    `json:"detail,omitempty"`
	FailedSubject string    `json:"failed_subject"`
	Deliveries    int       `json:"deliveries"`
	FailedAt      time.Time `json:"failed_at"`
	// Size is the size of the input that failed; Truncated says the dead
	// letter keeps only its first bus.DeadLetterKeep bytes (it was too big
	// to copy whole) and cannot be retried.
	Size      int  `json:"size"`
	Truncated bool `json:"truncated,omitempty"`
}

// DeadLetters lists up to limit messages of the DLQ stream, oldest first.
func (b *Bus) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	st, err := b.JS.Stream(ctx, news.StreamDLQ)
	if err != nil {
		return nil, fmt.Errorf("opening DLQ stream: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading DLQ stream: %w", err)
	}
	var out []DeadLetter
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0 && (limit <= 0 || len(out) < limit); seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("reading dead letter %d: %w", seq, err)
		}
		out = append(out, deadLetterOf(m))
	}
	return out, nil
}

func deadLetterOf(m *jetstream.RawStreamMsg) DeadLetter {
	n, _ := strconv.Atoi(m.Header.Get(news.HeaderDeliveries))
	at, _ := time.Parse(time.RFC3339Nano, m.Header.Get(news.HeaderFailedAt))
	size, truncated := len(m.Data), false
	if v, err := strconv.Atoi(m.Header.Get(HeaderSize)); err == nil {
		size, truncated = v, true
	}
	return DeadLetter{
		Seq: m.Sequence, ID: m.Header.Get(news.HeaderID), Stage: m.Header.Get(news.HeaderStage),
		Reason: m.Header.Get(news.HeaderReason), Detail: strings.ReplaceAll(m.Header.Get(HeaderDetail), `\n`, "\n"), FailedSubject: m.Header.Get(news.HeaderFailedSubject),
		Deliveries: n, FailedAt: at, Size: size, Truncated: truncated,
	}
}

// RetryDeadLetter puts a dead letter back on the subject it failed on and
// removes it from the DLQ. The article's status goes back to pending; the
// stages' Msg-Ids and the brief store keyed by id keep a retry from making
// a second brief.
func (b *Bus) RetryDeadLetter(ctx context.Context, seq uint64) (DeadLetter, error) {
	st, err := b.JS.Stream(ctx, news.StreamDLQ)
	if err != nil {
		return DeadLetter{}, fmt.Errorf("opening DLQ stream: %w", err)
	}
	m, err := st.GetMsg(ctx, seq)
	if err != nil {
		return DeadLetter{}, fmt.Errorf("reading dead letter %d: %w", seq, err)
	}
	dl := deadLetterOf(m)
	if dl.Truncated {
		return dl, fmt.Errorf("dead letter %d keeps only the first %d of %d bytes (too big to copy whole): it cannot be retried; resubmit the article", seq, len(m.Data), dl.Size)
	}
	if dl.FailedSubject == "" {
		return dl, fmt.Errorf("dead letter %d has no %s header", seq, news.HeaderFailedSubject)
	}
	h := carry(nats.Header(m.Header))
	h.Del(news.HeaderReason)
	h.Set(news.HeaderID, dl.ID)
	msg := &nats.Msg{Subject: dl.FailedSubject, Data: m.Data, Header: h}
	// Pending first: once re-published the article can be briefed within
	// milliseconds, and a later "pending" would overwrite "briefed".
	if arts, err := b.Articles(ctx); err == nil && dl.ID != "" {
		if err := arts.Set(ctx, news.Status{ID: dl.ID, Status: news.StatusPending, Stage: dl.Stage}); err != nil {
			return dl, fmt.Errorf("marking article %s pending before retry: %w", dl.ID, err)
		}
	}
	if _, err := b.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(fmt.Sprintf("%s.retry.%d", dl.ID, seq))); err != nil {
		return dl, fmt.Errorf("re-publishing dead letter %d: %w", seq, err)
	}
	if err := st.DeleteMsg(ctx, seq); err != nil {
		return dl, fmt.Errorf("removing dead letter %d after retry: %w", seq, err)
	}
	return dl, nil
}
