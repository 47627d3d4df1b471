// Command natshealth is the container health probe of the NATS image used in
// CI (deploy/nats/Dockerfile). That image is FROM scratch, so there is no
// wget or curl to ask the monitoring port; this static binary does it:
// GET http://127.0.0.1:8222/healthz?js-enabled-only=true and exit 0 on 200,
// 1 otherwise.
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	url := "http://127.0.0.1:8222/healthz?js-enabled-only=true"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	if err := probe(url); err != nil {
		fmt.Fprintln(os.Stderr, "natshealth:", err)
		os.Exit(1)
	}
}

func probe(url string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("probing %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probing %s: status %s", url, resp.Status)
	}
	return nil
}
