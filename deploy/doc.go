// Package deploy holds how newsbrief is run outside a Go process: the
// Dockerfiles, the NATS configurations, the compose overrides and the
// Kubernetes manifests. It has no code to import; its tests exist so that a
// broken compose file or a drifted environment variable fails in CI instead
// of on somebody's laptop, and so that the whole stack is proven end to end
// in containers (TestComposeEndToEnd, opt-in with NEWSBRIEF_COMPOSE_E2E=1).
package deploy
