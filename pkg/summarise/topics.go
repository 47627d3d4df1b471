package summarise

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
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
func topics(sc *scratch, title, lead, body []word) []string {
	cs := compiledCues()
	n := len(cs.cues)
	// The counts of body and head and the phrase state, zeroed.
	buf := slices.Grow(sc.cueBuf[:0], 4*n)[:4*n]
	clear(buf)
	sc.cueBuf = buf
	bodyN, headN := buf[:n], buf[n:2*n]
	cs.count(body, bodyN, buf[2*n:3*n])
	// The words of title + " " + lead: a phrase may span the two.
	head := append(append(sc.head[:0], title...), lead...)
	sc.head = head
	cs.count(head, headN, buf[3*n:])
	type hit struct {
		topic string
		score int
	}
	var hits []hit
	for t, topic := range Taxonomy {
		score, distinct := 0, 0
		for _, c := range cs.byTopic[t] {
			n := int(bodyN[c] + 2*headN[c])
			if n > 0 {
				distinct++
				score += n
			}
		}
		if (score >= 3 && distinct >= 2) || score >= 4 {
			hits = append(hits, hit{topic, score})
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

// The cue terms are compiled once into a byte trie over their first word,
// so a text is counted in one pass over its words (one trie walk each)
// instead of one lookup or scan per term: that was a third of Offline's CPU.
// The counts are those of the original term index exactly: a word cue
// counts matching words ("x*" by byte prefix of the lower case, "=x" only
// capitalised); a phrase of plain words counts like strings.Count of
// " a b " in " w1 w2 … ", that is without overlaps and never starting on
// the word right after a counted match (the space between was consumed); a
// phrase with "*" or "=" counts every position where it matches.

type cueKind uint8

const (
	cueExact cueKind = iota
	cuePrefix
	cueCapped
)

type cuePart struct {
	kind cueKind
	text string // without '*' or '='
}

type cue struct {
	parts  []cuePart
	joined bool // a phrase of plain words (strings.Count semantics)
}

type trieNode struct {
	next                  []trieEdge
	exact, prefix, capped []int32 // cues whose first word is matched here
}

type trieEdge struct {
	b  byte
	to int32
}

type cueSet struct {
	cues    []cue
	byTopic [][]int32 // cue numbers of Taxonomy[t], in topicTerms order
	nodes   []trieNode
	root    [256]int32 // children of the root; 0 is none
}

var (
	cuesOnce sync.Once
	cues     *cueSet
)

func compiledCues() *cueSet {
	cuesOnce.Do(func() { cues = compileCues(Taxonomy, topicTerms) })
	return cues
}

func parseCuePart(p string) cuePart {
	switch {
	case strings.HasPrefix(p, "="):
		return cuePart{cueCapped, p[1:]}
	case strings.HasSuffix(p, "*"):
		return cuePart{cuePrefix, p[:len(p)-1]}
	}
	return cuePart{cueExact, p}
}

func compileCues(taxonomy []string, terms map[string][]string) *cueSet {
	cs := &cueSet{nodes: make([]trieNode, 1), byTopic: make([][]int32, len(taxonomy))}
	for t, topic := range taxonomy {
		for _, term := range terms[topic] {
			id := int32(len(cs.cues))
			c := cue{}
			if strings.Contains(term, " ") {
				c.joined = !strings.Contains(term, "*") && !strings.HasPrefix(term, "=")
				for _, p := range strings.Fields(term) {
					if c.joined {
						c.parts = append(c.parts, cuePart{cueExact, p}) // matched literally
					} else {
						c.parts = append(c.parts, parseCuePart(p))
					}
				}
				if c.joined && strings.Join(strings.Fields(term), " ") != term {
					panic("summarise: cue phrase " + strconv.Quote(term) + " must have single spaces")
				}
			} else {
				// Like the original: a leading '=' wins over a trailing '*'.
				c.parts = []cuePart{parseCuePart(term)}
			}
			cs.cues = append(cs.cues, c)
			cs.byTopic[t] = append(cs.byTopic[t], id)
			first := c.parts[0]
			n := cs.insert(first.text)
			switch first.kind {
			case cueExact:
				cs.nodes[n].exact = append(cs.nodes[n].exact, id)
			case cuePrefix:
				cs.nodes[n].prefix = append(cs.nodes[n].prefix, id)
			case cueCapped:
				cs.nodes[n].capped = append(cs.nodes[n].capped, id)
			}
		}
	}
	return cs
}

// insert adds the path of s to the trie and returns its node.
func (cs *cueSet) insert(s string) int32 {
	n := int32(0)
	for i := 0; i < len(s); i++ {
		n = cs.child(n, s[i], true)
	}
	return n
}

func (cs *cueSet) child(n int32, b byte, create bool) int32 {
	if n == 0 {
		if c := cs.root[b]; c != 0 || !create {
			return c
		}
	} else {
		for _, e := range cs.nodes[n].next {
			if e.b == b {
				return e.to
			}
		}
		if !create {
			return 0
		}
	}
	c := int32(len(cs.nodes))
	cs.nodes = append(cs.nodes, trieNode{})
	if n == 0 {
		cs.root[b] = c
	} else {
		cs.nodes[n].next = append(cs.nodes[n].next, trieEdge{b, c})
	}
	return c
}

// count adds to counts[c] the occurrences of every cue c in words; after
// holds, per joined phrase, the first word a next match may start on.
func (cs *cueSet) count(words []word, counts, after []int32) {
	for i := range words {
		w := &words[i]
		n := int32(0)
		low := w.lower
		for j := 0; j < len(low); j++ {
			if n = cs.child(n, low[j], false); n == 0 {
				break
			}
			nd := &cs.nodes[n]
			for _, c := range nd.prefix {
				cs.hit(c, words, i, counts, after)
			}
			if j == len(low)-1 {
				for _, c := range nd.exact {
					cs.hit(c, words, i, counts, after)
				}
				if w.cap {
					for _, c := range nd.capped {
						cs.hit(c, words, i, counts, after)
					}
				}
			}
		}
	}
}

// hit counts cue c, whose first word matches words[i], if the rest matches.
func (cs *cueSet) hit(c int32, words []word, i int, counts, after []int32) {
	parts := cs.cues[c].parts
	if len(parts) == 1 {
		counts[c]++
		return
	}
	if i+len(parts) > len(words) {
		return
	}
	for k, p := range parts[1:] {
		if !p.match(&words[i+1+k]) {
			return
		}
	}
	if cs.cues[c].joined {
		if int32(i) < after[c] {
			return
		}
		after[c] = int32(i + len(parts) + 1)
	}
	counts[c]++
}

func (p cuePart) match(w *word) bool {
	switch p.kind {
	case cueCapped:
		return w.cap && w.lower == p.text
	case cuePrefix:
		return strings.HasPrefix(w.lower, p.text)
	}
	return w.lower == p.text
}
