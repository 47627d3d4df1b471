package news

// Subjects. Everything on news.> is kept by StreamNews; the language suffix
// lets a deployment run workers per language.
//
//	news.submitted            raw submissions (JSON Submission, or plain text/HTML) from NATS clients
//	news.ingested             Article, normalised, with its ID (from ingest, or the gateway)
//	news.detected.<lang>      Article with Language set
//	news.extracted.<lang>     Extracted (article + entities)
//	news.briefed.<lang>       Brief
//	news.rejected.<stage>     Rejection
//	dlq.<stage>               the original message, with reason headers
const (
	SubjectSubmitted = "news.submitted"
	SubjectIngested  = "news.ingested"
	SubjectDetected  = "news.detected" // + "." + lang
	SubjectExtracted = "news.extracted"
	SubjectBriefed   = "news.briefed"
	SubjectRejected  = "news.rejected"
	SubjectDLQ       = "dlq"
)

// Streams and buckets.
const (
	StreamNews     = "NEWS"
	StreamDLQ      = "DLQ"
	BucketBriefs   = "briefs"
	BucketArticles = "articles"
	// BucketFeeds keeps the feed poller's state (validators, seen links) by
	// feed; only gateways that poll feeds create and use it.
	BucketFeeds = "feeds"
	// BucketGenerations records, by article id, the generation `newsbrief
	// reprocess` issued for it: a stage honours a Newsbrief-Generation
	// header only when this bucket names it. Only the reprocess credential
	// (ops) may write it.
	BucketGenerations = "generations"
	// BucketLLM holds the LLM's daily token budget and its reply cache,
	// shared by every process that calls the LLM.
	BucketLLM = "llm"
)

// Stage names, used for consumer names, Msg-Id suffixes and status records.
const (
	StageIngest     = "ingest"
	StageLangDetect = "langdetect"
	StageEntities   = "entities"
	StageSummarise  = "summarise"
	StageRecord     = "record"
)

// Headers set on every message the pipeline publishes.
const (
	HeaderID     = "Newsbrief-Id"
	HeaderStage  = "Newsbrief-Stage"
	HeaderReason = "Newsbrief-Reason"
	// HeaderFailedSubject and HeaderDeliveries go on dead letters.
	HeaderFailedSubject = "Newsbrief-Failed-Subject"
	HeaderDeliveries    = "Newsbrief-Deliveries"
	HeaderFailedAt      = "Newsbrief-Failed-At"
	// HeaderGeneration marks a deliberate re-run (newsbrief reprocess): it
	// travels through the stages and becomes part of every Msg-Id, so the
	// re-run's outputs are not taken for duplicates of the first run's.
	HeaderGeneration = "Newsbrief-Generation"
)

// Subject joins a base subject and a token, e.g. Subject(SubjectBriefed, "it").
func Subject(base, token string) string { return base + "." + token }
