package summarise

import (
	"slices"

	"github.com/newsbrief/newsbrief/pkg/news"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Taxonomy lists the topics Offline can assign, in the order they are
// documented in docs/topics.md. Tech topics come first; the general ones let
// ordinary news (the pipeline also sees it) get a sensible label.
var Taxonomy = []string{
	"ai", "cloud", "chips", "cybersecurity", "outage", "telecom", "software", "devices",
	"big-tech", "startups", "funding", "m&a", "regulation", "antitrust", "copyright", "space", "energy",
	"mobility", "science", "health", "economy", "politics", "justice", "disaster",
	"sport", "culture",
}

// topicTerms maps each topic to its cue words, Italian and English, lower
// case. A term ending in '*' matches any word with that prefix; a term with a
// space matches a phrase of consecutive words; a term starting with '=' only
// matches a capitalised word. A term starting with '~' is a weak cue: a
// word that also has everyday meanings elsewhere ("traffic" on the web,
// "legge" for any law, "ricerca" for a web search), which counts half and
// cannot carry a topic alone. Every cue in one language should have its
// counterpart in the other, so that both languages of a story get the same
// tags.
var topicTerms = map[string][]string{
	"ai": {"=ai", "=ia", "intelligenza artificiale", "artificial intelligence", "machine learning",
		"apprendimento automatico", "chatgpt", "openai", "anthropic", "claude", "gemini", "llm*",
		"generativ*", "chatbot*", "neural*", "neurale", "neurali", "deepmind", "copilot", "mistral",
		"modello linguistico", "modelli linguistici", "language model*", "agenti ai", "ai agent*"},
	"cloud": {"cloud", "aws", "azure", "data center", "datacenter", "data centre", "hyperscaler*",
		"saas", "iaas", "google cloud", "~server", "infrastruttur* cloud", "cloudflare", "akamai",
		"fastly", "cdn", "content delivery", "internet infrastructure", "infrastruttura internet",
		"data centers", "data centres", "datacenters", "datacentre*"},
	"chips": {"chip", "chips", "semicondutt*", "semiconductor*", "gpu", "gpus", "cpu", "cpus",
		"nvidia", "tsmc", "intel", "amd", "qualcomm", "=arm", "broadcom", "trainium", "inferentia",
		"wafer*", "foundry", "fonderi*", "~processor*", "~processori", "microchip*", "asml", "chipmaker*"},
	"cybersecurity": {"cybersecurity", "cybersicurezza", "sicurezza informatica", "hacker*",
		"ransomware", "malware", "phishing", "attacco informatico", "attacchi informatici",
		"cyberattack*", "cyber attack*", "data breach", "violazione dei dati", "vulnerabilit*",
		"ddos", "spyware", "cyber", "cyberattacc*", "attacco hacker", "attacchi hacker", "security breach",
		"breach", "~violazione", "furto di dati", "dati rubati", "stolen data", "data leak", "~leak",
		"cybercrim*", "hacked", "hackerat*", "~intrusion*", "~intrusione", "denial-of-service",
		"zero-day", "~exploit*", "security flaw", "falla"},
	"outage": {"outage", "outages", "disservizio", "disservizi", "blackout", "downtime", "downdetector",
		"went down", "goes down", "go down", "is down", "è down", "sono down", "andato giù", "in tilt",
		"~interruzione", "~interruzioni", "~guasto", "~guasti", "malfunzionament*", "~malfunction*",
		"service disruption", "~disruption*", "~offline", "500 errors", "errori 500", "errore 500",
		"irraggiungibil*", "non raggiungibil*", "fuori uso", "non funziona", "non funzionano"},
	"telecom": {"telecom*", "telecomunicazion*", "5g", "6g", "fibra", "fiber", "fibre", "broadband",
		"banda larga", "operator* telefonic*", "vodafone", "~tim", "iliad", "fastweb", "wind tre",
		"verizon", "at&t", "spectrum", "frequenze", "satellitar*", "starlink", "rete mobile",
		"mobile network*", "windtre", "postemobile", "~sim", "operatore virtuale", "virtual operator",
		"mvno", "telco", "telcos", "telefonia", "telephony", "linee mobili", "mobile lines", "roaming",
		"operator* mobil*", "mobile operator*", "carrier*"},
	"software": {"software", "~app", "~apps", "~applicazion*", "sistema operativo", "operating system",
		"browser*", "open source", "windows", "linux", "android", "ios", "~aggiornamento",
		"~update", "~piattaform*", "~platform*", "internet explorer", "firefox", "~website", "~sito web"},
	"devices": {"smartphone*", "iphone", "ipad", "tablet*", "laptop*", "~pc", "~computer",
		"~dispositiv*", "~device*", "wearable*", "smartwatch*", "console", "robot*", "visore",
		"headset*"},
	"big-tech": {"amazon", "microsoft", "google", "alphabet", "apple", "meta", "facebook",
		"instagram", "whatsapp", "netflix", "tesla", "big tech", "openai", "nvidia", "x.com",
		"twitter", "tiktok", "bytedance", "samsung", "oracle", "ibm", "alibaba", "tencent"},
	"startups": {"startup", "start-up", "startups", "scaleup*", "scale-up*", "unicorn*",
		"unicorno", "unicorni", "incubator*", "acceleratore", "accelerator*", "~founder*",
		"~fondatore", "~fondatori"},
	"funding": {"~round", "finanziament*", "funding", "~fondi", "raccolt*", "raised", "raises", "~raise",
		"~investiment*", "~investment*", "investire", "investirà", "investito", "invest",
		"invests", "investor*", "investitor*", "venture capital", "capitale di rischio", "~valutazione",
		"valuation", "ipo", "quotazione", "~seed", "serie a", "series a", "series b", "series c", "serie b",
		"funding round", "round da", "round di", "chiuso un round", "round of funding", "seed round"},
	"m&a": {"acquisizion*", "acquisit*", "acquire*", "acquisisce", "acquista", "fusione",
		"fusioni", "merger*", "takeover", "opa", "buyout", "~partecipazione",
		"stake", "cessione", "~compra", "~buy", "~buys", "~bought", "~purchase*", "rileva",
		"to buy", "would buy", "will buy", "agreed to buy", "deal to buy", "acquistare", "comprare"},
	"regulation": {"regolament*", "regulation*", "regulator*", "garante",
		"commissione europea", "european commission", "=ue", "=eu", "gdpr", "ai act", "dsa",
		"~legge", "~law", "normativ*", "~multa", "~multe", "sanzion*", "fined", "~authority", "~autorità",
		"decreto", "~compliance", "~privacy", "~ban", "~divieto", "~vieta"},
	"antitrust": {"antitrust", "monopol*", "monopoli*", "concorrenza", "competition authority",
		"competition regulator", "posizione dominante", "dominant position", "abuse of dominance",
		"justice department", "department of justice", "ftc", "agcm", "dma", "digital markets act",
		"break up", "breakup", "anti-competitive", "anticompetitive", "anticoncorrenzial*", "cartel*",
		"cartello", "~competition", "smembrare", "scorporo"},
	"copyright": {"copyright", "copyrighted", "diritto autore", "diritti autore", "pirated", "piracy", "pirateria", "piratat*", "infringement", "fair use",
		"royalty", "royalties", "plagio", "plagiarism", "siae", "authors guild", "opere protette",
		"contenuti protetti", "protected works"},
	"space": {"spaziale", "spaziali", "~space", "nasa", "=esa", "spacex", "razzo",
		"rocket*", "satellit*", "orbita", "orbit*", "astronaut*", "shuttle*", "~luna", "~moon",
		"~marte", "~mars"},
	"energy": {"energia", "energetic*", "energy", "elettricità", "electricity", "petrolio", "~oil",
		"~gas", "rinnovabil*", "renewable*", "solare", "solar", "eolic*", "wind power", "nuclear*",
		"nucleare", "batteri*", "batter*", "emission*", "emissioni", "~carbon", "climat*",
		"clima", "riscaldamento globale", "global warming"},
	"mobility": {"~auto", "automobil*", "~car", "~cars", "veicol*", "vehicle*", "~elettrich*",
		"electric vehicle*", "guida autonoma", "self-driving", "~autonomous", "treno", "treni",
		"~train*", "ferrovi*", "railway*", "aereo", "aerei", "airline*", "aircraft", "~volo",
		"~flight*", "~trasport*", "~transport*", "~traffico", "~traffic"},
	"science": {"scienz*", "scien*", "~ricerca", "ricercator*", "~research*", "~studio", "~study",
		"~università", "~university", "~universities", "scoperta", "discovery", "journal", "rivista",
		"esperiment*", "experiment*", "laboratori*", "fisica", "physics", "biolog*", "astronom*"},
	"health": {"salute", "health", "sanità", "sanitari*", "ospedal*", "hospital*", "medic*",
		"malattia", "disease*", "virus", "vaccin*", "pazient*", "patient*", "farmac*", "~drug*",
		"cancro", "cancer", "epidemi*", "pandemi*", "covid*", "deficien*", "~cure", "~treatment*"},
	"economy": {"economia", "economic*", "economy", "~mercato", "~mercati", "~market*", "borsa",
		"stock*", "~azion*", "~shares", "pil", "gdp", "inflazione", "inflation", "tasse", "tax*",
		"fiscal*", "imposte", "ricavi", "revenue*", "fatturato", "utile", "profit*", "~bilancio",
		"prezzi", "prices", "~lavoro", "~jobs", "occupazione", "disoccupazione", "unemployment", "bancari*", "banking",
		"central bank", "banca centrale", "banca italia", "bank of italy", "bank of england", "federal reserve",
		"bce", "ecb", "tassi di interesse", "interest rates"},
	"politics": {"governo", "government", "elezion*", "election*", "elettoral*", "parlament*",
		"parliament*", "senato", "senate", "ministro", "minister", "premier", "~presidente",
		"~president", "partito", "~party", "voto", "vote*", "voters", "referendum*", "sindaco",
		"mayor", "congress", "legislativ*", "legislative", "diplomati*", "ambasciat*", "general assembly",
		"assemblea generale", "assemblea legislativa", "legislatur*", "legislator*", "lawmaker*",
		"deputat*",
		"ambassador", "opposizione", "opposition", "campagna elettorale", "~campaign"},
	"justice": {"tribunale", "court", "corte", "cassazione", "processo", "trial", "giudice",
		"judge", "arrest*", "polizia", "police", "carabinieri", "indagin*", "investigation*",
		"~accus*", "~charge*", "charged", "condann*", "sentenc*", "omicidio", "murder*", "reato",
		"crime*", "criminal*", "procura", "prosecutor*", "avvocato", "lawyer*", "attorney",
		"lawsuit*", "causa legale", "class action", "class-action", "settlement", "patteggiament*",
		"courtroom", "~hearing*", "udienz*", "transattiv*"},
	"disaster": {"terremoto", "earthquake", "alluvione", "flood*", "incendio", "~fire", "wildfire*",
		"uragano", "hurricane", "tempesta", "storm*", "frana", "landslide", "vittime", "victims",
		"morti", "killed", "~dead", "ferit*", "ferendo", "injur*", "wounded", "croll*", "collapse*",
		"incidente", "~crash", "esplosione", "explosion", "evacua*", "soccors*", "rescue*",
		"stampede", "tsunami", "~emergenza", "~emergency"},
	"sport": {"calcio", "football", "soccer", "campionato", "championship", "partita", "~match",
		"squadra", "~team", "gol", "goal", "olimpiad*", "olympic*", "mondiali", "world cup",
		"serie a", "tennis", "formula 1", "formula one", "ciclismo", "giro d'italia", "coppa",
		"~cup", "medaglia", "medal", "pugilato", "boxe", "boxing", "atleta", "athlete*", "allenatore", "~coach", "stadio", "stadium", "tournament",
		"torneo"},
	"culture": {"cultura", "culture", "museo", "museum*", "mostra", "exhibit*", "exhibition*",
		"arte", "~art", "artist*", "artista", "~film", "cinema", "music*", "festival",
		"~libro", "~libri", "~book*", "teatro", "theatre", "theater", "concerto", "concert*",
		"religion*", "religios*", "chiesa", "church", "tradizion*", "tradition*"},
}

// Topic evidence thresholds, in half points: a strong cue occurrence in
// the body is 2, a weak one 1, and every occurrence in the title or the lead
// counts three times.
const (
	topicMinScore    = 6  // with two or more different cues
	topicMinOneCue   = 8  // with one cue
	topicHeadlessPct = 40 // a topic with no cue in title or lead (and fewer than three cues) needs this share of the best
	maxCueCount      = 4  // one cue counts at most this often: a name repeated does not drown the other topics
)

// topics scores every topic by its cue words in the text (and in the names
// of the article's organisations and products, see entityEvidence); cues
// in the title and lead count three times, and one cue at most
// maxCueCount times. A topic needs evidence: a score of topicMinScore from
// two or more different cues (topicMinOneCue from one), at least one
// strong cue, and either a cue in the title or lead, three different cues
// with topicMinOneCue, or topicHeadlessPct of the best topic's score. At
// most five topics are returned, best first; none under a quarter of the
// best.
func topics(sc *scratch, title, lead, body []word, ents []news.Entity) []string {
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
	extra := entityEvidence(cs, ents)
	type hit struct {
		topic string
		score int
	}
	var hits []hit
	for t, topic := range Taxonomy {
		score, distinct, strong, inHead := extra[topic], 0, extra[topic] > 0, false
		for _, c := range cs.byTopic[t] {
			k := min(int(bodyN[c]+2*headN[c]), maxCueCount)
			if k == 0 {
				continue
			}
			distinct++
			if cs.cues[c].weak {
				score += k
			} else {
				score += 2 * k
				strong = true
			}
			inHead = inHead || headN[c] > 0
		}
		if strong && ((score >= topicMinScore && distinct >= 2) || score >= topicMinOneCue) {
			if !inHead && !(distinct >= 3 && score >= topicMinOneCue) {
				score = -score // decided below, against the best
			}
			hits = append(hits, hit{topic, score})
		}
	}
	best := 0
	for _, h := range hits {
		best = max(best, h.score, -h.score)
	}
	kept := hits[:0]
	for _, h := range hits {
		if h.score < 0 {
			if -h.score*100 < best*topicHeadlessPct {
				continue
			}
			h.score = -h.score
		}
		kept = append(kept, h)
	}
	hits = kept
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

// entityEvidence is what the article's entities say about its topics:
// each organisation or product whose name is a strong cue (Cloudflare →
// cloud, Nvidia → chips) adds evidence by how often it is mentioned, so an
// entity the story is about counts more than one named in passing. When
// entities carry a knowledge-base class, kbTopics maps it to a topic the
// same way (a chipmaker → chips) without the name having to be a cue.
func entityEvidence(cs *cueSet, ents []news.Entity) map[string]int {
	if len(ents) == 0 {
		return nil
	}
	var out map[string]int
	add := func(topic string, n int) {
		if out == nil {
			out = map[string]int{}
		}
		out[topic] += n
	}
	for _, e := range ents {
		if e.Type != news.Org && e.Type != news.Product {
			continue
		}
		mentions := min(max(e.Count, len(e.Mentions)), 3)
		if mentions < 2 {
			continue
		}
		if t, ok := kbTopics[kbClass(e)]; ok {
			add(t, mentions)
		}
		words := tokenize(e.Name)
		counts, after := make([]int32, len(cs.cues)), make([]int32, len(cs.cues))
		cs.count(words, counts, after)
		for ti, topic := range Taxonomy {
			if topic == "big-tech" {
				// Its cues are the companies' names: the text counted them.
				continue
			}
			for _, c := range cs.byTopic[ti] {
				if counts[c] > 0 && !cs.cues[c].weak && len(cs.cues[c].parts) == len(words) {
					add(topic, mentions)
					break
				}
			}
		}
	}
	return out
}

// kbTopics maps a knowledge-base class of an entity to the topic it
// implies. Empty classes never match.
var kbTopics = map[string]string{
	"semiconductor company": "chips", "chipmaker": "chips", "cloud provider": "cloud",
	"telecommunications company": "telecom", "mobile operator": "telecom",
	"cybersecurity company": "cybersecurity", "competition authority": "antitrust",
	"data protection authority": "regulation", "space agency": "space", "airline": "mobility",
	"automaker": "mobility", "university": "science", "football club": "sport",
}

// kbClass is the knowledge-base class of an entity, or "" while entities do
// not carry one: the place to read it once they do.
func kbClass(news.Entity) string { return "" }

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
	weak   bool // counts half, cannot carry a topic alone
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

// cueTerm splits a term of topicTerms into its text and whether it is weak.
func cueTerm(term string) (string, bool) {
	if t, ok := strings.CutPrefix(term, "~"); ok {
		return t, true
	}
	return term, false
}

func compileCues(taxonomy []string, terms map[string][]string) *cueSet {
	cs := &cueSet{nodes: make([]trieNode, 1), byTopic: make([][]int32, len(taxonomy))}
	for t, topic := range taxonomy {
		for _, term := range terms[topic] {
			id := int32(len(cs.cues))
			c := cue{}
			term, c.weak = cueTerm(term)
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
