package memory_test

import (
	"testing"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) org.Store { return memory.New() })
}
