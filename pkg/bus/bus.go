// Package bus holds all of newsbrief's JetStream plumbing: connecting,
// declaring the streams and KV buckets, running a stage on a durable pull
// consumer, publishing with deterministic message ids, dead-lettering, and
// the article/brief stores the gateway reads.
//
// Nothing outside this package imports nats.go except the services' wiring
// and tests. Stage logic is given to Run as a stage.Func.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Config says how to reach NATS and how to shape the streams.
type Config struct {
	URL      string // comma-separated server URLs
	Name     string // client name, shown in the server's connz
	User     string
	Password string
	Token    string
	Creds    string // path to a .creds file (JWT + nkey)
	CA       string // PEM root CA for TLS
	Cert     string // client certificate (mutual TLS)
	Key      string
	// InboxPrefix replaces _INBOX as the prefix of reply subjects, for a
	// user that may subscribe only to its own replies (the producer's
	// _INBOX_producer.>).
	InboxPrefix string
	// Replicas of every stream and bucket: 1 for one server, 3 for a cluster.
	Replicas int
	// MaxAge bounds how long messages stay in the NEWS and DLQ streams.
	MaxAge time.Duration
	// Duplicates is the stream's Msg-Id window; dedup beyond it is the
	// articles bucket's job.
	Duplicates time.Duration
	// MaxMsgSize must fit the largest article plus JSON overhead; the
	// server's max_payload must be at least as big.
	MaxMsgSize int32
	// AckWait is the default Spec.AckWait of every stage Run on this Bus.
	AckWait time.Duration
	// BriefTTL, if positive, is how long a brief stays in the briefs bucket
	// (NEWSBRIEF_RETENTION); zero keeps briefs for ever. Every process
	// declares the bucket, so every process must be given the same value.
	BriefTTL time.Duration
	// StoreMaxBytes bounds the disk the streams and buckets may use
	// together (default DefaultStoreMaxBytes; negative: no limit), shared
	// as StoreShares says. A full stream refuses new messages (publishes
	// fail and are retried, the gateway answers 503) instead of dropping
	// old ones or filling the disk silently.
	StoreMaxBytes int64
	// Deadlines bound one call of a stage, by stage name; the "" entry is
	// the default of the others (else DefaultDeadline). See Spec.Deadline.
	Deadlines map[string]time.Duration
	// BindOnly makes Connect only bind to the streams and buckets, waiting
	// until they exist, and never create or update them: a worker's
	// credential then needs no right to change a stream (which would let it
	// cut one to MaxMsgs=1). `newsbrief setup` (Setup) declares them with
	// the ops credential.
	BindOnly bool
}

// Defaults for Config fields left zero.
const (
	DefaultMaxAge        = 7 * 24 * time.Hour
	DefaultDuplicates    = 10 * time.Minute
	DefaultMaxMsgSize    = 8 << 20
	DefaultStoreMaxBytes = 4 << 30
)

// StoreShares is each stream's and bucket's share, in percent, of
// Config.StoreMaxBytes.
var StoreShares = map[string]int64{
	news.StreamNews:                40,
	"KV_" + news.BucketBriefs:      35,
	"KV_" + news.BucketStories:     3,
	"KV_" + news.BucketLLM:         2,
	news.StreamDLQ:                 10,
	"KV_" + news.BucketArticles:    8,
	"KV_" + news.BucketGenerations: 1,
	"KV_" + news.BucketFeeds:       1,
}

// maxBytes is the byte limit of stream name (-1: none).
func (cfg Config) maxBytes(name string) int64 {
	total := cfg.StoreMaxBytes
	if total == 0 {
		total = DefaultStoreMaxBytes
	}
	if total < 0 {
		return -1
	}
	return max(total*StoreShares[name]/100, 1<<20)
}

// Bus is one connection to NATS with its JetStream context.
type Bus struct {
	NC   *nats.Conn
	JS   jetstream.JetStream
	cfg  Config
	log  *slog.Logger
	gens generationsKV
}

// Options turns cfg into nats.Options; shared by Connect and tools.
func (cfg Config) options(log *slog.Logger) []nats.Option {
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.ReconnectBufSize(64 << 20),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted()) }),
		nats.ErrorHandler(func(_ *nats.Conn, s *nats.Subscription, err error) {
			subj := ""
			if s != nil {
				subj = s.Subject
			}
			log.Error("nats async error", "subject", subj, "err", err)
		}),
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.Token != "" {
		opts = append(opts, nats.Token(cfg.Token))
	}
	if cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(cfg.Creds))
	}
	if cfg.InboxPrefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(cfg.InboxPrefix))
	}
	if cfg.CA != "" {
		opts = append(opts, nats.RootCAs(cfg.CA))
	}
	if cfg.Cert != "" || cfg.Key != "" {
		opts = append(opts, nats.ClientCert(cfg.Cert, cfg.Key))
	}
	return opts
}

// Connect dials NATS (retrying in the background if the server is not up
// yet), makes sure the streams and buckets exist and returns the Bus.
func Connect(ctx context.Context, cfg Config, log *slog.Logger) (*Bus, error) {
	if cfg.URL == "" {
		cfg.URL = nats.DefaultURL
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Duplicates == 0 {
		cfg.Duplicates = DefaultDuplicates
	}
	if cfg.MaxMsgSize == 0 {
		cfg.MaxMsgSize = DefaultMaxMsgSize
	}
	nc, err := nats.Connect(cfg.URL, cfg.options(log)...)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w", redact(cfg.URL), err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(1024), jetstream.WithPublishAsyncTimeout(10*time.Second))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("opening JetStream: %w", err)
	}
	b := &Bus{NC: nc, JS: js, cfg: cfg, log: log}
	step := b.declare
	if cfg.BindOnly {
		step = b.bind
	}
	if err := b.ensure(ctx, step); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

// Setup declares the streams and buckets (the feeds bucket included) and
// returns their names: what `newsbrief setup` runs with the ops credential
// before workers start in BindOnly mode. It is idempotent.
func (b *Bus) Setup(ctx context.Context) ([]string, error) {
	if err := b.ensure(ctx, b.declare); err != nil {
		return nil, err
	}
	if _, err := b.declareFeeds(ctx); err != nil {
		return nil, err
	}
	if _, err := b.declareStories(ctx); err != nil {
		return nil, err
	}
	var names []string
	for _, sc := range b.streams() {
		names = append(names, "stream "+sc.Name)
	}
	for _, kc := range b.buckets() {
		names = append(names, "bucket "+kc.Bucket)
	}
	return append(names, "bucket "+news.BucketFeeds, "bucket "+news.BucketStories), nil
}

// ensure declares the streams and buckets, retrying while the server is
// still starting or the connection is still being made.
func (b *Bus) ensure(ctx context.Context, step func(context.Context) error) error {
	var last error
	for attempt := 0; ; attempt++ {
		if last = step(ctx); last == nil {
			return nil
		}
		// Wrong credentials do not get better with waiting.
		if err := b.NC.LastError(); errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) || errors.Is(err, nats.ErrAuthRevoked) {
			return fmt.Errorf("NATS refused the credentials (NATS_USER/NATS_PASSWORD, NATS_CREDS): %w", err)
		}
		b.log.Warn("waiting for JetStream", "attempt", attempt+1, "bind_only", b.cfg.BindOnly, "err", last)
		select {
		case <-ctx.Done():
			return fmt.Errorf("declaring streams: %w (last error: %v)", ctx.Err(), last)
		case <-time.After(min(time.Duration(attempt+1)*250*time.Millisecond, 3*time.Second)):
		}
	}
}

// declareRetrying declares a bucket outside the common topology (stories,
// feeds) as Connect declares the rest: each attempt bounded, retried while
// the servers settle (a new 3-node cluster can take longer than one
// attempt to place a replicated bucket).
func (b *Bus) declareRetrying(ctx context.Context, declare func(context.Context) (jetstream.KeyValue, error)) (jetstream.KeyValue, error) {
	var kv jetstream.KeyValue
	err := b.ensure(ctx, func(ctx context.Context) error {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		var err error
		kv, err = declare(actx)
		return err
	})
	return kv, err
}

// bind checks that every stream and bucket exists, changing nothing.
func (b *Bus) bind(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, sc := range b.streams() {
		if _, err := b.JS.Stream(ctx, sc.Name); err != nil {
			return fmt.Errorf("binding stream %s (run `newsbrief setup` with the ops credential first): %w", sc.Name, err)
		}
	}
	for _, kc := range b.buckets() {
		if _, err := b.JS.KeyValue(ctx, kc.Bucket); err != nil {
			return fmt.Errorf("binding KV bucket %s (run `newsbrief setup` with the ops credential first): %w", kc.Bucket, err)
		}
	}
	return nil
}

func (b *Bus) declare(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, sc := range b.streams() {
		if _, err := b.JS.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("declaring stream %s: %w", sc.Name, err)
		}
	}
	for _, kc := range b.buckets() {
		if _, err := b.JS.CreateOrUpdateKeyValue(ctx, kc); err != nil {
			return fmt.Errorf("declaring KV bucket %s: %w", kc.Bucket, err)
		}
	}
	return nil
}

// streams is the configuration of the pipeline's streams.
func (b *Bus) streams() []jetstream.StreamConfig {
	return []jetstream.StreamConfig{{
		Name:        news.StreamNews,
		Description: "newsbrief articles between stages",
		Subjects:    []string{"news.>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxBytes:    b.cfg.maxBytes(news.StreamNews),
		Discard:     jetstream.DiscardNew,
		MaxAge:      b.cfg.MaxAge,
		Duplicates:  b.cfg.Duplicates,
		MaxMsgSize:  b.cfg.MaxMsgSize,
		Replicas:    b.cfg.Replicas,
		Compression: jetstream.S2Compression,
	}, {
		Name:        news.StreamDLQ,
		Description: "newsbrief dead letters: messages a stage could not process, with the reason in headers",
		Subjects:    []string{news.SubjectDLQ + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxBytes:    b.cfg.maxBytes(news.StreamDLQ),
		Discard:     jetstream.DiscardNew,
		MaxAge:      4 * b.cfg.MaxAge,
		Duplicates:  b.cfg.Duplicates,
		MaxMsgSize:  b.cfg.MaxMsgSize,
		Replicas:    b.cfg.Replicas,
		Compression: jetstream.S2Compression,
	}}
}

// buckets is the configuration of the pipeline's KV buckets.
func (b *Bus) buckets() []jetstream.KeyValueConfig {
	return []jetstream.KeyValueConfig{
		{Bucket: news.BucketBriefs, Description: "briefs by article id", History: 1, Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, MaxValueSize: b.cfg.MaxMsgSize, Compression: true, MaxBytes: b.cfg.maxBytes("KV_" + news.BucketBriefs), TTL: b.cfg.BriefTTL},
		{Bucket: news.BucketArticles, Description: "article status by id", History: 1, Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, MaxBytes: b.cfg.maxBytes("KV_" + news.BucketArticles)},
		{Bucket: news.BucketLLM, Description: "LLM token budget by day and reply cache", History: 1, Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, TTL: LLMTTL, MaxValueSize: 1 << 20, MaxBytes: b.cfg.maxBytes("KV_" + news.BucketLLM)},
		{Bucket: news.BucketGenerations, Description: "generation issued by reprocess, by article id", History: 1, Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, MaxValueSize: 256, MaxBytes: b.cfg.maxBytes("KV_" + news.BucketGenerations)},
	}
}

// Close drains the connection: pending publishes are flushed and
// subscriptions finish what they hold.
func (b *Bus) Close() error {
	if b.NC.IsClosed() {
		return nil
	}
	done := make(chan struct{})
	b.NC.SetClosedHandler(func(*nats.Conn) { close(done) })
	if err := b.NC.Drain(); err != nil {
		b.NC.Close()
		return err
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.NC.Close()
		return errors.New("bus: drain timed out")
	}
	return nil
}

// Ready reports whether the connection is up and JetStream answers.
func (b *Bus) Ready(ctx context.Context) error {
	if !b.NC.IsConnected() {
		return errors.New("not connected to NATS")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := b.JS.AccountInfo(ctx); err != nil {
		return fmt.Errorf("JetStream: %w", err)
	}
	return nil
}

func redact(url string) string {
	parts := strings.Split(url, ",")
	for i, p := range parts {
		if at := strings.LastIndex(p, "@"); at >= 0 {
			if scheme := strings.Index(p, "://"); scheme >= 0 && scheme < at {
				parts[i] = p[:scheme+3] + "***" + p[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}
