// Package readme reads the shell commands out of the README's ```sh blocks,
// so tests can run them verbatim and the README cannot drift from what the
// binary does.
package readme

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Command is one shell command of a ```sh block: continuation lines
// (ending in \) joined, comment-only lines dropped, a trailing comment kept
// (the shell ignores it).
type Command struct {
	Section string // the nearest heading above the block, without #s
	Line    int    // 1-based line of the command's first line in the file
	Text    string
}

// Block is one ```sh block.
type Block struct {
	Section  string
	Line     int // line of the opening fence
	Commands []Command
}

// Blocks returns every ```sh (or ```bash, ```shell) block of the Markdown
// file in order. Headings inside code blocks are not headings.
func Blocks(path string) ([]Block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		blocks  []Block
		section string
		fence   string // the open fence's backticks, "" outside a block
		cur     *Block
		pending strings.Builder
		start   int
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence == "" {
			if strings.HasPrefix(trimmed, "```") {
				fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
				lang := strings.TrimSpace(trimmed[len(fence):])
				if lang == "sh" || lang == "bash" || lang == "shell" {
					blocks = append(blocks, Block{Section: section, Line: n})
					cur = &blocks[len(blocks)-1]
				}
				continue
			}
			if strings.HasPrefix(line, "#") {
				section = strings.TrimSpace(strings.TrimLeft(line, "#"))
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`") == "" {
			if cur != nil && pending.Len() > 0 {
				return nil, fmt.Errorf("%s:%d: the block ends in a continuation line", path, n)
			}
			fence, cur = "", nil
			continue
		}
		if cur == nil {
			continue
		}
		if pending.Len() == 0 {
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			start = n
		}
		if body, ok := strings.CutSuffix(line, `\`); ok {
			pending.WriteString(body)
			pending.WriteString("\\\n")
			continue
		}
		pending.WriteString(line)
		cur.Commands = append(cur.Commands, Command{Section: section, Line: start, Text: strings.TrimSpace(pending.String())})
		pending.Reset()
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if fence != "" {
		return nil, fmt.Errorf("%s: a code block is not closed", path)
	}
	return blocks, nil
}

// Program returns the command without its trailing comment, for matching:
// the text up to the first " #" outside quotes.
func (c Command) Program() string {
	var quote rune
	prev := ' '
	for i, r := range c.Text {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (prev == ' ' || prev == '\t'):
			return strings.TrimSpace(c.Text[:i])
		}
		prev = r
	}
	return strings.TrimSpace(c.Text)
}
