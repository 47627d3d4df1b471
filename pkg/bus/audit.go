package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// auditScanLimit bounds how many unacknowledged messages Stuck reads.
const auditScanLimit = 1_000_000

// Stuck checks the promise that every accepted article ends somewhere: it
// returns the articles that have been pending for longer than olderThan
// while no message of theirs is in flight. A message is in flight while
// some consumer of the NEWS or DLQ stream has not acknowledged it (every
// message above the consumer's ack floor counts, so Stuck may miss an
// article but never names one that is still moving). `newsbrief audit`
// prints them; the fault suite runs it after its faults.
func (b *Bus) Stuck(ctx context.Context, olderThan time.Duration) ([]news.Status, error) {
	arts, err := b.Articles(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := time.Now().Add(-olderThan)
	var pending []news.Status
	lister, err := arts.kv.ListKeys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, fmt.Errorf("listing articles: %w", err)
	}
	if err == nil {
		for id := range lister.Keys() {
			e, err := arts.kv.Get(ctx, id)
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				_ = lister.Stop()
				return nil, fmt.Errorf("reading status of %s: %w", id, err)
			}
			var st news.Status
			if json.Unmarshal(e.Value(), &st) != nil || st.Status != news.StatusPending {
				continue
			}
			if st.UpdatedAt.IsZero() {
				st.UpdatedAt = e.Created()
			}
			if st.UpdatedAt.Before(cutoff) {
				pending = append(pending, st)
			}
		}
	}
	if len(pending) == 0 {
		return nil, nil
	}
	moving, err := b.inFlight(ctx)
	if err != nil {
		return nil, err
	}
	var out []news.Status
	for _, st := range pending {
		if !moving[st.ID] {
			out = append(out, st)
		}
	}
	return out, nil
}

// inFlight returns the ids of the messages some consumer of NEWS or DLQ has
// not acknowledged yet, by their Newsbrief-Id header.
func (b *Bus) inFlight(ctx context.Context) (map[string]bool, error) {
	ids := map[string]bool{}
	read := 0
	for _, name := range []string{news.StreamNews, news.StreamDLQ} {
		st, err := b.JS.Stream(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("opening stream %s: %w", name, err)
		}
		lister := st.ListConsumers(ctx)
		var infos []*jetstream.ConsumerInfo
		for ci := range lister.Info() {
			infos = append(infos, ci)
		}
		if err := lister.Err(); err != nil {
			return nil, fmt.Errorf("listing consumers of %s: %w", name, err)
		}
		for _, ci := range infos {
			filters := ci.Config.FilterSubjects
			if ci.Config.FilterSubject != "" {
				filters = append(filters, ci.Config.FilterSubject)
			}
			if len(filters) == 0 {
				filters = []string{">"}
			}
			for _, f := range filters {
				for seq := ci.AckFloor.Stream + 1; read < auditScanLimit; read++ {
					m, err := st.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(f))
					if errors.Is(err, jetstream.ErrMsgNotFound) {
						break
					}
					if err != nil {
						return nil, fmt.Errorf("reading %s after %d: %w", name, seq, err)
					}
					if id := m.Header.Get(news.HeaderID); id != "" {
						ids[id] = true
					}
					seq = m.Sequence + 1
				}
			}
		}
	}
	if read >= auditScanLimit {
		return nil, fmt.Errorf("more than %d unacknowledged messages: audit when the backlog is smaller", auditScanLimit)
	}
	return ids, nil
}
