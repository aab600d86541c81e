package postgres_test

import (
	"io/fs"

	"github.com/orgkit/orgkit/adapters/postgres"
)

func fsGlob() ([]string, error) { return fs.Glob(postgres.Migrations, "*.sql") }
