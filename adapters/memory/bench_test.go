package memory

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/billing"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
)

// The benchmarks share one store of generated organizations, loaded once
// per process: 1,000,000 unless ORGKIT_BENCH_ORGS says otherwise, such as
// ORGKIT_BENCH_ORGS=20000 for a quick run. Each latency benchmark times
// every operation and reports the 50th and 99th percentiles; run them with
// -benchtime=10000x so that each draws 10,000 operations:
//
//	go test ./adapters/memory -run '^$' -bench . -benchtime=10000x -timeout 30m

type benchData struct {
	n        int
	gen      *datagen.Generator
	provider org.Provider
	store    *Store
	svc      *org.Service
	staff    org.Actor
	load     time.Duration // generating and importing
	importIn time.Duration // inside Import calls
	loadCPU  time.Duration // CPU time of the whole process while loading
	heap     uint64        // heap growth after a GC
	events   uint64        // of which the events' own memory
	err      error
}

var (
	benchOnce sync.Once
	bench     benchData
)

func loaded(b *testing.B) *benchData {
	b.Helper()
	benchOnce.Do(func() {
		n := 1_000_000
		if s := os.Getenv("ORGKIT_BENCH_ORGS"); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v <= 0 {
				bench.err = fmt.Errorf("ORGKIT_BENCH_ORGS=%q is not a positive number", s)
				return
			}
			n = v
		}
		d := &bench
		d.n = n
		d.provider = org.Provider{ID: uuid.MustParse("0192f0c4-0000-7000-8000-0000000000be"), AdminOrganizationID: uuid.New()}
		d.gen = datagen.New(2026, d.provider.ID)
		d.store = New()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		ctx := context.Background()
		start, cpuStart := time.Now(), cpuTime()
		d.err = d.gen.Batches(ctx, n, 1000, func(_ int, items []org.Imported) error {
			t := time.Now()
			err := d.store.Import(ctx, items)
			d.importIn += time.Since(t)
			return err
		})
		if d.err == nil {
			// Imports leave the search indexes pending until the first
			// search; a loaded store is one that can be searched.
			d.err = d.store.flush(d.provider.ID)
		}
		d.load = time.Since(start)
		d.loadCPU = cpuTime() - cpuStart
		if d.err != nil {
			return
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		d.heap = ms.HeapAlloc - before
		// Imported events share their snapshot with the organization, so
		// the events cost their slice of headers.
		t := d.store.tenant(d.provider.ID, false)
		d.events = uint64(cap(t.events)) * uint64(unsafe.Sizeof(storedEvent{}))
		d.svc = org.NewService(d.store, org.NewProviderSet(d.provider))
		d.staff = org.Staff(d.provider.ID, "bench", ownership.Admin, true)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return &bench
}

// cpuTime returns the CPU time the process has used, user and system: on a
// machine shared with other work, a steadier figure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU returns the CPU time of the calling OS thread, to the
// nanosecond (getrusage counts in scheduler ticks, too coarse here).
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID, Linux
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// percentiles reports the 50th and 99th percentiles of the times in µs,
// with the given unit suffix.
func percentiles(b *testing.B, times []time.Duration, suffix string) {
	b.Helper()
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p int) float64 {
		return float64(times[min(len(times)-1, len(times)*p/100)].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(50), "p50-"+suffix)
	b.ReportMetric(at(99), "p99-"+suffix)
}

// timed runs op once per benchmark iteration and reports percentiles of
// its wall time ("µs") and of the CPU time of its thread ("cpu-µs"). The
// machine these run on is shared: wall time includes waiting for a CPU,
// which the CPU time leaves out. With -v it logs the slowest operations.
func timed(b *testing.B, op func(i int) error, describe func(i int) string) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	type sample struct {
		i         int
		wall, cpu time.Duration
	}
	samples := make([]sample, 0, b.N)
	i := 0
	for b.Loop() {
		c, t := threadCPU(), time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(t)
		samples = append(samples, sample{i, wall, threadCPU() - c})
		i++
	}
	b.StopTimer()
	walls := make([]time.Duration, len(samples))
	cpus := make([]time.Duration, len(samples))
	for k, s := range samples {
		walls[k], cpus[k] = s.wall, s.cpu
	}
	percentiles(b, walls, "µs")
	percentiles(b, cpus, "cpu-µs")
	if testing.Verbose() {
		slices.SortFunc(samples, func(a, b sample) int { return int(b.cpu - a.cpu) })
		for _, s := range samples[:min(5, len(samples))] {
			what := strconv.Itoa(s.i)
			if describe != nil {
				what = describe(s.i)
			}
			b.Logf("slowest: %s: %v wall, %v CPU", what, s.wall, s.cpu)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	d := loaded(b)
	for b.Loop() {
	}
	b.ReportMetric(float64(d.n), "orgs")
	b.ReportMetric(d.load.Seconds(), "load-s")
	b.ReportMetric(d.importIn.Seconds(), "import-s")
	b.ReportMetric(d.loadCPU.Seconds(), "load-cpu-s")
}

func BenchmarkHeap(b *testing.B) {
	d := loaded(b)
	for b.Loop() {
	}
	b.ReportMetric(float64(d.heap-d.events)/float64(d.n), "B/org")
	b.ReportMetric(float64(d.heap)/float64(d.n), "B/org+event")
	b.ReportMetric(float64(len(d.store.tenant(d.provider.ID, false).grams)), "trigrams")
}

func BenchmarkSearch(b *testing.B) {
	d := loaded(b)
	ctx := context.Background()
	for _, kind := range datagen.Kinds {
		qs := d.gen.Queries(kind, 10000, d.n)
		b.Run(kind.String(), func(b *testing.B) {
			hits := 0
			timed(b, func(i int) error {
				q := qs[i%len(qs)]
				res, err := d.svc.Search(ctx, d.staff, org.SearchQuery{Text: q.Text, Tags: q.Tags})
				hits += len(res.Hits)
				return err
			}, func(i int) string { q := qs[i%len(qs)]; return fmt.Sprintf("%q %q", q.Text, q.Tags) })
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
}

func BenchmarkGet(b *testing.B) {
	d := loaded(b)
	ctx := context.Background()
	ids := make([]uuid.UUID, 10000)
	for i := range ids {
		ids[i] = d.gen.ID((i * 7919) % d.n)
	}
	b.Run("store", func(b *testing.B) {
		timed(b, func(i int) error {
			_, err := d.store.Get(ctx, d.provider.ID, ids[i%len(ids)])
			return err
		}, nil)
	})
	b.Run("service", func(b *testing.B) {
		timed(b, func(i int) error {
			_, err := d.svc.Get(ctx, d.staff, ids[i%len(ids)])
			return err
		}, nil)
	})
}

// The benchmarks below change the shared data, so they come last.

func BenchmarkCreate(b *testing.B) {
	d := loaded(b)
	ctx := context.Background()
	next := d.n + 1_000_000 // clear of the loaded organizations' numbers
	timed(b, func(int) error {
		in := d.gen.Input(next)
		next++
		_, err := d.svc.Create(ctx, d.staff, in)
		return err
	}, nil)
}

// serviceManaged returns the indexes of loaded organizations managed by the
// provider, which staff may rename and switch without a grant.
func serviceManaged(d *benchData, n, from int) []int {
	var out []int
	for i := from; len(out) < n && i < d.n; i++ {
		if d.gen.Input(i).ManagedBy == ownership.ServiceProvider {
			out = append(out, i)
		}
	}
	return out
}

func BenchmarkUpdate(b *testing.B) {
	d := loaded(b)
	ctx := context.Background()
	b.Run("reference", func(b *testing.B) {
		timed(b, func(i int) error {
			ref := "BENCH-" + strconv.Itoa(i) + "-" + strconv.Itoa(b.N)
			_, err := d.svc.Update(ctx, d.staff, d.gen.ID((i*104729)%d.n), org.Update{CustomerReference: &ref})
			return err
		}, nil)
	})
	b.Run("name", func(b *testing.B) {
		sp := serviceManaged(d, 10000, 0)
		timed(b, func(i int) error {
			name := "Renamed Straße " + strconv.Itoa(i)
			_, err := d.svc.Update(ctx, d.staff, d.gen.ID(sp[i%len(sp)]), org.Update{Name: &name})
			return err
		}, nil)
	})
}

func BenchmarkSwitch(b *testing.B) {
	d := loaded(b)
	ctx := context.Background()
	// Each organization switches once, so draw them far from those renamed.
	sp := serviceManaged(d, 10000, d.n/2)
	timed(b, func(i int) error {
		if i >= len(sp) {
			return fmt.Errorf("only %d organizations to switch", len(sp))
		}
		email := "new.owner@example.com"
		_, err := d.svc.SwitchManagedBy(ctx, d.staff, d.gen.ID(sp[i]), org.Switch{
			To:       ownership.Customer,
			NewOwner: &org.Person{Name: "New Owner", Email: email},
			Billing: &billing.Info{ContactName: "Accounts", Email: email, Currency: "EUR",
				Address: billing.Address{Line1: "1 Main St", City: "Berlin", PostalCode: "10115", Country: "DE"}},
		})
		return err
	}, nil)
}
