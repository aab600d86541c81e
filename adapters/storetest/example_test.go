package storetest_test

import (
	"testing"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
)

// A store's own test runs the whole suite, giving each subtest a new store.
func ExampleRun() {
	// In a _test.go file of the store's package:
	_ = func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) org.Store { return memory.New() })
	}
}
