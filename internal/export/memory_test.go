package export_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/testdb"
)

// EnvMemory runs TestExportMemory: generating 33,000 members takes a
// while, too long for every run of the suite.
const EnvMemory = "PARTYORG_EXPORT_MEMORY"

// tightGC is the collector's GOGC while measuring what an export holds:
// it collects after every 5 % of growth, so the heap's peak is what the
// export keeps in use, give or take 5 %, rather than where the default
// pacing lets garbage pile up to.
const tightGC = 5

// peakHeap runs f with the collector at gogc and reports how far the heap
// (every object not yet swept, garbage included) grew above what it held
// before (after a collection), sampled every half millisecond.
func peakHeap(gogc int, f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(gogc))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	peak := base
	note := func() { peak = max(peak, read()) }
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				note()
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	note() // after Wait: the sampler has stopped writing peak
	return peak - base
}

// sizes are the counties measured: 3,000, 30,000 and 60,000 members.
var sizes = []demo.Size{
	{Townships: 2, VillagesPerTownship: 15, BranchesPerVillage: 5, MembersPerBranch: 20, Seed: 2},
	demo.County,
	{Townships: 40, VillagesPerTownship: 15, BranchesPerVillage: 5, MembersPerBranch: 20, Seed: 3},
}

// TestExportMemory exports the members of counties of 3,000, 30,000 and
// 60,000 members, in the same run and database, as each county's VIEWER
// (masking on every row), and reports each export's heap growth in the
// whole process (server and client) and the ratios to 3,000. A CSV
// streams a page at a time, so what it holds must not grow with the
// county; a workbook keeps up to 16 MiB of each sheet in memory before
// it spills to a temporary file (excelize's StreamChunkSize), so it
// grows until then and no further. Figures are in BENCHMARKS.md
// ("Export").
func TestExportMemory(t *testing.T) {
	if os.Getenv(EnvMemory) == "" {
		t.Skipf("set %s=1 to measure the export's memory (a few minutes)", EnvMemory)
	}
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		var counties, members []int
		for _, size := range sizes {
			start := time.Now()
			g, err := demo.Generate(t.Context(), d.Client, size)
			must(t, err)
			counties, members = append(counties, g.CountyID), append(members, g.Members)
			_, err = account.Create(sysCtx(), d.Client, account.NewUser{Username: fmt.Sprintf("viewer.county%d", g.CountyID),
				Password: apitest.Password, Role: ptr(rolebinding.RoleViewer), OrgID: &g.CountyID})
			must(t, err)
			t.Logf("generated %d members in %v", g.Members, time.Since(start).Round(time.Second))
		}
		api := apitest.New(t, d)
		ts := &tokens{api: api, by: map[string]string{}}
		for _, format := range []string{"csv", "xlsx"} {
			// Heap at the default pacing (what the process uses) and held
			// (at tightGC: what the export keeps).
			heap, held := make([]uint64, len(sizes)), make([]uint64, len(sizes))
			for i, county := range counties {
				token := ts.of(t, fmt.Sprintf("viewer.county%d", county))
				var size int64
				var took time.Duration
				export := func() {
					start := time.Now()
					req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/export/members.%s?org=%d", api.URL, format, county), nil)
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := http.DefaultClient.Do(req)
					must(t, err)
					defer resp.Body.Close()
					if size, err = io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
						t.Fatalf("members.%s of %d: %d %v", format, members[i], resp.StatusCode, err)
					}
					took = time.Since(start)
				}
				heap[i] = peakHeap(100, export)
				paced := took // the tight collector slows the second run
				held[i] = peakHeap(tightGC, export)
				t.Logf("%s %-4s %6d members: %4.1f MiB file in %6v; heap +%5.1f MiB (%4.2f× 3,000), held +%5.1f MiB (%4.2f× 3,000)",
					d.Name, format, members[i], mib(uint64(size)), paced.Round(time.Millisecond),
					mib(heap[i]), ratio(heap[i], heap[0]), mib(held[i]), ratio(held[i], held[0]))
			}
			// A CSV holds a page whatever the county. A workbook holds its
			// sheet's 16 MiB chunk, in a buffer that has doubled to 32 MiB
			// by the time it first spills: 60,000 members no more than
			// 30,000.
			last := len(held) - 1
			switch bound := 2 * max(held[0], 4<<20); {
			case format == "csv" && held[last] > bound:
				t.Errorf("CSV of %d members holds %.1f MiB, more than %.1f MiB", members[last], mib(held[last]), mib(bound))
			case format == "xlsx" && held[last] > held[last-1]+held[last-1]/4:
				t.Errorf("workbook of %d members holds %.1f MiB, of %d %.1f MiB: still growing",
					members[last], mib(held[last]), members[last-1], mib(held[last-1]))
			case format == "xlsx" && held[last] > held[0]+40<<20:
				t.Errorf("workbook of %d members holds %.1f MiB, 40 MiB more than of %d", members[last], mib(held[last]), members[0])
			}
		}
	})
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func ratio(a, b uint64) float64 { return float64(a) / float64(max(b, 1)) }
