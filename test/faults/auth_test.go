package faults

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/news"
)

var workerUsers = []string{"gateway", "ingest", "langdetect", "entities", "summarise"}

// TestNATSPermissions runs every worker as its own NATS user with only the
// rights deploy/nats/permissions.conf gives it (credentials through
// NATS_USER and NATS_PASSWORD, in bind-only mode after `newsbrief setup`
// as ops), checks the invariant, checks that no
// worker hit a permissions violation, and that a worker cannot publish
// outside its rights nor connect with a wrong password.
func TestNATSPermissions(t *testing.T) {
	url := permServer(t)
	pw := permPassword
	// Workers only bind (they may not create or update a stream): the ops
	// credential declares the topology first.
	setupAsOps(t, url)

	ps := map[string]*proc{}
	for _, w := range workerUsers {
		env := workerEnv(url, fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", freePort(t)), "NATS_USER="+w, "NATS_PASSWORD="+pw(w), "NEWSBRIEF_BIND_ONLY=1")
		ps[w] = start(t, w, bin(w), env)
	}
	b := connect(t, url, func(c *bus.Config) { c.User, c.Password = "ops", pw("ops") })
	arts := corpus(t, 20, "permissions")
	submitNATS(t, b, arts)
	waitSettled(t, b, ids(arts), 60*time.Second)
	r := check(t, b, ids(arts))
	if r.Briefed != len(arts) {
		t.Errorf("briefed %d of %d", r.Briefed, len(arts))
	}
	for w, p := range ps {
		out := p.output()
		if strings.Contains(strings.ToLower(out), "permissions violation") || strings.Contains(out, "Authorization Violation") {
			t.Errorf("%s hit a permission error:\n%s", w, grepLines(out, "iolation", 5))
		}
		if strings.Contains(out, pw(w)) {
			t.Errorf("%s logged its NATS password", w)
		}
	}

	t.Run("producer forges headers", func(t *testing.T) {
		// With the producer credential, the one external clients get: an
		// empty body naming a briefed article, with a generation. It is
		// rejected under its own RawID; the article stays briefed with one
		// brief.
		victim := arts[0].ID
		pnc, err := nats.Connect(url, nats.UserInfo("producer", pw("producer")), nats.CustomInboxPrefix("_INBOX_producer"))
		if err != nil {
			t.Fatal(err)
		}
		defer pnc.Close()
		pjs, _ := jetstream.New(pnc)
		body := []byte(" ")
		h := nats.Header{}
		h.Set(news.HeaderID, victim)
		h.Set(news.HeaderGeneration, "evil")
		h.Set("Content-Type", "text/plain")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := pjs.PublishMsg(ctx, &nats.Msg{Subject: news.SubjectSubmitted, Data: body, Header: h}, jetstream.WithMsgID("forged-"+victim)); err != nil {
			t.Fatalf("producer publishing: %v", err)
		}
		if st := waitFinal(t, b, news.RawID(body)); st.Status != news.StatusRejected {
			t.Errorf("forged submission: %+v, want rejected under its RawID", st)
		}
		if st, _ := mustArticles(t, b).Get(context.Background(), victim); st.Status != news.StatusBriefed {
			t.Errorf("victim after a forged submission: %+v", st)
		}
		if n := briefedCount(t, b, victim); n != 1 {
			t.Errorf("victim: %d messages on news.briefed.>", n)
		}
	})

	t.Run("outside its rights", func(t *testing.T) {
		var mu sync.Mutex
		var asyncErr error
		nc, err := nats.Connect(url, nats.UserInfo("ingest", pw("ingest")), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			mu.Lock()
			asyncErr = err
			mu.Unlock()
		}))
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		// ingest may not forge briefs.
		_ = nc.Publish("news.briefed.it", []byte(`{"id":"forged"}`))
		_ = nc.Flush()
		if !waitFor(3*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return asyncErr != nil }) {
			t.Fatal("ingest published on news.briefed.it without a permissions error")
		}
		mu.Lock()
		t.Logf("ingest → news.briefed.it: %v", asyncErr)
		mu.Unlock()
	})
	t.Run("wrong password", func(t *testing.T) {
		nc, err := nats.Connect(url, nats.UserInfo("ingest", "guess"), nats.Timeout(2*time.Second))
		if err == nil {
			nc.Close()
			t.Fatal("connected with a wrong password")
		}
		t.Logf("wrong password: %v", err)
	})
	result(t, r)
}

func grepLines(s, sub string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
