package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium or Chrome binary ($CHROMIUM first).
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives headless Chromium through the web page: open /, submit
// an article with the form, see its brief appear without a reload (the SSE
// stream), then filter by language. It saves a screenshot in
// $NEWSBRIEF_ARTIFACTS (or the test's temporary directory).
func TestBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium binary found (install with .ci/chromium.sh, or set CHROMIUM)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	base := startInProcess(t, nil)
	itID := postText(t, base, itArticle) // an Italian brief to filter out later

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1100, 1400),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	if err := chromedp.Do(bctx); err != nil { // starts the browser; no timeout on this first call
		t.Fatalf("starting %s: %v", bin, err)
	}
	ctx, cancel := context.WithTimeout(bctx, 45*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	count := func(sel string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
		if err != nil {
			t.Fatalf("counting %s: %v", sel, err)
		}
		return n
	}
	screenshot := func(name string) {
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		saveArtifact(t, name, shot)
	}

	start := time.Now()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`#briefs`)),
		// The event stream is open.
		chromedp.WaitReady(css(`#live[data-state="open"]`)),
	)
	if err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	t.Logf("page loaded with the stream open in %s", time.Since(start).Round(time.Millisecond))
	// A marker that a reload would lose.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__noReload = "still here"; 1`)); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	err = chromedp.Do(ctx,
		chromedp.Click(css(`details.submit > summary`)),
		chromedp.SetValue(css(`#submit-text`), enArticle),
		chromedp.Click(css(`#submit-form button[type=submit]`)),
		// The brief arrives over SSE and is prepended as a new card.
		chromedp.WaitVisible(css(`#briefs article.card.new[lang="en"]`)),
	)
	if err != nil {
		t.Fatalf("submitting with the form: %v", err)
	}
	t.Logf("form submit → brief card on the page: %s", time.Since(start).Round(time.Millisecond))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(css(`#submit-status.s-briefed`))); err != nil {
		t.Fatalf("waiting for the briefed status: %v", err)
	}
	status, _ := chromedp.Run(ctx, chromedp.Text(css(`#submit-status`)))
	first, _ := chromedp.Run(ctx, chromedp.Text(css(`#briefs article.card:first-child h2`)))
	marker, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__noReload || ""`))
	if marker != "still here" {
		t.Error("the page reloaded: the brief should arrive without a reload")
	}
	if n := count(`#briefs article.card`); n != 2 || !strings.Contains(status, "Briefed") || !strings.Contains(first, "OpenAI") {
		t.Errorf("after submitting: %d cards, status %q, first headline %q", n, status, first)
	}
	screenshot("web-home.png")

	// Filter by language with the form (a normal GET: the page reloads).
	err = chromedp.Do(ctx,
		chromedp.SetValue(css(`select[name=lang]`), "it"),
		chromedp.Click(css(`form.filters button[type=submit]`)),
		chromedp.WaitReady(css(`select[name=lang] option[value=it][selected]`)),
		chromedp.WaitVisible(css(`#briefs`)),
	)
	if err != nil {
		t.Fatalf("filtering: %v", err)
	}
	if n, it := count(`#briefs article.card`), count(`#briefs article.card[lang="it"]`); n != 1 || it != 1 {
		t.Errorf("lang=it shows %d cards (%d Italian), want the one Italian brief %s", n, it, itID)
	}
	screenshot("web-filter-it.png")

	// The brief page highlights entities.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/briefs/"+itID), chromedp.WaitVisible(css(`.body`))); err != nil {
		t.Fatalf("brief page: %v", err)
	}
	if count(`.body mark.ent`) == 0 {
		t.Error("no entity highlighted on the brief page")
	}
	screenshot("web-brief.png")

	// Issue #18 item 13: the card shows the article's publication date, and
	// the chips' colours are the palette's (TestChipPalette checks its
	// contrast from the stylesheet; here the browser applies it).
	dated, err := os.ReadFile("../../testdata/en_article.txt") // "date 2025-11-18" on its first line
	if err != nil {
		t.Fatal(err)
	}
	datedID := postText(t, base, string(dated))
	waitBriefed(t, base, datedID)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?q=Valencia"), chromedp.WaitVisible(css(`#b-`+datedID))); err != nil {
		t.Fatalf("home with the dated brief: %v", err)
	}
	when, _ := chromedp.Run(ctx, chromedp.Text(css(`#b-`+datedID+` time.published`)))
	if when != "2025-11-18" {
		t.Errorf("the card's date = %q, want the article's publication date 2025-11-18", when)
	}
	colours, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll("#b-`+datedID+` a.chip")].map(c => getComputedStyle(c).borderLeftColor))]`))
	types := count(`#b-` + datedID + ` dl.chips div.group`)
	if len(colours) != types || types < 3 {
		t.Errorf("%d entity types on the card show %d distinct chip edge colours %v; want one each", types, len(colours), colours)
	}
	screenshot("web-dated.png")

	// Issue #18 item 13: without JavaScript the form still works and the
	// answer is a page, not JSON.
	nctx, ncancel := chromedp.NewContext(bctx)
	defer ncancel()
	nctx, ncancel2 := context.WithTimeout(nctx, 45*time.Second)
	defer ncancel2()
	if err := chromedp.Do(nctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disabling JavaScript: %v", err)
	}
	err = chromedp.Do(nctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(css(`details.submit > summary`)),
		chromedp.SendKeys(css(`#submit-text`), itArticle+" Senza JavaScript."),
		chromedp.Click(css(`#submit-form button[type=submit]`)),
		// The status page, or the brief's page if it was quicker.
		chromedp.WaitVisible(css(`#article-status, section.details`)),
	)
	if err != nil {
		t.Fatalf("submitting without JavaScript: %v", err)
	}
	loc, err := chromedp.Run(nctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(nctx, chromedp.Text(css(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "/articles/") && !strings.Contains(loc, "/briefs/") || strings.HasPrefix(strings.TrimSpace(text), "{") {
		t.Errorf("without JavaScript the form landed on %s: %.200q; want the article's status page", loc, text)
	}
	shot, err := chromedp.Run(nctx, chromedp.FullScreenshot(100))
	if err == nil {
		saveArtifact(t, "web-nojs-submit.png", shot)
	}
}

func saveArtifact(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := os.Getenv("NEWSBRIEF_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", p, len(data))
}
