package llm

import "strings"

// Price is what a model costs in US dollars per million tokens.
type Price struct {
	Prompt     float64 `json:"prompt"`
	Completion float64 `json:"completion"`
}

// Prices is the built-in price table: OpenAI list prices per million
// tokens (standard tier, no cached-input discount) as published in 2025.
// They are estimates for the usage report, not a bill; override them with
// NEWSBRIEF_LLM_PRICES. A model that is not listed (a local model served
// by Ollama, vLLM or llama.cpp) costs 0.
//
// Lookup is exact first, then the longest listed prefix, so a dated
// snapshot such as "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini".
var Prices = map[string]Price{
	"gpt-4o":        {Prompt: 2.50, Completion: 10.00},
	"gpt-4o-mini":   {Prompt: 0.15, Completion: 0.60},
	"gpt-4.1":       {Prompt: 2.00, Completion: 8.00},
	"gpt-4.1-mini":  {Prompt: 0.40, Completion: 1.60},
	"gpt-4.1-nano":  {Prompt: 0.10, Completion: 0.40},
	"gpt-3.5-turbo": {Prompt: 0.50, Completion: 1.50},
}

// priceOf looks model up in override, then in Prices.
func priceOf(model string, override map[string]Price) (Price, bool) {
	for _, table := range []map[string]Price{override, Prices} {
		if p, ok := table[model]; ok {
			return p, true
		}
	}
	for _, table := range []map[string]Price{override, Prices} {
		best, found := "", false
		for name := range table {
			if strings.HasPrefix(model, name) && len(name) > len(best) {
				best, found = name, true
			}
		}
		if found {
			return table[best], true
		}
	}
	return Price{}, false
}

// Cost estimates the cost in US dollars of one call.
func Cost(model string, promptTokens, completionTokens int, override map[string]Price) float64 {
	p, _ := priceOf(model, override)
	return (float64(promptTokens)*p.Prompt + float64(completionTokens)*p.Completion) / 1e6
}
