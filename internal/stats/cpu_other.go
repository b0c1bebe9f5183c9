//go:build !unix

package stats

import "time"

// cpuTime is not measured off Unix; the benchmark then reports no CPU.
func cpuTime() time.Duration { return 0 }
