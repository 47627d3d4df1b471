package bus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// BriefChange is one entry of the briefs bucket as Follow delivers it: a
// put (Data is the brief's JSON) or a deletion (Data is nil). Seq is the
// entry's revision, the bucket stream's sequence.
type BriefChange struct {
	Seq  uint64
	Key  string
	Data []byte
}

// FollowFunc is handed each batch of changes in bucket order. lag is how
// many entries were still pending after the batch when it was read (0:
// the batch reaches the end of the bucket); live is false while Follow is
// catching up with what the bucket held when it started. An empty batch
// with lag 0 says Follow has caught up with nothing to apply. An error
// stops Follow, which returns it: the caller resumes from its checkpoint.
type FollowFunc func(ctx context.Context, changes []BriefChange, lag uint64, live bool) error

// Follow reads the briefs bucket from the entry after sequence after (0:
// from the start), puts and deletions in order, and hands them to fn in
// batches of at most batch, until ctx is done. It is the projection's
// source: a reader that stored the last sequence it applied passes it back
// after a restart and reads only what came since, not the whole bucket.
func (s *Briefs) Follow(ctx context.Context, after uint64, batch int, fn FollowFunc) error {
	if batch <= 0 {
		batch = 256
	}
	w, err := s.kv.WatchAll(ctx, jetstream.ResumeFromRevision(after+1))
	if err != nil {
		return fmt.Errorf("watching briefs: %w", err)
	}
	defer w.Stop()
	live := false
	var buf []BriefChange
	var lag uint64
	add := func(e jetstream.KeyValueEntry) {
		if e.Revision() <= after { // never expected: the watch starts after it
			return
		}
		c := BriefChange{Seq: e.Revision(), Key: e.Key()}
		if e.Operation() == jetstream.KeyValuePut {
			c.Data = e.Value()
		}
		buf = append(buf, c)
		lag = e.Delta()
	}
	for {
		// Wait for one entry, then take what is already there up to batch.
		var caughtUp bool
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("brief watch closed")
			}
			if e == nil {
				caughtUp = true
			} else {
				add(e)
			}
		}
	fill:
		for len(buf) < batch && !caughtUp {
			select {
			case e, ok := <-w.Updates():
				if !ok {
					return errors.New("brief watch closed")
				}
				if e == nil {
					caughtUp = true
					break fill
				}
				add(e)
			default:
				break fill
			}
		}
		if len(buf) > 0 || caughtUp {
			if caughtUp && len(buf) == 0 {
				lag = 0
			}
			if err := fn(ctx, buf, lag, live); err != nil {
				return err
			}
			if n := len(buf); n > 0 {
				after = buf[n-1].Seq
			}
			buf = buf[:0]
		}
		if caughtUp {
			live = true
		}
	}
}

// LastSeq is the sequence of the briefs bucket's last entry (0: empty
// since it was created). A reader whose checkpoint is past it is reading a
// bucket that was created again, and must start over.
func (s *Briefs) LastSeq(ctx context.Context) (uint64, error) {
	st, err := s.kv.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the briefs bucket's status: %w", err)
	}
	ks, ok := st.(*jetstream.KeyValueBucketStatus)
	if !ok {
		return 0, errors.New("briefs bucket status: not a JetStream bucket")
	}
	return ks.StreamInfo().State.LastSeq, nil
}
