package bus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// BenchmarkRunRoundTrip measures the runner's own cost: an identity stage
// on 1 KB messages, from publish of the input to the output's settlement
// (decode, publish with Msg-Id, ack), b.N messages per run.
func BenchmarkRunRoundTrip(b *testing.B) {
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			bs, _ := bustest.New(b)
			var settled atomic.Int64
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- bus.Run(ctx, bs, bus.Spec[item, item]{
					Name: "bench", Subjects: []string{inSubj}, Workers: workers, Policy: fastPolicy,
					Func:    func(_ context.Context, in item) (item, error) { return in, nil },
					Route:   func(o item) (string, string) { return outSubj, o.ID },
					Observe: func(bus.Outcome) { settled.Add(1) },
				})
			}()
			defer func() { cancel(); <-done }()
			pad := strings.Repeat("x", 1000)
			b.SetBytes(1024)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				it := item{ID: fmt.Sprintf("b%d-%s", i, pad[:0]), N: i}
				data, _ := json.Marshal(struct {
					item
					Pad string `json:"pad"`
				}{it, pad})
				msg := &nats.Msg{Subject: inSubj, Data: data, Header: nats.Header{news.HeaderID: []string{it.ID}}}
				if _, err := bs.JS.PublishMsgAsync(msg, jetstream.WithMsgID(it.ID)); err != nil {
					b.Fatal(err)
				}
			}
			<-bs.JS.PublishAsyncComplete()
			deadline := time.Now().Add(time.Minute)
			for settled.Load() < int64(b.N) {
				if time.Now().After(deadline) {
					b.Fatalf("settled %d of %d", settled.Load(), b.N)
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
		})
	}
}
