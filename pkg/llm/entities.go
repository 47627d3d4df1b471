package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
	openai "github.com/sashabaranov/go-openai"
)

// EntityTypes are the types the entities schema allows.
var EntityTypes = []string{news.Person, news.Org, news.Location, news.Product, news.Money, news.Percent, news.Quantity, news.Date}

// entitiesSchema is hand-written so every field is required and no
// omitempty can loosen it (OpenAI strict mode needs all fields required
// and additionalProperties false).
var entitiesSchema = json.RawMessage(`{
  "type": "object",
  "properties": {
    "entities": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "name": {"type": "string"},
          "type": {"type": "string", "enum": ["PERSON","ORG","LOCATION","PRODUCT","MONEY","PERCENT","QUANTITY","DATE"]},
          "surface": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["name", "type", "surface"],
        "additionalProperties": false
      }
    }
  },
  "required": ["entities"],
  "additionalProperties": false
}`)

// rawEntity is one entity as the model states it. Nothing of it is trusted
// beyond a hint of what to look for in the text.
type rawEntity struct {
	Name    string
	Type    string
	Surface []string
}

// parseEntities validates a reply against the entities schema.
func parseEntities(reply string) ([]rawEntity, error) {
	var r struct {
		Entities *[]struct {
			Name    *string   `json:"name"`
			Type    *string   `json:"type"`
			Surface *[]string `json:"surface"`
		} `json:"entities"`
	}
	if err := decodeStrict(reply, &r); err != nil {
		return nil, err
	}
	if r.Entities == nil {
		return nil, errors.New(`missing "entities"`)
	}
	out := make([]rawEntity, 0, len(*r.Entities))
	for i, e := range *r.Entities {
		switch {
		case e.Name == nil || e.Type == nil || e.Surface == nil:
			return nil, fmt.Errorf("entities[%d]: name, type and surface are required", i)
		case !contains(EntityTypes, *e.Type):
			return nil, fmt.Errorf("entities[%d]: unknown type %q", i, *e.Type)
		case strings.TrimSpace(*e.Name) == "":
			return nil, fmt.Errorf("entities[%d]: empty name", i)
		}
		out = append(out, rawEntity{Name: strings.TrimSpace(*e.Name), Type: *e.Type, Surface: *e.Surface})
	}
	return out, nil
}

// decodeStrict decodes one JSON value with no unknown fields. It tolerates
// what local servers that ignore strict mode wrap around JSON: a Markdown
// code fence and a leading <think> block.
func decodeStrict(reply string, v any) error {
	s := strings.TrimSpace(reply)
	if i := strings.LastIndex(s, "</think>"); i >= 0 {
		s = strings.TrimSpace(s[i+len("</think>"):])
	}
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```json")
		s = strings.TrimPrefix(s, "```")
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding reply: %w", err)
	}
	if dec.More() {
		return errors.New("decoding reply: text after the JSON value")
	}
	return nil
}

func isNumeric(typ string) bool {
	return typ == news.Money || typ == news.Percent || typ == news.Quantity || typ == news.Date
}

// Entities asks the model for the named entities of an article and keeps
// only what the article text bears out:
//
//   - an entity none of whose forms occurs in body is dropped and counted
//     in Usage.DroppedUngrounded;
//   - mentions are the byte ranges where we found its forms (exact match,
//     else ignoring case, spacing and apostrophe style), never the model's;
//   - the name is the model's only if it occurs in body, else the longest
//     form found, then mapped by Options.Canonical;
//   - MONEY, PERCENT, QUANTITY and DATE values come from Options.Amount
//     applied to the first grounded span, never from the model.
//
// An invalid reply is retried once with the problem named; a second one
// returns ErrInvalidReply. articleID (the content hash) keys the cache.
func (c *Client) Entities(ctx context.Context, articleID, body, lang string) ([]news.Entity, Usage, error) {
	u := Usage{Model: c.cfg.Model}
	if articleID == "" {
		articleID = news.ID("", body)
	}
	key := cacheKey("entities", articleID, c.cfg.Model, EntitiesPromptVersion, lang)
	if b, ok, err := c.shared().cache.Get(ctx, key); err == nil && ok {
		if raw, err := parseEntities(string(b)); err == nil {
			u.Cached = true
			u.note("cache hit")
			return c.groundEntities(body, lang, raw, &u), u, nil
		}
	}
	text, cut := truncate(body, c.opt.MaxArticleTokens)
	if cut {
		u.note("article truncated to %d of %d bytes", len(text), len(body))
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: render(entitiesPrompt, map[string]string{"LANG": langName(lang)})},
		{Role: openai.ChatMessageRoleUser, Content: delimit("", text)},
	}
	var raw []rawEntity
	for turn := 0; ; turn++ {
		reply, err := c.complete(ctx, c.request("entities", entitiesSchema, msgs, 4000), &u)
		if err != nil {
			return nil, u, fmt.Errorf("extracting entities of %s: %w", articleID, err)
		}
		raw, err = parseEntities(reply)
		if err == nil {
			if perr := c.shared().cache.Put(ctx, key, []byte(reply)); perr != nil {
				u.note("cache put failed: %v", perr)
			}
			break
		}
		u.note("invalid entities reply: %s", short(err))
		if turn == 1 {
			return nil, u, fmt.Errorf("extracting entities of %s: %w: %w", articleID, ErrInvalidReply, err)
		}
		msgs = append(msgs,
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: reply},
			openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: fmt.Sprintf(
				"Your answer was not valid for the schema (%s). Answer again with JSON only: {\"entities\":[{\"name\":...,\"type\":...,\"surface\":[...]}]}.", err)})
	}
	return c.groundEntities(body, lang, raw, &u), u, nil
}

// groundEntities turns the model's entities into entities of body.
func (c *Client) groundEntities(body, lang string, raw []rawEntity, u *Usage) []news.Entity {
	f := foldText(body)
	type ekey struct{ name, typ string }
	var order []ekey
	merged := map[ekey]*news.Entity{}
	for _, r := range raw {
		var ms []news.Mention
		longest := ""
		nameFound := false
		for i, form := range append([]string{r.Name}, r.Surface...) {
			spans := findSpans(body, f, form)
			if len(spans) == 0 {
				continue
			}
			ms = append(ms, spans...)
			if s := body[spans[0].Start:spans[0].End]; len(s) > len(longest) {
				longest = s
			}
			if i == 0 {
				nameFound = true
			}
		}
		if len(ms) == 0 {
			u.DroppedUngrounded++
			if u.DroppedUngrounded <= 5 {
				u.note("dropped entity not in the article: %s %q", r.Type, r.Name)
			}
			continue
		}
		ms = mergeMentions(ms)
		e := news.Entity{Name: longest, Type: r.Type}
		if nameFound {
			s := findSpans(body, f, r.Name)
			e.Name = body[s[0].Start:s[0].End]
		}
		if isNumeric(r.Type) {
			span := body[ms[0].Start:ms[0].End]
			e.Name = span
			if c.opt.Amount != nil {
				if a, ok := c.opt.Amount(span, lang); ok {
					e.Value, e.Currency, e.Unit = a.Value, a.Currency, a.Unit
					e.Qualifier, e.Approximate, e.ISO = a.Qualifier, a.Approximate, a.ISO
					if a.Type != "" {
						e.Type = a.Type
					}
				}
			}
		} else if c.opt.Canonical != nil {
			if n, t := c.opt.Canonical(e.Name, e.Type); n != "" {
				e.Name = n
				if t != "" {
					e.Type = t
				}
			}
		}
		k := ekey{e.Name, e.Type}
		if prev, ok := merged[k]; ok {
			prev.Mentions = mergeMentions(append(prev.Mentions, ms...))
			prev.Count = len(prev.Mentions)
			continue
		}
		e.Mentions = ms
		e.Count = len(ms)
		merged[k] = &e
		order = append(order, k)
	}
	out := make([]news.Entity, 0, len(order))
	for _, k := range order {
		out = append(out, *merged[k])
	}
	return out
}

// request builds a chat request with a strict JSON-schema reply format.
func (c *Client) request(name string, schema json.RawMessage, msgs []openai.ChatCompletionMessage, maxTokens int) openai.ChatCompletionRequest {
	seed := c.opt.Seed
	return openai.ChatCompletionRequest{
		Model:               c.cfg.Model,
		Messages:            msgs,
		Temperature:         c.opt.Temperature,
		Seed:                &seed,
		MaxCompletionTokens: maxTokens,
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: name, Schema: schema, Strict: true,
			},
		},
	}
}
