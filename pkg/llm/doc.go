// Package llm is the optional LLM path of newsbrief: named entities and
// briefs from any OpenAI-compatible chat completions endpoint (OpenAI,
// Ollama, vLLM, llama.cpp), used when configured and falling back to the
// offline engines otherwise.
//
// A language model is a fast, fluent and unreliable witness, so this
// package trusts it with wording only. Everything factual is checked
// against the article: entity mentions are found and measured by us, their
// numeric values are re-derived from the text by an injected normaliser,
// and a brief that states a number or a proper name the article lacks is
// retried once and then refused with ErrUngrounded. Replies must match a
// strict JSON schema. The article is sent as delimited, untrusted data, and
// the grounding check catches what a successful prompt injection would
// most likely add: invented figures and names.
//
// The client wraps github.com/sashabaranov/go-openai, which has no retries
// and no timeout of its own: each attempt has its own deadline; 408, 409,
// 429, 5xx and connection errors are retried a few times with jittered
// exponential back-off; a 429's Retry-After is honoured, and when it is long
// (or the retries are used up) it is returned as stage.RetryAfter so the
// JetStream runner redelivers the article later instead of holding a worker.
// A semaphore caps requests in flight, a Ledger caps tokens per UTC day
// (each call reserves its estimate before it starts), and a Cache keyed by
// article id, model, prompt version, task and output language makes re-runs
// free. Both are interfaces declared here: in-memory by default, and
// package bus's NATS KV ones (Client.Share) so all processes share them.
//
// Error semantics for a stage (see ShouldFallBack):
//
//	stage.RetryAfter(ErrRateLimited|ErrBudgetWait)  return it: the runner redelivers later
//	ErrBudget, ErrInvalidReply, ErrUngrounded,
//	ErrUnavailable                                  use the offline engine, note why
//	context errors                                  return them
package llm
