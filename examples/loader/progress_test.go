package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	p := &progress{w: &out, tty: true, n: 1000, start: time.Now().Add(-time.Second), every: barInterval, shown: -1}
	p.draw(500, p.start.Add(time.Second))
	assert.Equal(t, "\r["+strings.Repeat("=", 15)+strings.Repeat(" ", 15)+"]  50.0% 500/1000  500 orgs/s  ETA 1s", out.String())

	out.Reset()
	p.finish(1000)
	line, _ := strings.CutPrefix(out.String(), "\r")
	assert.True(t, strings.HasPrefix(line, "["+strings.Repeat("=", 30)+"] 100.0% 1000/1000"), "%q", line)
	assert.True(t, strings.HasSuffix(line, "\n"), "the bar's line ends: %q", line)

	// Drawn already: finish only ends the line.
	out.Reset()
	p.finish(1000)
	assert.Equal(t, "\n", out.String())
}

func TestProgressLogLines(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 100, 1000) // a buffer is no terminal
	p.update(200)                     // too soon for a line
	assert.Empty(t, out.String())
	p.last = p.last.Add(-logInterval)
	p.update(300)
	assert.Contains(t, out.String(), "loader:  30.0% 300/1000  ")
	assert.NotContains(t, out.String(), "\r")
	out.Reset()
	p.finish(300) // on show already
	assert.Empty(t, out.String())
}
