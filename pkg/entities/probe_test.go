package entities

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProbe reports the load time of the engine (models, clusters, the
// knowledge base) and the process's peak RSS after loading it and
// extracting from our own article, in a fresh process:
//
//	ENTITIES_PROBE=1 go test ./pkg/entities -run TestProbe -v -count=1
func TestProbe(t *testing.T) {
	if os.Getenv("ENTITIES_PROBE") == "" {
		t.Skip("set ENTITIES_PROBE=1 to measure load time and memory")
	}
	start, cpu := time.Now(), cpuTime()
	o, err := NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	load, loadCPU := time.Since(start), cpuTime()-cpu
	body, err := os.ReadFile("testdata/brief/it_nexperia_own.txt")
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		o.All(string(body), "it")
		o.All(string(body), "en")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("load %v (CPU %v); heap in use %.1f MB; peak RSS (VmHWM) %s", load, loadCPU, float64(ms.HeapInuse)/1e6, procStatus("VmHWM"))
}

func procStatus(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key+":") {
			f := strings.Fields(l)
			if kb, err := strconv.Atoi(f[1]); err == nil {
				return strconv.FormatFloat(float64(kb)/1024, 'f', 1, 64) + " MB"
			}
		}
	}
	return "?"
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
