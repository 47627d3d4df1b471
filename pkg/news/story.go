package news

import "time"

// Stories: the cluster stage groups briefs about one event, from any source
// in any language, into a Story kept in KV bucket BucketStories under its id.
const (
	// SubjectStoried carries a Placement for each briefed article:
	// news.storied.<lang>.
	SubjectStoried = "news.storied"
	// SubjectStoryUpdated announces a changed story (a StoryUpdate).
	SubjectStoryUpdated = "news.story.updated"
	BucketStories       = "stories"
	StageCluster        = "cluster"
)

// Placement is the cluster stage's output: which story an article is in,
// and why.
type Placement struct {
	ArticleID string `json:"article_id"`
	StoryID   string `json:"story_id"`
	Language  string `json:"language"`
	// New is set when the article opened the story.
	New bool `json:"new,omitempty"`
	// DuplicateOf names the article this one is a near-identical copy of
	// (syndication): it is a member, but not another source.
	DuplicateOf string   `json:"duplicate_of,omitempty"`
	Evidence    Evidence `json:"evidence"`
}

// Evidence explains a join or open decision.
type Evidence struct {
	// Decision is "joined", "opened" or "duplicate".
	Decision string `json:"decision"`
	// Score is the best candidate's score; Threshold the bar it had to reach.
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	// CrossLingual is set when the story had no member in the article's
	// language when it joined.
	CrossLingual bool `json:"cross_lingual,omitempty"`
	// Parts are the feature groups' similarities (terms, cognates,
	// entities, numbers) and the time factor.
	Parts map[string]float64 `json:"parts,omitempty"`
	// Matched are the shared features that weighed most ("entity:Antonio
	// Fazio", "number:2,1", "date:2005-12-19", "term:dimissioni").
	Matched []string `json:"matched,omitempty"`
	// GapHours is the distance in time from the story's members.
	GapHours float64 `json:"gap_hours"`
	// Candidates is how many stories the inverted index proposed.
	Candidates int `json:"candidates"`
	// Best is the best candidate's id when the article opened a new story.
	Best string `json:"best,omitempty"`
	// Containment is the shingle containment behind a duplicate_of.
	Containment float64 `json:"containment,omitempty"`
}

// Story is one event across sources and languages: the value of KV bucket
// BucketStories. Members are in placement order; the timeline is their
// published times.
type Story struct {
	ID      string        `json:"id"`
	Members []StoryMember `json:"members"`
	// Dropped counts members left out of Members: a story lists its
	// founding article and its newest 99.
	Dropped   int       `json:"members_dropped,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Languages []string  `json:"languages"`
	// Sources counts distinct sources, copies (duplicate_of) not counted.
	Sources  int           `json:"sources"`
	Entities []StoryEntity `json:"entities,omitempty"`
	Amounts  []StoryAmount `json:"amounts,omitempty"`
	// Related are earlier stories this one probably follows (a thread over
	// several days): the best candidate when the founding article opened a
	// story, if it came close.
	Related []string `json:"related,omitempty"`
	// Briefs are the story's headline and summary by language code.
	Briefs    map[string]StoryBrief `json:"briefs"`
	UpdatedAt time.Time             `json:"updated_at"`
	// State is the clustering index's view of the story (centroid and
	// member sketches), so that a restarted worker rebuilds its index from
	// the bucket alone. Readers may ignore it.
	State *StoryState `json:"state,omitempty"`
}

// StoryMember is one article of a story.
type StoryMember struct {
	ID          string    `json:"id"`
	Language    string    `json:"language"`
	Title       string    `json:"title,omitempty"`
	Headline    string    `json:"headline,omitempty"`
	Summary     string    `json:"summary,omitempty"`
	Source      string    `json:"source,omitempty"`
	URL         string    `json:"url,omitempty"`
	PublishedAt time.Time `json:"published_at"`
	DuplicateOf string    `json:"duplicate_of,omitempty"`
	// Score is the join score (0 for the founding article).
	Score float64 `json:"score,omitempty"`
	// Matched are the features behind the join.
	Matched []string `json:"matched,omitempty"`
}

// StoryEntity is an entity merged across members, named in each language
// through its id when it has one.
type StoryEntity struct {
	Key   string            `json:"key"`
	ID    string            `json:"id,omitempty"`
	Type  string            `json:"type"`
	Name  string            `json:"name"`
	Names map[string]string `json:"names,omitempty"`
	// Count is the mentions across members; Sources the distinct sources
	// among Members (the articles naming it).
	Count   int      `json:"count"`
	Sources int      `json:"sources"`
	Members []string `json:"members,omitempty"`
}

// StoryAmount is a figure the members report. Figures for one thing that
// disagree ("10bn" and "more than 10bn") are separate entries with the
// same Group, side by side.
type StoryAmount struct {
	Group     string   `json:"group"`
	Type      string   `json:"type"`
	Value     float64  `json:"value"`
	Currency  string   `json:"currency,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Qualifier string   `json:"qualifier,omitempty"`
	Text      string   `json:"text"`
	Members   []string `json:"members"`
}

// StoryBrief is a story's headline and summary in one language.
type StoryBrief struct {
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
	// From is the member whose sentences these are (the most central one
	// in this language); Method is "offline" or "llm:<model>".
	From   string `json:"from"`
	Method string `json:"method"`
}

// StoryState is the index's state of a story (see Story.State).
type StoryState struct {
	// Centroid is the sum of the members' feature vectors, as "group:key"
	// to weight, cut to the heaviest features.
	Centroid map[string]float32 `json:"centroid"`
	// Sketches are the members' shingle samples, for syndication.
	Sketches map[string][]uint32 `json:"sketches,omitempty"`
	// Vectors are the members' own heaviest features, for centrality.
	Vectors map[string]map[string]float32 `json:"vectors,omitempty"`
}

// StoryUpdate is announced on SubjectStoryUpdated.
type StoryUpdate struct {
	StoryID   string    `json:"story_id"`
	ArticleID string    `json:"article_id"`
	Members   int       `json:"members"`
	Languages []string  `json:"languages"`
	UpdatedAt time.Time `json:"updated_at"`
}
