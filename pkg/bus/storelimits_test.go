package bus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// Every stream and bucket has a byte limit, and a full one refuses new
// messages instead of dropping old ones or filling the disk (issue #13
// item 12).
func TestStoreByteLimits(t *testing.T) {
	s := bustest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const total = 10 << 20
	b, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), StoreMaxBytes: total}, bustest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	if _, err := b.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	for name, share := range bus.StoreShares {
		st, err := b.JS.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := max(int64(total)*share/100, 1<<20)
		if info.Config.MaxBytes != want || info.Config.Discard != jetstream.DiscardNew {
			t.Errorf("%s: MaxBytes %d, discard %v; want %d, discard new", name, info.Config.MaxBytes, info.Config.Discard, want)
		}
	}
	// NEWS holds 4 MiB: the fifth 1 MiB message is refused, the first kept.
	var refused error
	for range 6 {
		_, err := b.JS.Publish(ctx, news.SubjectSubmitted, []byte(strings.Repeat("x", 1<<20-1024)))
		if err != nil {
			refused = err
			break
		}
	}
	if refused == nil || !strings.Contains(refused.Error(), "maximum bytes") {
		t.Errorf("a full NEWS stream: %v, want a refusal", refused)
	}
	st, _ := b.JS.Stream(ctx, news.StreamNews)
	if m, err := st.GetMsg(ctx, 1); err != nil || m == nil {
		t.Errorf("the first message was dropped to make room: %v", err)
	}
}
