package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// permUsers are the users of deploy/nats/permissions.conf.
var permUsers = append(append([]string(nil), workerUsers...), "producer", "ops")

func permPassword(user string) string { return "pw-" + user + "-" + secretNATS }

// permServer starts nats-server with deploy/nats/permissions.conf and
// returns its URL. Nothing is declared yet: `newsbrief setup` does it.
func permServer(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	perms, err := os.ReadFile(filepath.Join(root, "deploy", "nats", "permissions.conf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "permissions.conf"), perms, 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cfg := fmt.Sprintf("listen: 127.0.0.1:%d\nmax_payload: 8MB\njetstream { store_dir: %q }\ninclude ./permissions.conf\n", port, filepath.Join(dir, "js"))
	if err := os.WriteFile(filepath.Join(dir, "nats.conf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, u := range permUsers {
		env = append(env, fmt.Sprintf("NEWSBRIEF_%s_PASSWORD=%s", strings.ToUpper(u), permPassword(u)))
	}
	start(t, "nats", bin("nats-server"), env, "-c", filepath.Join(dir, "nats.conf"))
	waitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
	return fmt.Sprintf("nats://127.0.0.1:%d", port)
}

// setupAsOps runs `newsbrief setup` with the ops credential.
func setupAsOps(t *testing.T, url string) {
	t.Helper()
	out, code := cli(t, []string{"NATS_URL=" + url, "NATS_USER=ops", "NATS_PASSWORD=" + permPassword("ops")}, "setup")
	if code != 0 || !strings.Contains(out, "declared stream NEWS") || !strings.Contains(out, "declared bucket generations") {
		t.Fatalf("newsbrief setup as ops: exit %d\n%s", code, out)
	}
}

// permAction is one thing a credential might try.
type permAction struct {
	name    string
	sub     bool   // a core subscription, else a publish
	subject string // what it publishes on or subscribes to
	data    string
	allowed []string // users permissions.conf lets do it (ops may do all)
}

var permActions = []permAction{
	{name: "submit", subject: news.SubjectSubmitted, data: "x", allowed: []string{"gateway", "producer"}},
	{name: "forge an ingested article", subject: news.SubjectIngested, data: "{}", allowed: []string{"ingest", "gateway"}},
	{name: "forge a detected article", subject: "news.detected.it", data: "{}", allowed: []string{"langdetect"}},
	{name: "forge an extraction", subject: "news.extracted.it", data: "{}", allowed: []string{"entities"}},
	{name: "forge a brief", subject: "news.briefed.it", data: "{}", allowed: []string{"summarise"}},
	{name: "forge a rejection", subject: "news.rejected.summarise", data: "{}", allowed: []string{"summarise"}},
	{name: "forge an ingest rejection", subject: "news.rejected.ingest", data: "{}", allowed: []string{"ingest"}},
	{name: "forge a dead letter", subject: "dlq.summarise", data: "x", allowed: []string{"summarise"}},
	{name: "write a brief", subject: "$KV.briefs.victim", data: "{}", allowed: []string{"gateway"}},
	{name: "write a status", subject: "$KV.articles.victim", data: "{}", allowed: []string{"ingest", "gateway"}},
	{name: "spend the LLM budget", subject: "$KV.llm.budget.2026-01-01", data: "999999", allowed: []string{"entities", "summarise"}},
	{name: "issue a generation", subject: "$KV.generations.victim", data: "evil"},
	{name: "cut NEWS to one message", subject: "$JS.API.STREAM.UPDATE.NEWS", data: `{"name":"NEWS","subjects":["news.>"],"max_msgs":1}`},
	{name: "cut the briefs bucket to one", subject: "$JS.API.STREAM.UPDATE.KV_briefs", data: `{"name":"KV_briefs","max_msgs":1}`},
	{name: "create a stream", subject: "$JS.API.STREAM.CREATE.EVIL", data: `{"name":"EVIL","subjects":["evil.>"]}`},
	{name: "purge NEWS", subject: "$JS.API.STREAM.PURGE.NEWS", data: "{}"},
	{name: "delete the DLQ", subject: "$JS.API.STREAM.DELETE.DLQ", data: ""},
	{name: "delete a message", subject: "$JS.API.STREAM.MSG.DELETE.NEWS", data: `{"seq":1}`},
	{name: "delete another stage's consumer", subject: "$JS.API.CONSUMER.DELETE.NEWS.summarise", data: ""},
	{name: "take another stage's consumer", subject: "$JS.API.CONSUMER.CREATE.NEWS.summarise", data: "{}", allowed: []string{"summarise"}},
	{name: "pull another stage's messages", subject: "$JS.API.CONSUMER.MSG.NEXT.NEWS.summarise", data: `{"batch":1}`, allowed: []string{"summarise"}},
	{name: "ack another stage's message", subject: "$JS.ACK.NEWS.summarise.1.1.1.1.1.0", data: "+ACK", allowed: []string{"summarise"}},
	{name: "read a status", subject: "$JS.API.DIRECT.GET.KV_articles.$KV.articles.victim", data: "", allowed: []string{"ingest", "gateway"}},
	{name: "read a brief", subject: "$JS.API.DIRECT.GET.KV_briefs.$KV.briefs.victim", data: "", allowed: []string{"gateway", "producer"}},
	{name: "read everything", sub: true, subject: "news.>"},
	{name: "read briefs as published", sub: true, subject: "news.briefed.>", allowed: []string{"producer"}},
	{name: "read others' replies", sub: true, subject: "_INBOX.>", allowed: workerUsers},
}

// refused reports whether the server refused action a to user: it sends
// "-ERR Permissions Violation" for the subject before the PONG that ends
// the Flush, so the verdict needs no waiting.
func refused(t *testing.T, url, user string, a permAction) (bool, error) {
	t.Helper()
	opts := []nats.Option{nats.UserInfo(user, permPassword(user)), nats.Timeout(5 * time.Second), nats.NoReconnect(),
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {})}
	if user == "producer" {
		opts = append(opts, nats.CustomInboxPrefix("_INBOX_producer"))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return false, fmt.Errorf("connecting as %s: %w", user, err)
	}
	defer nc.Close()
	if a.sub {
		if _, err := nc.SubscribeSync(a.subject); err != nil {
			return false, err
		}
	} else if err := nc.Publish(a.subject, []byte(a.data)); err != nil {
		return false, err
	}
	if err := nc.FlushTimeout(5 * time.Second); err != nil {
		return false, err
	}
	last := nc.LastError()
	return last != nil && strings.Contains(strings.ToLower(last.Error()), "permissions violation") && strings.Contains(last.Error(), a.subject), nil
}

// TestPermissionMatrix (issue #13 item 3): every credential of
// deploy/nats/permissions.conf tries every action it is not granted, and
// the server refuses each one; the streams are unchanged afterwards; the
// producer can submit and read a brief with its own rights.
func TestPermissionMatrix(t *testing.T) {
	url := permServer(t)
	setupAsOps(t, url)
	tried := 0
	for _, user := range permUsers {
		if user == "ops" {
			continue // operators may do everything
		}
		for _, a := range permActions {
			allowed := false
			for _, u := range a.allowed {
				allowed = allowed || u == user
			}
			if allowed {
				// The check can tell: what is granted is not refused.
				if ok, err := refused(t, url, user, a); err != nil || ok {
					t.Errorf("%s: %s is granted but was refused (%v)", user, a.name, err)
				}
				continue
			}
			tried++
			ok, err := refused(t, url, user, a)
			if err != nil {
				t.Errorf("%s: %s: %v", user, a.name, err)
			} else if !ok {
				t.Errorf("%s may %s (%s)", user, a.name, a.subject)
			}
		}
	}
	t.Logf("%d forbidden (credential, action) pairs tried, each refused", tried)

	// Nothing changed: the streams keep their limits and messages.
	ops, err := nats.Connect(url, nats.UserInfo("ops", permPassword("ops")))
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Close()
	js, err := jetstream.New(ops)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, name := range []string{news.StreamNews, news.StreamDLQ, "KV_" + news.BucketBriefs} {
		st, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s after the matrix: %v", name, err)
		}
		if info, err := st.Info(ctx); err != nil || info.Config.MaxMsgs == 1 {
			t.Errorf("stream %s changed: %+v %v", name, info.Config, err)
		}
	}
	if _, err := js.Stream(ctx, "EVIL"); err == nil {
		t.Error("a worker created a stream")
	}

	// The producer's own rights are enough to submit and read briefs.
	pnc, err := nats.Connect(url, nats.UserInfo("producer", permPassword("producer")), nats.CustomInboxPrefix("_INBOX_producer"))
	if err != nil {
		t.Fatal(err)
	}
	defer pnc.Close()
	pjs, _ := jetstream.New(pnc)
	if _, err := pjs.PublishMsg(ctx, &nats.Msg{Subject: news.SubjectSubmitted, Data: []byte(forgedText(0, "producer"))}); err != nil {
		t.Errorf("producer submitting: %v", err)
	}
	kv, err := pjs.KeyValue(ctx, news.BucketBriefs)
	if err != nil {
		t.Fatalf("producer binding the briefs bucket: %v", err)
	}
	// (the gateway's granted write above stored "{}" under victim)
	if _, err := kv.Get(ctx, "victim"); err != nil {
		t.Errorf("producer reading a brief: %v", err)
	}

	for _, c := range []nats.Option{nats.UserInfo("ingest", "guess"), nats.UserInfo("nobody", "x"), nats.Token("x")} {
		if nc, err := nats.Connect(url, c, nats.Timeout(2*time.Second), nats.NoReconnect()); err == nil {
			nc.Close()
			t.Error("connected with wrong credentials")
		}
	}
}
