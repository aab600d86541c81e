package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Redraw and log intervals: often enough to look alive, rarely enough to
// cost nothing next to a batch.
const (
	barInterval = 100 * time.Millisecond
	logInterval = 5 * time.Second
	barWidth    = 30
)

// progress shows how a load goes: a bar redrawn in place when w is a
// terminal, a line now and then otherwise (a log file, a CI job).
type progress struct {
	w          io.Writer
	tty        bool
	from, n    int
	start      time.Time
	last       time.Time
	every      time.Duration
	shown      int // the done count drawn last, -1 before the first
	drawnWidth int
}

func newProgress(w io.Writer, from, n int) *progress {
	p := &progress{w: w, from: from, n: n, start: time.Now(), every: logInterval, shown: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty, p.every = true, barInterval
	}
	p.last = p.start
	return p
}

// update reports that done organizations of n are stored.
func (p *progress) update(done int) {
	now := time.Now()
	if now.Sub(p.last) < p.every && done < p.n {
		return
	}
	p.last = now
	p.draw(done, now)
}

// finish draws the last state, unless it is on show, and ends the bar's
// line.
func (p *progress) finish(done int) {
	if done != p.shown {
		p.draw(done, time.Now())
	}
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func (p *progress) draw(done int, now time.Time) {
	p.shown = done
	elapsed := now.Sub(p.start)
	r := rate(done-p.from, elapsed)
	eta := "?"
	if r > 0 {
		eta = time.Duration(float64(p.n-done) / r * float64(time.Second)).Round(time.Second).String()
	}
	frac := 1.0
	if p.n > 0 {
		frac = float64(done) / float64(p.n)
	}
	stats := fmt.Sprintf("%5.1f%% %d/%d  %.0f orgs/s  ETA %s", 100*frac, done, p.n, r, eta)
	if !p.tty {
		fmt.Fprintf(p.w, "loader: %s  elapsed %s\n", stats, elapsed.Round(time.Second))
		return
	}
	filled := int(frac * barWidth)
	line := "[" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "] " + stats
	// Pad over what a longer previous line left on the screen.
	pad := max(p.drawnWidth-len(line), 0)
	p.drawnWidth = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}
