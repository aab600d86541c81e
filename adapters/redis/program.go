package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"
)

// applyScript runs one change as a program Go built: first every check, then
// every write. A check that fails returns an error reply before the first
// write, so a refused change writes nothing; once the checks pass, the
// writes (plain commands on keys of one provider) cannot fail on valid
// keys, so a change is stored whole. Go computes every key, fold key,
// digit string and name gram; the script compares bytes only.
//
// ARGV is: the number of checks, the checks, the number of writes, the
// writes. Key arguments are indexes into KEYS. Checks:
//
//	I key idem-key fingerprint now-ms   idempotency: a remembered key returns {"idem", org id}
//	V key id version                    meta hash field's version; "0": field must be absent
//	U key field id name value           unique hash field absent or held by id
//	N key id count                      org's event list has count stream ids
//
// Writes:
//
//	E stream payloads org-events id body   XADD the event, store its body, append its id
//	P idem idem-expiry now-ms              forget up to 100 expired idempotency keys
//	<CMD> nargs key args...                HSET, HDEL, ZADD, ZREM, SADD or SREM
//
// It returns {"ok", stream ids of the events added...}.
var applyScript = goredis.NewScript(applyLua)

const applyLua = `
local i = 1
local function nxt() local v = ARGV[i]; i = i + 1; return v end
local function key() return KEYS[tonumber(nxt())] end
local nchecks = tonumber(nxt())
for _ = 1, nchecks do
  local kind = nxt()
  if kind == 'I' then
    local h, k, fp, now = key(), nxt(), nxt(), tonumber(nxt())
    local e = redis.call('HGET', h, k)
    if e then
      local id, efp, exp = string.match(e, '^(%S+) (%S*) (%d+)$')
      if tonumber(exp) >= now then
        if efp ~= fp then
          return redis.error_reply('ORGKIT_CONFLICT idempotency key was used for a different request')
        end
        return {'idem', id}
      end
    end
  elseif kind == 'V' then
    local h, id, want = key(), nxt(), nxt()
    local m = redis.call('HGET', h, id)
    if want == '0' then
      if m then return redis.error_reply('ORGKIT_EXISTS organization ' .. id .. ' exists') end
    elseif not m then
      return redis.error_reply('ORGKIT_VERSION organization ' .. id .. ' is gone')
    elseif string.match(m, '^(%d+):') ~= want then
      return redis.error_reply('ORGKIT_VERSION organization ' .. id .. ' is no longer at version ' .. want)
    end
  elseif kind == 'U' then
    local h, f, id, name, value = key(), nxt(), nxt(), nxt(), nxt()
    local holder = redis.call('HGET', h, f)
    if holder and holder ~= id then
      return redis.error_reply('ORGKIT_DUPLICATE ' .. name .. ' ' .. value)
    end
  elseif kind == 'N' then
    local h, id, want = key(), nxt(), tonumber(nxt())
    local _, n = string.gsub(redis.call('HGET', h, id) or '', '%S+', '')
    if n ~= want then
      return redis.error_reply('ORGKIT_VERSION organization ' .. id .. ' has events written since it was read')
    end
  else
    return redis.error_reply('ORGKIT_PROGRAM unknown check ' .. tostring(kind))
  end
end
local plain = {HSET = true, HDEL = true, ZADD = true, ZREM = true, SADD = true, SREM = true}
local out = {'ok'}
local nwrites = tonumber(nxt())
for _ = 1, nwrites do
  local op = nxt()
  if op == 'E' then
    local s, p, oe, id, body = key(), key(), key(), nxt(), nxt()
    local sid = redis.call('XADD', s, '*', 'o', id)
    redis.call('HSET', p, sid, body)
    local prev = redis.call('HGET', oe, id)
    if prev then sid = prev .. ' ' .. sid end
    redis.call('HSET', oe, id, sid)
    out[#out + 1] = string.match(sid, '(%S+)$')
  elseif op == 'P' then
    local h, z, now = key(), key(), nxt()
    local old = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. now, 'LIMIT', 0, 100)
    if #old > 0 then
      redis.call('HDEL', h, unpack(old))
      redis.call('ZREM', z, unpack(old))
    end
  elseif plain[op] then
    local n = tonumber(nxt())
    local k = key()
    local args = {}
    for j = 1, n do args[j] = nxt() end
    redis.call(op, k, unpack(args))
  else
    return redis.error_reply('ORGKIT_PROGRAM unknown write ' .. tostring(op))
  end
end
return out
`

// program builds the KEYS and ARGV of one applyScript call.
type program struct {
	keys    []string
	keyIdx  map[string]string
	checks  []any
	nChecks int
	writes  []any
	nWrites int
	// nEvents counts the events among the writes: a search ranked in Go
	// tells from the provider's event stream that nothing changed between
	// its two reads, so every change must append one.
	nEvents int
}

func newProgram() *program {
	// Capacity for a typical change (about 60 index entries), so that
	// building the arguments does not copy them over and over.
	return &program{keyIdx: make(map[string]string, 64), writes: make([]any, 0, 256)}
}

func (p *program) key(k string) string {
	if i, ok := p.keyIdx[k]; ok {
		return i
	}
	p.keys = append(p.keys, k)
	i := strconv.Itoa(len(p.keys))
	p.keyIdx[k] = i
	return i
}

func (p *program) check(kind, key string, args ...any) {
	p.nChecks++
	p.checks = append(append(p.checks, kind, p.key(key)), args...)
}

func (p *program) write(cmd, key string, args ...any) {
	p.nWrites++
	p.writes = append(append(p.writes, cmd, len(args), p.key(key)), args...)
}

// checkVersion requires the organization's stored version to be v, or the
// organization to be absent when v is 0.
func (p *program) checkVersion(ks keyspace, id string, v int64) {
	p.check("V", ks.meta(), id, v)
}

// checkUnique requires each unique value of m to be free or held by id.
func (p *program) checkUnique(ks keyspace, id string, us []uniqueEntry) {
	for _, u := range us {
		p.check("U", ks.unique(), u.hashField, id, u.field, u.value)
	}
}

// add writes entries for id; remove deletes them. Entries of one key go in
// one command: each redis.call costs the script about as much as a small
// command costs the server.
func (p *program) add(id string, es []entry) {
	for _, g := range groupEntries(es) {
		n := len(g)
		if g[0].kind != 's' {
			n *= 2
		}
		p.nWrites++
		p.writes = append(p.writes, command(g[0].kind, true), n, p.key(g[0].key))
		for _, e := range g {
			switch e.kind {
			case 'h':
				p.writes = append(p.writes, e.item, id)
			case 'z':
				p.writes = append(p.writes, 0, e.item)
			case 's':
				p.writes = append(p.writes, e.item)
			}
		}
	}
}

func (p *program) remove(es []entry) {
	for _, g := range groupEntries(es) {
		p.nWrites++
		p.writes = append(p.writes, command(g[0].kind, false), len(g), p.key(g[0].key))
		for _, e := range g {
			p.writes = append(p.writes, e.item)
		}
	}
}

// command returns the command that adds or removes entries of the kind.
func command(kind byte, add bool) string {
	switch {
	case kind == 'h' && add:
		return "HSET"
	case kind == 'h':
		return "HDEL"
	case kind == 'z' && add:
		return "ZADD"
	case kind == 'z':
		return "ZREM"
	case add:
		return "SADD"
	}
	return "SREM"
}

// groupEntries groups entries by key, keys in the order they first appear.
func groupEntries(es []entry) [][]entry {
	var out [][]entry
	at := make(map[string]int, len(es))
	for _, e := range es {
		if i, ok := at[e.key]; ok {
			out[i] = append(out[i], e)
			continue
		}
		at[e.key] = len(out)
		out = append(out, []entry{e})
	}
	return out
}

// event appends an event of organization id with the given JSON body.
func (p *program) event(ks keyspace, id string, body []byte) {
	p.nWrites++
	p.nEvents++
	p.writes = append(p.writes, "E", p.key(ks.stream()), p.key(ks.payloads()), p.key(ks.orgEvents()), id, body)
}

// result is what a program run returned.
type result struct {
	idemID   string   // set when an idempotency key named an earlier create
	streamID []string // ids of the events added, in order
}

// run sends the program once. go-redis would resend a command whose reply
// was lost (a reset connection, a read timeout) up to MaxRetries times; a
// resent script finds its own change and refuses it as a conflict, and
// Update would then call its function again and make the change twice. So
// the script goes as a scriptCmd, which go-redis never resends once it may
// have reached the server, and a lost reply is org.ErrOutcomeUnknown.
func (p *program) run(ctx context.Context, c goredis.UniversalClient) (result, error) {
	if p.nWrites > 0 && p.nEvents == 0 {
		return result{}, errors.New("redis: a change must append an event") // a bug in this package
	}
	args := make([]any, 0, 5+len(p.keys)+len(p.checks)+len(p.writes))
	args = append(args, "evalsha", applyScript.Hash(), len(p.keys))
	for _, k := range p.keys {
		args = append(args, k)
	}
	args = append(args, p.nChecks)
	args = append(args, p.checks...)
	args = append(args, p.nWrites)
	args = append(args, p.writes...)
	cmd := goredis.NewCmd(ctx, args...)
	err := c.Process(ctx, scriptCmd{cmd})
	if goredis.HasErrorPrefix(err, "NOSCRIPT") {
		// The server lost its script cache (a restart, SCRIPT FLUSH):
		// nothing ran, so send the source.
		args[0], args[1] = "eval", applyLua
		cmd = goredis.NewCmd(ctx, args...)
		err = c.Process(ctx, scriptCmd{cmd})
	}
	if err != nil {
		return result{}, translateScript(err)
	}
	v, err := cmd.StringSlice()
	if err != nil {
		return result{}, translate(err)
	}
	switch {
	case len(v) == 2 && v[0] == "idem":
		return result{idemID: v[1]}, nil
	case len(v) >= 1 && v[0] == "ok":
		return result{streamID: v[1:]}, nil
	}
	return result{}, fmt.Errorf("redis: unexpected script reply %q", v)
}

// scriptCmd is a script call that go-redis must not resend after it may
// have reached the server (see program.run). go-redis still sends it again
// when it is sure the first attempt never left the client.
type scriptCmd struct{ *goredis.Cmd }

// NoRetry implements goredis.Cmder.
func (scriptCmd) NoRetry() bool { return true }
