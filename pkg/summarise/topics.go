package summarise

import (
	"sort"
	"strings"
)

// Taxonomy lists the topics Offline can assign, in the order they are
// documented in docs/topics.md. Tech topics come first; the general ones let
// ordinary news (the pipeline also sees it) get a sensible label.
var Taxonomy = []string{
	"ai", "cloud", "chips", "cybersecurity", "telecom", "software", "devices",
	"big-tech", "startups", "funding", "m&a", "regulation", "space", "energy",
	"mobility", "science", "health", "economy", "politics", "justice", "disaster",
	"sport", "culture",
}

// topicTerms maps each topic to its cue words, Italian and English, lower
// case. A term ending in '*' matches any word with that prefix; a term with a
// space matches a phrase of consecutive words; a term starting with '=' only
// matches a capitalised word.
var topicTerms = map[string][]string{
	"ai": {"=ai", "=ia", "intelligenza artificiale", "artificial intelligence", "machine learning",
		"apprendimento automatico", "chatgpt", "openai", "anthropic", "claude", "gemini", "llm*",
		"generativ*", "chatbot*", "neural*", "neurale", "neurali", "deepmind", "copilot", "mistral",
		"modello linguistico", "modelli linguistici", "language model*", "agenti ai", "ai agent*"},
	"cloud": {"cloud", "aws", "azure", "data center", "datacenter", "data centre", "hyperscaler*",
		"saas", "iaas", "google cloud", "server", "infrastruttur* cloud"},
	"chips": {"chip", "chips", "semicondutt*", "semiconductor*", "gpu", "gpus", "cpu", "cpus",
		"nvidia", "tsmc", "intel", "amd", "qualcomm", "=arm", "broadcom", "trainium", "inferentia",
		"wafer*", "foundry", "fonderi*", "processor*", "processori", "microchip*", "asml"},
	"cybersecurity": {"cybersecurity", "cybersicurezza", "sicurezza informatica", "hacker*",
		"ransomware", "malware", "phishing", "attacco informatico", "attacchi informatici",
		"cyberattack*", "cyber attack*", "data breach", "violazione dei dati", "vulnerabilit*",
		"ddos", "spyware", "cyber"},
	"telecom": {"telecom*", "telecomunicazion*", "5g", "6g", "fibra", "fiber", "fibre", "broadband",
		"banda larga", "operator* telefonic*", "vodafone", "tim", "iliad", "fastweb", "wind tre", "=tim",
		"verizon", "at&t", "spectrum", "frequenze", "satellitar*", "starlink", "rete mobile",
		"mobile network*"},
	"software": {"software", "app", "apps", "applicazion*", "sistema operativo", "operating system",
		"browser*", "open source", "windows", "linux", "android", "ios", "aggiornamento",
		"update", "piattaform*", "platform*", "internet explorer", "firefox", "website", "sito web"},
	"devices": {"smartphone*", "iphone", "ipad", "tablet*", "laptop*", "pc", "computer",
		"dispositiv*", "device*", "wearable*", "smartwatch*", "console", "robot*", "visore",
		"headset*"},
	"big-tech": {"amazon", "microsoft", "google", "alphabet", "apple", "meta", "facebook",
		"instagram", "whatsapp", "netflix", "tesla", "big tech", "openai", "nvidia", "x.com",
		"twitter", "tiktok", "bytedance", "samsung", "oracle", "ibm", "alibaba", "tencent"},
	"startups": {"startup", "start-up", "startups", "scaleup*", "scale-up*", "unicorn*",
		"unicorno", "unicorni", "incubator*", "acceleratore", "accelerator*", "founder*",
		"fondatore", "fondatori"},
	"funding": {"round", "finanziament*", "funding", "fondi", "raccolt*", "raised", "raises", "raise",
		"investiment*", "investment*", "investire", "investirà", "investito", "invest",
		"invests", "investor*", "investitor*", "venture capital", "capitale di rischio", "valutazione",
		"valuation", "ipo", "quotazione", "seed", "serie a", "series a", "series b"},
	"m&a": {"acquisizion*", "acquisition*", "acquire*", "acquisisce", "acquista", "fusione",
		"fusioni", "merger*", "takeover", "opa", "buyout", "partecipazione",
		"stake", "cessione", "compra", "buy", "buys", "bought", "purchase*"},
	"regulation": {"regolament*", "regulation*", "regulator*", "antitrust", "garante",
		"commissione europea", "european commission", "=ue", "=eu", "gdpr", "ai act", "dma", "dsa",
		"legge", "law", "normativ*", "multa", "multe", "sanzion*", "fined", "ftc", "agcm",
		"authority", "autorità", "decreto", "compliance", "privacy", "ban", "divieto", "vieta"},
	"space": {"spaziale", "spaziali", "space", "nasa", "=esa", "spacex", "razzo",
		"rocket*", "satellit*", "orbita", "orbit*", "astronaut*", "shuttle*", "luna", "moon",
		"marte", "mars"},
	"energy": {"energia", "energetic*", "energy", "elettricità", "electricity", "petrolio", "oil",
		"gas", "rinnovabil*", "renewable*", "solare", "solar", "eolic*", "wind power", "nuclear*",
		"nucleare", "batteri*", "batter*", "emission*", "emissioni", "carbon", "climat*",
		"clima", "riscaldamento globale", "global warming"},
	"mobility": {"auto", "automobil*", "car", "cars", "veicol*", "vehicle*", "elettrich*",
		"electric vehicle*", "guida autonoma", "self-driving", "autonomous", "treno", "treni",
		"train*", "ferrovi*", "railway*", "aereo", "aerei", "airline*", "aircraft", "volo",
		"flight*", "trasport*", "transport*", "traffico", "traffic"},
	"science": {"scienz*", "scien*", "ricerca", "ricercator*", "research*", "studio", "study",
		"università", "university", "universities", "scoperta", "discovery", "journal", "rivista",
		"esperiment*", "experiment*", "laboratori*", "fisica", "physics", "biolog*", "astronom*"},
	"health": {"salute", "health", "sanità", "sanitari*", "ospedal*", "hospital*", "medic*",
		"malattia", "disease*", "virus", "vaccin*", "pazient*", "patient*", "farmac*", "drug*",
		"cancro", "cancer", "epidemi*", "pandemi*", "covid*", "deficien*", "cure", "treatment*"},
	"economy": {"economia", "economic*", "economy", "mercato", "mercati", "market*", "borsa",
		"stock*", "azion*", "shares", "pil", "gdp", "inflazione", "inflation", "tasse", "tax*",
		"fiscal*", "imposte", "ricavi", "revenue*", "fatturato", "utile", "profit*", "bilancio",
		"prezzi", "prices", "lavoro", "jobs", "occupazione", "disoccupazione", "unemployment", "banca", "bank*"},
	"politics": {"governo", "government", "elezion*", "election*", "elettoral*", "parlament*",
		"parliament*", "senato", "senate", "ministro", "minister", "premier", "presidente",
		"president", "partito", "party", "voto", "vote*", "voters", "referendum*", "sindaco",
		"mayor", "congress", "legislativ*", "legislative", "diplomati*", "ambasciat*",
		"ambassador", "opposizione", "opposition", "campagna elettorale", "campaign"},
	"justice": {"tribunale", "court", "corte", "cassazione", "processo", "trial", "giudice",
		"judge", "arrest*", "polizia", "police", "carabinieri", "indagin*", "investigation*",
		"accus*", "charge*", "charged", "condann*", "sentenc*", "omicidio", "murder*", "reato",
		"crime*", "criminal*", "procura", "prosecutor*", "avvocato", "lawyer*", "attorney"},
	"disaster": {"terremoto", "earthquake", "alluvione", "flood*", "incendio", "fire", "wildfire*",
		"uragano", "hurricane", "tempesta", "storm*", "frana", "landslide", "vittime", "victims",
		"morti", "killed", "dead", "feriti", "injured", "wounded", "crollo", "collapse*",
		"incidente", "crash", "esplosione", "explosion", "evacua*", "soccors*", "rescue*",
		"stampede", "tsunami", "emergenza", "emergency"},
	"sport": {"calcio", "football", "soccer", "campionato", "championship", "partita", "match",
		"squadra", "team", "gol", "goal", "olimpiad*", "olympic*", "mondiali", "world cup",
		"serie a", "tennis", "formula 1", "formula one", "ciclismo", "giro d'italia", "coppa",
		"cup", "medaglia", "medal", "pugilato", "boxe", "boxing", "atleta", "athlete*", "allenatore", "coach", "stadio", "stadium", "tournament",
		"torneo"},
	"culture": {"cultura", "culture", "museo", "museum*", "mostra", "exhibit*", "exhibition*",
		"arte", "art", "artist*", "artista", "film", "cinema", "musica", "music", "festival",
		"libro", "libri", "book*", "teatro", "theatre", "theater", "concerto", "concert*",
		"religion*", "religios*", "chiesa", "church", "tradizion*", "tradition*"},
}

// topics scores every topic by its cue words in the text; words in the
// title and lead count three times. A topic needs a score of at least 3
// from at least two different cue words, or 4 from one; at most five topics
// are returned, best first.
func topics(title, lead, body []word) []string {
	bodyIx := newTermIndex(body)
	// The words of title + " " + lead.
	headIx := newTermIndex(append(title[:len(title):len(title)], lead...))
	type hit struct {
		topic string
		score int
	}
	var hits []hit
	for _, t := range Taxonomy {
		score, distinct := 0, 0
		for _, term := range topicTerms[t] {
			n := bodyIx.count(term) + 2*headIx.count(term)
			if n > 0 {
				distinct++
				score += n
			}
		}
		if (score >= 3 && distinct >= 2) || score >= 4 {
			hits = append(hits, hit{t, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	out := []string{}
	for i, h := range hits {
		if i == 5 || (i > 0 && h.score*4 < hits[0].score) {
			break
		}
		out = append(out, h.topic)
	}
	return out
}

// termIndex counts cue terms in a text without rescanning it per term.
type termIndex struct {
	words  []word
	lower  map[string]int // lower-case word → occurrences
	sorted []string       // the keys of lower, sorted, for prefix search
	capped map[string]int // lower-case word → capitalised occurrences
	joined string         // " w1 w2 … " for phrase search
}

func newTermIndex(words []word) *termIndex {
	ix := &termIndex{words: words, lower: make(map[string]int), capped: make(map[string]int)}
	var b strings.Builder
	b.WriteByte(' ')
	for _, w := range words {
		ix.lower[w.lower]++
		if w.cap {
			ix.capped[w.lower]++
		}
		b.WriteString(w.lower)
		b.WriteByte(' ')
	}
	ix.joined = b.String()
	ix.sorted = make([]string, 0, len(ix.lower))
	for w := range ix.lower {
		ix.sorted = append(ix.sorted, w)
	}
	sort.Strings(ix.sorted)
	return ix
}

// count counts occurrences of one cue term.
func (ix *termIndex) count(term string) int {
	if strings.Contains(term, " ") {
		if !strings.Contains(term, "*") && !strings.HasPrefix(term, "=") {
			return strings.Count(ix.joined, " "+term+" ")
		}
		return countTerm(ix.words, term)
	}
	switch {
	case strings.HasPrefix(term, "="):
		return ix.capped[term[1:]]
	case strings.HasSuffix(term, "*"):
		p, n := term[:len(term)-1], 0
		for i := sort.SearchStrings(ix.sorted, p); i < len(ix.sorted) && strings.HasPrefix(ix.sorted[i], p); i++ {
			n += ix.lower[ix.sorted[i]]
		}
		return n
	}
	return ix.lower[term]
}

// countTerm counts occurrences of one cue term in words, the slow way.
func countTerm(words []word, term string) int {
	parts := strings.Fields(term)
	n := 0
	for i := 0; i+len(parts) <= len(words); i++ {
		ok := true
		for j, p := range parts {
			if !matchTerm(words[i+j], p) {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// matchTerm matches one word against one cue: "x*" is a prefix, "=x" must be
// capitalised in the text (AI the topic, not "ai" the Italian preposition).
func matchTerm(w word, p string) bool {
	if strings.HasPrefix(p, "=") {
		return w.cap && w.lower == p[1:]
	}
	if strings.HasSuffix(p, "*") {
		return strings.HasPrefix(w.lower, p[:len(p)-1])
	}
	return w.lower == p
}
