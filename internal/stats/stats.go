// Package stats serves the server's debug listener: pprof and a snapshot
// of counters (SQL statements, CPU time, allocations) that the benchmark
// reads before and after each run to report them per request. It is
// never mounted on the public address.
package stats

import (
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// Snapshot is the process's counters at one moment.
type Snapshot struct {
	// Statements is the number of SQL statements run so far.
	Statements int64 `json:"statements"`
	// CPU is the user plus system CPU time the process has used.
	CPU time.Duration `json:"cpuNanos"`
	// AllocObjects and AllocBytes count heap allocations so far.
	AllocObjects uint64 `json:"allocObjects"`
	AllocBytes   uint64 `json:"allocBytes"`
	// HeapLive is the heap the last garbage collection left live: a
	// gauge, which Sub and Add carry from the later snapshot.
	HeapLive uint64 `json:"heapLiveBytes"`
}

// Sub returns the counters' growth from before to s.
func (s Snapshot) Sub(before Snapshot) Snapshot {
	return Snapshot{
		Statements:   s.Statements - before.Statements,
		CPU:          s.CPU - before.CPU,
		AllocObjects: s.AllocObjects - before.AllocObjects,
		AllocBytes:   s.AllocBytes - before.AllocBytes,
		HeapLive:     s.HeapLive,
	}
}

// Add returns the sum of s and t.
func (s Snapshot) Add(t Snapshot) Snapshot {
	return Snapshot{
		Statements:   s.Statements + t.Statements,
		CPU:          s.CPU + t.CPU,
		AllocObjects: s.AllocObjects + t.AllocObjects,
		AllocBytes:   s.AllocBytes + t.AllocBytes,
		HeapLive:     t.HeapLive,
	}
}

// Path is where Handler serves the snapshot.
const Path = "/debug/stats"

// Read takes a snapshot; statements is the counter of the server's
// database driver (internal/db.Counting).
func Read(statements *atomic.Int64) Snapshot {
	samples := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(samples)
	return Snapshot{
		Statements:   statements.Load(),
		CPU:          cpuTime(),
		AllocObjects: samples[0].Value.Uint64(),
		AllocBytes:   samples[1].Value.Uint64(),
		HeapLive:     samples[2].Value.Uint64(),
	}
}

// Handler serves pprof under /debug/pprof/ and the snapshot at Path.
func Handler(statements *atomic.Int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET "+Path, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Read(statements))
	})
	return mux
}
