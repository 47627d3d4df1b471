package entities

import (
	"bytes"
	"compress/gzip"
	"errors"
	"reflect"
	"testing"
)

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestReadClusters(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string][]string
		low      map[string]bool
		err      error
	}{
		{"ok", "roma\t4/7/6\nthe\t1/2\tl\n", map[string][]string{"roma": {"4", "4/7", "4/7/6"}, "the": {"1", "1/2"}}, map[string]bool{"the": true}, nil},
		{"no path", "roma\n", nil, nil, ErrClusters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, low, err := ReadClusters(bytes.NewReader(gz(t, tc.in)))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(low, tc.low) {
				t.Errorf("got %v %v, want %v %v", got, low, tc.want, tc.low)
			}
		})
	}
}

func TestBuildClustersRoundTrip(t *testing.T) {
	sents := [][]string{{"a", "Roma", "è", "bella"}, {"a", "Milano", "è", "bella"}, {"a", "Roma", "piove"}, {"a", "Milano", "piove"}}
	cl := BuildClusters(sents, ClusterOptions{MinCount: 2, Contexts: 10, Branch: []int{2, 2}, Iters: 3, Seed: 1})
	if cl["roma"] != cl["milano"] {
		t.Errorf("roma %q and milano %q: want the same cluster", cl["roma"], cl["milano"])
	}
	var b bytes.Buffer
	if err := WriteClusters(&b, cl); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadClusters(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cl) {
		t.Errorf("read %d words, want %d", len(got), len(cl))
	}
}

func FuzzReadClusters(f *testing.F) {
	f.Add(gz(f, "roma\t4/7/6\nthe\t1/2\tl\n"))
	f.Add([]byte("not gzip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadClusters(bytes.NewReader(data))
	})
}
