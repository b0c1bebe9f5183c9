//go:build ignore

// nodefer rewrites generated.go so that resolving an object no longer
// builds a @defer group: gqlgen builds one per object, computing the
// object's path each time (a fifth of the allocations of a nested
// query), although partyorg serves only POST and refuses @defer when it
// validates an operation (limits.go), so the group always stays empty.
package main

import (
	"bytes"
	"log"
	"os"
)

func main() {
	const file = "generated.go"
	src, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	from, to := []byte("graphql.NewDeferredGroup(ctx)"), []byte("graphql.DeferredGroup{}")
	if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
		log.Fatalf("nodefer: %s builds no deferred groups any more: check limits.go and remove this step", file)
	}
	if err := os.WriteFile(file, bytes.ReplaceAll(src, from, to), 0o644); err != nil {
		log.Fatal(err)
	}
}
