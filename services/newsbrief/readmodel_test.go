package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// TestReadModelSurvivesKill9 kills `newsbrief serve` with SIGKILL while its
// read model is projecting a stream of puts, replacements and deletions
// into the briefs bucket (on a NATS server of the test's own, which the
// kill leaves running), restarts it, and checks that the read model then
// holds exactly what the bucket holds: nothing lost, nothing twice, no
// stale version, and that the restart resumed from the checkpoint instead
// of replaying the bucket.
func TestReadModelSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	ns := bustest.Server(t)
	b := bustest.Connect(t, ns)
	ctx := context.Background()
	kv, err := b.JS.KeyValue(ctx, news.BucketBriefs)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	env := []string{"NATS_URL=" + ns.ClientURL(), "NEWSBRIEF_LOG_LEVEL=info"}
	s := startServer(t, data, env...)

	// The writer puts briefs 0..n-1; every 10th is later replaced, every
	// 25th deleted, until told to stop.
	const n = 3000
	put := func(i, version int) {
		br := news.Brief{ID: fmt.Sprintf("k%05d", i), Language: news.Language{Code: "en"}, Headline: fmt.Sprintf("brief %d version %d", i, version),
			Body: strings.Repeat("Words of a short article about storage prices. ", 20), CreatedAt: time.Unix(int64(1_700_000_000+i), 0).UTC(), Topics: []string{"t"}}
		data, _ := json.Marshal(br)
		if _, err := kv.Put(ctx, br.ID, data); err != nil {
			t.Error(err)
		}
	}
	var wg sync.WaitGroup
	written := make(chan int, n)
	wg.Go(func() {
		defer close(written)
		for i := range n {
			put(i, 1)
			if i%10 == 9 {
				put(i-5, 2)
			}
			if i%25 == 24 {
				if err := kv.Delete(ctx, fmt.Sprintf("k%05d", i-12)); err != nil {
					t.Error(err)
				}
			}
			written <- i
		}
	})
	// Kill once the writer is a third through and the read model lists
	// something: it is applying batches as they come.
	for i := range written {
		if i < n/3 {
			continue
		}
		var l gateway.BriefList
		if s.get(t, "/v1/briefs?limit=1", &l) == 200 && len(l.Briefs) > 0 {
			break
		}
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
	wg.Wait()
	if t.Failed() {
		return
	}

	s = startServer(t, data, env...) // returns once /readyz says current
	m := regexp.MustCompile(`read model following the briefs bucket[^\n]*"after_seq":(\d+)`).FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatalf("no resume line in the logs:\n%s", tail(s.logs.String(), 3000))
	}
	after, _ := strconv.Atoi(m[1])
	if after == 0 {
		t.Errorf("the restarted gateway replayed the bucket from the start (after_seq 0)")
	}
	st, _ := kv.Status(ctx)
	t.Logf("killed at checkpoint %d; the bucket's stream ended at %d", after, st.(*jetstream.KeyValueBucketStatus).StreamInfo().State.LastSeq)

	want := map[string]string{}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		var br news.Brief
		_ = json.Unmarshal(e.Value(), &br)
		want[k] = br.Headline
	}
	got := map[string]string{}
	cursor := ""
	for range n/500 + 2 {
		var l gateway.BriefList
		if code := s.get(t, "/v1/briefs?limit=500&cursor="+url.QueryEscape(cursor), &l); code != 200 {
			t.Fatalf("listing: %d", code)
		}
		for _, br := range l.Briefs {
			if _, dup := got[br.ID]; dup {
				t.Errorf("%s listed twice", br.ID)
			}
			got[br.ID] = br.Headline
		}
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if len(got) != len(want) {
		t.Errorf("read model holds %d briefs, the bucket %d", len(got), len(want))
	}
	for k, h := range want {
		if got[k] != h {
			t.Errorf("%s: read model has %q, bucket %q", k, got[k], h)
		}
	}
}
