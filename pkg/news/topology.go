package news

// Topology rows. A stage is one row here plus its logic: RunStage in
// package service starts a consumer from the row, the all-in-one runs
// every row, and the deploy files (compose, Kubernetes, NATS permissions)
// are checked against it by their tests (deploy/, test/faults).
type StageSpec struct {
	// Name is the stage name: Msg-Id suffix, rejection subject
	// (news.rejected.<name>) and dead-letter subject (dlq.<name>).
	Name string
	// Inputs are the subjects the stage's durable consumer reads.
	Inputs []string
	// Output is the subject pattern it publishes on ("news.briefed.*");
	// empty for a sink.
	Output string
	// Consumer is the durable consumer's name on StreamNews.
	Consumer string
	// Binary is the worker under services/ that runs the stage alone, and
	// its NATS user in deploy/nats/permissions.conf.
	Binary string
}

// Topology is the pipeline, in order. The recorder (StageRecord) is not a
// row: it is a sink the gateway runs, with its own dead-letter consumer.
var Topology = []StageSpec{
	{Name: StageIngest, Inputs: []string{SubjectSubmitted}, Output: SubjectIngested, Consumer: StageIngest, Binary: "ingest"},
	{Name: StageLangDetect, Inputs: []string{SubjectIngested}, Output: SubjectDetected + ".*", Consumer: StageLangDetect, Binary: "langdetect"},
	{Name: StageEntities, Inputs: []string{SubjectDetected + ".>"}, Output: SubjectExtracted + ".*", Consumer: StageEntities, Binary: "entities"},
	{Name: StageSummarise, Inputs: []string{SubjectExtracted + ".>"}, Output: SubjectBriefed + ".*", Consumer: StageSummarise, Binary: "summarise"},
	// The cluster stage also announces on SubjectStoryUpdated and writes
	// KV bucket BucketStories.
	{Name: StageCluster, Inputs: []string{SubjectBriefed + ".>"}, Output: SubjectStoried + ".*", Consumer: StageCluster, Binary: "cluster"},
}

// LookupStage returns the row of the named stage.
func LookupStage(name string) (StageSpec, bool) {
	for _, s := range Topology {
		if s.Name == name {
			return s, true
		}
	}
	return StageSpec{}, false
}

// StageNames lists the stages of Topology in order.
func StageNames() []string {
	out := make([]string, len(Topology))
	for i, s := range Topology {
		out[i] = s.Name
	}
	return out
}
