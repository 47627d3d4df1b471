package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
	openai "github.com/sashabaranov/go-openai"
)

// BriefInput is the article to brief. OutLang is the language to write in
// (default Lang); a different OutLang makes a translated brief.
type BriefInput struct {
	ArticleID string
	Title     string
	Body      string
	Lang      string
	OutLang   string
	// Entities found earlier help the model spell names; their names also
	// count as grounded words.
	Entities []news.Entity
}

// BriefOutput is the model's brief after validation and grounding.
type BriefOutput struct {
	Headline  string   `json:"headline"`
	Summary   string   `json:"summary"`
	KeyPoints []string `json:"key_points"`
	Topics    []string `json:"topics"`
}

// UngroundedError lists what a brief stated that the article does not.
// It wraps ErrUngrounded.
type UngroundedError struct{ Violations []Violation }

func (e *UngroundedError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return fmt.Sprintf("%v: %s", ErrUngrounded, strings.Join(parts, "; "))
}

func (e *UngroundedError) Unwrap() error { return ErrUngrounded }

var briefSchema = json.RawMessage(`{
  "type": "object",
  "properties": {
    "headline": {"type": "string"},
    "summary": {"type": "string"},
    "key_points": {"type": "array", "items": {"type": "string"}},
    "topics": {"type": "array", "items": {"type": "string", "enum": ["ai","cloud","chips","cybersecurity","telecom","funding","m&a","regulation","big-tech","startups","consumer-tech","software","science","policy","other"]}}
  },
  "required": ["headline", "summary", "key_points", "topics"],
  "additionalProperties": false
}`)

// parseBrief validates a reply against the brief schema and tidies it.
func parseBrief(reply string) (BriefOutput, error) {
	var r struct {
		Headline  *string   `json:"headline"`
		Summary   *string   `json:"summary"`
		KeyPoints *[]string `json:"key_points"`
		Topics    *[]string `json:"topics"`
	}
	if err := decodeStrict(reply, &r); err != nil {
		return BriefOutput{}, err
	}
	if r.Headline == nil || r.Summary == nil || r.KeyPoints == nil || r.Topics == nil {
		return BriefOutput{}, errors.New("headline, summary, key_points and topics are required")
	}
	out := BriefOutput{Headline: oneLine(*r.Headline), Summary: strings.TrimSpace(*r.Summary)}
	switch {
	case out.Headline == "":
		return BriefOutput{}, errors.New("empty headline")
	case len(out.Headline) > 300:
		return BriefOutput{}, errors.New("headline longer than 300 bytes")
	case out.Summary == "":
		return BriefOutput{}, errors.New("empty summary")
	}
	for _, k := range *r.KeyPoints {
		if k = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(k), "-•* ")); k != "" {
			out.KeyPoints = append(out.KeyPoints, k)
		}
	}
	if out.KeyPoints == nil {
		out.KeyPoints = []string{}
	}
	for _, t := range *r.Topics {
		if !contains(Topics, t) {
			return BriefOutput{}, fmt.Errorf("unknown topic %q", t)
		}
		if !contains(out.Topics, t) {
			out.Topics = append(out.Topics, t)
		}
	}
	if len(out.Topics) == 0 {
		out.Topics = []string{"other"}
	}
	return out, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Ground returns the numbers and proper names in out that the article
// (title, body and the names of the given entities) does not contain. It
// is the check Brief applies; it is exported for evaluations.
func Ground(out BriefOutput, title, body string, entities []news.Entity) []Violation {
	texts := []string{title, body}
	for _, e := range entities {
		texts = append(texts, e.Name)
	}
	ix := indexArticle(texts...)
	v := checkClaims(ix, "headline", out.Headline)
	v = append(v, checkClaims(ix, "summary", out.Summary)...)
	for i, k := range out.KeyPoints {
		v = append(v, checkClaims(ix, fmt.Sprintf("key_points[%d]", i), k)...)
	}
	return v
}

// Brief asks the model for a brief of the article in OutLang and checks
// it: the reply must match the schema, and every number and proper name it
// states must be in the article (for a translated brief, the same check:
// only numbers and proper names are compared, through a small Italian and
// English alias table). One failure is retried with the problem named in
// a follow-up message; a second returns ErrInvalidReply or an
// *UngroundedError (ErrUngrounded), and the caller should use the offline
// brief. Usage.Notes records what happened.
func (c *Client) Brief(ctx context.Context, in BriefInput) (BriefOutput, Usage, error) {
	u := Usage{Model: c.cfg.Model}
	if in.OutLang == "" {
		in.OutLang = in.Lang
	}
	if in.ArticleID == "" {
		in.ArticleID = news.ID(in.Title, in.Body)
	}
	check := func(out BriefOutput) error {
		if v := Ground(out, in.Title, in.Body, in.Entities); len(v) > 0 {
			return &UngroundedError{Violations: v}
		}
		return nil
	}
	key := cacheKey("brief", in.ArticleID, c.cfg.Model, PromptVersion, in.OutLang)
	if b, ok, err := c.shared().cache.Get(ctx, key); err == nil && ok {
		if out, err := parseBrief(string(b)); err == nil && check(out) == nil {
			u.Cached = true
			u.note("cache hit")
			return out, u, nil
		}
	}
	text, cut := truncate(in.Body, c.opt.MaxArticleTokens)
	if cut {
		u.note("article truncated to %d of %d bytes", len(text), len(in.Body))
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: render(briefPrompt, map[string]string{
			"LANG": langName(in.Lang), "OUT_LANG": langName(in.OutLang), "TOPICS": strings.Join(Topics, ", "),
		})},
		{Role: openai.ChatMessageRoleUser, Content: briefUserMessage(in, text)},
	}
	for turn := 0; ; turn++ {
		reply, err := c.complete(ctx, c.request("brief", briefSchema, msgs, 1500), &u)
		if err != nil {
			return BriefOutput{}, u, fmt.Errorf("briefing %s: %w", in.ArticleID, err)
		}
		out, perr := parseBrief(reply)
		var follow string
		switch {
		case perr != nil:
			u.note("invalid brief reply: %s", short(perr))
			if turn == 1 {
				return BriefOutput{}, u, fmt.Errorf("briefing %s: %w: %w", in.ArticleID, ErrInvalidReply, perr)
			}
			follow = fmt.Sprintf("Your answer was not valid for the schema (%s). Answer again with JSON only.", perr)
		default:
			gerr := check(out)
			if gerr == nil {
				if turn == 1 {
					u.note("grounding retry succeeded")
				}
				if err := c.shared().cache.Put(ctx, key, []byte(reply)); err != nil {
					u.note("cache put failed: %v", err)
				}
				return out, u, nil
			}
			var ue *UngroundedError
			errors.As(gerr, &ue)
			u.note("ungrounded brief: %s", short(gerr))
			if turn == 1 {
				return BriefOutput{}, u, fmt.Errorf("briefing %s: %w", in.ArticleID, gerr)
			}
			follow = groundingFollowUp(ue.Violations)
		}
		msgs = append(msgs,
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: reply},
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: follow})
	}
}

func briefUserMessage(in BriefInput, text string) string {
	var b strings.Builder
	if len(in.Entities) > 0 {
		b.WriteString("Names found in the article (data, for spelling):")
		for i, e := range in.Entities {
			if i == 40 {
				break
			}
			if isNumeric(e.Type) {
				continue
			}
			fmt.Fprintf(&b, " %s (%s);", tagRE.ReplaceAllString(e.Name, "[article]"), e.Type)
		}
		b.WriteString("\n\n")
	}
	b.WriteString(delimit(in.Title, text))
	return b.String()
}

func groundingFollowUp(vs []Violation) string {
	var b strings.Builder
	b.WriteString("Your brief states things the article does not contain: ")
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	b.WriteString(". Rewrite the brief using only facts, numbers and names that appear in the article, written as the article writes them. Answer with JSON only.")
	return b.String()
}
