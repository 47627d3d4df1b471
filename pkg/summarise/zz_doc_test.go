package summarise

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDoc(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	for _, tp := range Taxonomy {
		fmt.Printf("%s\t%s\n", tp, strings.Join(topicTerms[tp], ", "))
	}
}
