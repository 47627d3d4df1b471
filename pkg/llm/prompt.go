package llm

import (
	_ "embed"
	"regexp"
	"strings"
)

// Prompt versions. A version names a prompt file; change the file, bump the
// version: it is part of the cache key and recorded in the brief.
const (
	PromptVersion         = "brief-v1"
	EntitiesPromptVersion = "entities-v1"
)

//go:embed prompts/brief.v1.txt
var briefPrompt string

//go:embed prompts/entities.v1.txt
var entitiesPrompt string

// DefaultMaxArticleTokens bounds the article text sent to the model. Tokens
// are estimated at 4 bytes each, so the default sends at most 24,000 bytes
// of body: a long feature, well inside any current context window, with
// room for the instructions and the reply.
const DefaultMaxArticleTokens = 6000

// Topics is the brief topic taxonomy, the enum of the brief schema.
var Topics = []string{"ai", "cloud", "chips", "cybersecurity", "telecom", "funding", "m&a",
	"regulation", "big-tech", "startups", "consumer-tech", "software", "science", "policy", "other"}

var langNames = map[string]string{"it": "Italian", "en": "English", "fr": "French", "de": "German", "es": "Spanish", "pt": "Portuguese"}

func langName(code string) string {
	if n, ok := langNames[code]; ok {
		return n
	}
	if code == "" {
		return "the article's language"
	}
	return "the language with ISO 639 code " + code
}

func render(tmpl string, vars map[string]string) string {
	for k, v := range vars {
		tmpl = strings.ReplaceAll(tmpl, "{{"+k+"}}", v)
	}
	return tmpl
}

var tagRE = regexp.MustCompile(`(?i)<\s*/?\s*article\s*>`)

// delimit wraps untrusted article text in <article> tags, defusing any
// such tag inside it so the text cannot close the block early.
func delimit(title, body string) string {
	var b strings.Builder
	b.WriteString("<article>\n")
	if title != "" {
		b.WriteString(tagRE.ReplaceAllString(title, "[article]"))
		b.WriteString("\n\n")
	}
	b.WriteString(tagRE.ReplaceAllString(body, "[article]"))
	b.WriteString("\n</article>")
	return b.String()
}

// truncate cuts body to about maxTokens tokens (4 bytes each) at the last
// paragraph boundary before the limit, else the last line break, else the
// last sentence end, else a rune boundary. It reports whether it cut.
func truncate(body string, maxTokens int) (string, bool) {
	limit := maxTokens * 4
	if len(body) <= limit {
		return body, false
	}
	head := body[:limit]
	for _, sep := range []string{"\n\n", "\n", ". "} {
		if i := strings.LastIndex(head, sep); i > limit/2 {
			return strings.TrimRight(body[:i+len(sep)], " \n"), true
		}
	}
	for limit > 0 && !isRuneStart(body[limit]) {
		limit--
	}
	return body[:limit], true
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
