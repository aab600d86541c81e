package redis

import (
	"errors"
	"fmt"
	"net"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/org"
)

var (
	// ErrClosed is returned by every method of a closed Store.
	ErrClosed = errors.New("redis: store is closed")

	// ErrUnavailable reports that Redis could not run a step: the cluster is
	// down, or kept redirecting (a slot migrating) after go-redis used up its
	// retries. Nothing was written; the call may be retried later.
	ErrUnavailable = errors.New("redis: unavailable")

	// ErrEvictingPolicy is returned by New when the server's maxmemory-policy
	// may evict this store's keys. See AllowEvictingPolicy.
	ErrEvictingPolicy = errors.New("redis: maxmemory-policy may evict keys")
)

// errVersion is a version check that failed inside a script: another change
// came between the read and the write. Update retries it; it matches
// org.ErrConflict when retries run out.
var errVersion = fmt.Errorf("%w: organization changed concurrently", org.ErrConflict)

// Error reply prefixes of applyScript.
const (
	replyConflict  = "ORGKIT_CONFLICT "
	replyExists    = "ORGKIT_EXISTS "
	replyVersion   = "ORGKIT_VERSION "
	replyDuplicate = "ORGKIT_DUPLICATE "
)

// translate turns go-redis errors into the domain's: redis.Nil into
// org.ErrNotFound, the script's error replies into org.ErrConflict or an
// *org.DuplicateError, and cluster failures that outlived go-redis's
// retries into ErrUnavailable. Other errors (network, context) are wrapped
// as they are.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, goredis.Nil) {
		return org.ErrNotFound
	}
	var rerr goredis.Error
	if errors.As(err, &rerr) {
		msg := strings.TrimPrefix(rerr.Error(), "ERR ")
		switch {
		case strings.HasPrefix(msg, replyDuplicate):
			field, value, _ := strings.Cut(strings.TrimPrefix(msg, replyDuplicate), " ")
			return &org.DuplicateError{Field: field, Value: value}
		case strings.HasPrefix(msg, replyVersion):
			return errVersion
		case strings.HasPrefix(msg, replyConflict), strings.HasPrefix(msg, replyExists):
			return fmt.Errorf("%w: %s", org.ErrConflict, msg[strings.IndexByte(msg, ' ')+1:])
		}
		_, moved := goredis.IsMovedError(err)
		_, ask := goredis.IsAskError(err)
		if moved || ask || goredis.IsTryAgainError(err) || goredis.IsClusterDownError(err) ||
			goredis.IsMasterDownError(err) || goredis.IsLoadingError(err) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return fmt.Errorf("redis: %w", err)
}

// translateScript is translate for a write script call, which go-redis does
// not resend (see program.run). A reply from Redis means the script ran up
// to that reply or not at all, and a failure to get a connection means
// nothing was sent: the outcome is known either way. Any other failure (a
// reset connection, a read timeout, a deadline reached while waiting for
// the reply) may have come after the script ran, and is
// org.ErrOutcomeUnknown: a retry with the same idempotency key, or with
// org.IfVersion, tells which.
func translateScript(err error) error {
	if err == nil {
		return nil
	}
	var rerr goredis.Error
	if errors.As(err, &rerr) || notSent(err) {
		return translate(err)
	}
	return fmt.Errorf("%w: redis: script reply lost: %w", org.ErrOutcomeUnknown, err)
}

// notSent reports failures that happen before a command is written: no
// connection could be dialed or taken from the pool, or the client is
// closed.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, goredis.ErrClosed) || errors.Is(err, goredis.ErrPoolTimeout)
}
