package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/tracing"
)

// Connect connects to the configured NATS and declares the topology.
func Connect(ctx context.Context, c Config, name string, log *slog.Logger) (*bus.Bus, error) {
	return bus.Connect(ctx, bus.Config{
		URL: c.NATSURL, Name: "newsbrief-" + name,
		User: c.NATSUser, Password: c.NATSPassword, Creds: c.NATSCreds,
		CA: c.NATSCA, Cert: c.NATSCert, Key: c.NATSKey, InboxPrefix: c.NATSInboxPrefix,
		Replicas: c.Replicas, AckWait: c.AckWait, BindOnly: c.BindOnly, Deadlines: c.StageDeadlines,
		StoreMaxBytes: c.StoreMaxBytes, BriefTTL: c.Retention,
	}, log)
}

// Ingester adapts package ingest to pipeline.Ingester.
type Ingester struct {
	MaxBytes int
	Client   *http.Client
}

// NewIngester returns an Ingester with a bounded HTTP client that refuses
// private, loopback and link-local addresses unless
// NEWSBRIEF_FETCH_ALLOW_PRIVATE is set.
func NewIngester(c Config) Ingester {
	return Ingester{MaxBytes: c.MaxBytes, Client: FetchClient(c)}
}

// FetchClient is the one guarded HTTP client configuration for every
// outbound fetch (submitted URLs, feeds, feed item pages): it refuses
// private, loopback and link-local addresses, also after a redirect, unless
// NEWSBRIEF_FETCH_ALLOW_PRIVATE is set.
func FetchClient(c Config) *http.Client {
	return ingest.NewClient(c.FetchTimeout, c.FetchAllowPrivate)
}

func (i Ingester) Decode(data []byte, ct string) (news.Submission, error) {
	return ingest.Decode(data, ct, i.MaxBytes)
}

func (i Ingester) Normalise(s news.Submission, now time.Time) (news.Article, error) {
	return ingest.Normalise(s, now)
}

func (i Ingester) Fetch(ctx context.Context, url string) (news.Submission, error) {
	s, err := ingest.Fetch(ctx, i.Client, url, i.MaxBytes)
	if errors.Is(err, ingest.ErrTransient) {
		err = pipeline.Temporary(err)
	}
	return s, err
}

// Stages lists the pipeline stages in order (news.Topology).
var Stages = news.StageNames()

// RunStage runs one named stage of p on b until ctx is done. The consumer
// and its subjects come from the stage's row in news.Topology; what is
// here is each stage's types and routing.
func RunStage(ctx context.Context, b *bus.Bus, p *pipeline.Pipeline, name string, workers int, observe func(bus.Outcome)) error {
	if name == news.StageRecord {
		return bus.Record(ctx, b, workers, observe)
	}
	row, ok := news.LookupStage(name)
	if !ok {
		return fmt.Errorf("unknown stage %q (want one of %s, %s)", name, strings.Join(Stages, ", "), news.StageRecord)
	}
	switch name {
	case news.StageIngest:
		return bus.Run(ctx, b, bus.Spec[pipeline.Raw, news.Article]{
			Name: row.Consumer, Subjects: row.Inputs, Func: p.IngestStage, Workers: workers, Observe: observe,
			// Anyone with the producer credential publishes here: the id
			// comes from the content, never from a header.
			Public: true,
			Decode: func(data []byte, h nats.Header) (pipeline.Raw, error) {
				return pipeline.Raw{Data: data, ContentType: h.Get("Content-Type")}, nil
			},
			Route: func(a news.Article) (string, string) { return news.SubjectIngested, a.ID },
		})
	case news.StageLangDetect:
		return bus.Run(ctx, b, bus.Spec[news.Article, news.Article]{
			Name: row.Consumer, Subjects: row.Inputs, Func: p.Detect, Workers: workers, Observe: observe, ID: articleID,
			Route: func(a news.Article) (string, string) {
				return news.Subject(news.SubjectDetected, a.Language.Code), a.ID
			},
		})
	case news.StageEntities:
		return bus.Run(ctx, b, bus.Spec[news.Article, news.Extracted]{
			Name: row.Consumer, Subjects: row.Inputs, Func: p.Extract, Workers: workers, Observe: observe, ID: articleID,
			Slow: slow(p.Entities),
			Route: func(x news.Extracted) (string, string) {
				return news.Subject(news.SubjectExtracted, x.Article.Language.Code), x.Article.ID
			},
		})
	case news.StageSummarise:
		return bus.Run(ctx, b, bus.Spec[news.Extracted, news.Brief]{
			Name: row.Consumer, Subjects: row.Inputs, Func: p.Summarise, Workers: workers, Observe: observe,
			ID:   func(x news.Extracted) (string, error) { return articleID(x.Article) },
			Slow: slow(p.Summariser),
			Route: func(br news.Brief) (string, string) {
				return news.Subject(news.SubjectBriefed, br.Language.Code), br.ID
			},
		})
	case news.StageCluster:
		return runCluster(ctx, b, p.Story, row, workers, observe)
	}
	return fmt.Errorf("stage %q has a topology row but no runner in service.RunStage", name)
}

// slow reports whether an engine calls an LLM (seconds per article): its
// stage then takes messages only for free workers (bus.Spec.Slow).
func slow(engine any) bool {
	switch e := engine.(type) {
	case *EntityEngine:
		return e.LLM != nil
	case *SummaryEngine:
		return e.LLM != nil
	case meteredSummariser:
		return slow(e.next)
	}
	return false
}

// articleID is every internal stage's Spec.ID: an article is named by its
// text, and one whose id is not its text's hash is dead-lettered.
func articleID(a news.Article) (string, error) { return news.CheckID(a.ID, a.Title, a.Body) }

// Backend implements gateway.Backend on the bus.
type Backend struct {
	P      *pipeline.Pipeline
	B      *bus.Bus
	Arts   *bus.Articles
	Briefs *bus.Briefs
}

// NewBackend opens the stores.
func NewBackend(ctx context.Context, b *bus.Bus, p *pipeline.Pipeline) (*Backend, error) {
	arts, err := b.Articles(ctx)
	if err != nil {
		return nil, err
	}
	briefs, err := b.Briefs(ctx)
	if err != nil {
		return nil, err
	}
	return &Backend{P: p, B: b, Arts: arts, Briefs: briefs}, nil
}

func (g *Backend) Prepare(ctx context.Context, r pipeline.Raw) (news.Article, error) {
	return g.P.Prepare(ctx, r)
}

func (g *Backend) Claim(ctx context.Context, id string) (bool, news.Status, error) {
	return g.Arts.Claim(ctx, id)
}

// Submit publishes the prepared and claimed article on news.ingested, as
// the ingest stage would have: the ingest workers serve what is published
// on news.submitted directly.
func (g *Backend) Submit(ctx context.Context, a news.Article) error {
	h := map[string][]string{}
	tracing.Inject(ctx, h)
	return g.B.PublishIngested(ctx, a, h)
}

func (g *Backend) Status(ctx context.Context, id string) (news.Status, error) {
	st, err := g.Arts.Get(ctx, id)
	if errors.Is(err, bus.ErrNotFound) {
		err = gateway.ErrNotFound
	}
	return st, err
}

func (g *Backend) Brief(ctx context.Context, id string) (news.Brief, error) {
	br, err := g.Briefs.Get(ctx, id)
	if errors.Is(err, bus.ErrNotFound) {
		err = gateway.ErrNotFound
	}
	return br, err
}

func (g *Backend) Ready(ctx context.Context) error { return g.B.Ready(ctx) }

// Serve serves h on addr until ctx is done, then shuts down gracefully.
// ready, if not nil, receives the bound address.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready chan<- string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// No WriteTimeout: the SSE stream is long-lived; handlers bound their own work.
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	log.Info("http listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down http: %w", err)
	}
	return nil
}

// HealthHandler serves /healthz (process up) and /readyz (NATS reachable)
// for the workers.
func HealthHandler(b *bus.Bus) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := b.Ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "{\"error\":%q}\n", err.Error())
			return
		}
		fmt.Fprintln(w, `{"status":"ready"}`)
	})
	return mux
}

// Healthcheck GETs /healthz on the local HTTP address and returns the exit
// code: it is the image's HEALTHCHECK, since scratch images have no curl.
func Healthcheck(addr string) int {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 1
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
