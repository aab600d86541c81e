// Package jsondoc encodes and decodes the JSON documents in which the
// PostgreSQL and Redis stores keep organizations and events.
//
// It behaves as encoding/json does, so documents written by earlier
// versions of those stores read back the same and new ones are written
// byte for byte as before. It runs on the engine of encoding/json/v2,
// through github.com/go-json-experiment/json/v1, which decodes an
// organization in about half the time: a search page decodes up to a
// hundred of them. From Go 1.27 that package is an alias of
// encoding/json, which this package can then import instead.
package jsondoc

import json "github.com/go-json-experiment/json/v1"

// Marshal returns the JSON document of v, as encoding/json.Marshal does.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes the JSON document b into v, as encoding/json.Unmarshal
// does.
func Unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
