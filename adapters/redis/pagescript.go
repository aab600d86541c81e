package redis

import (
	"fmt"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// pageScript finds one page of text search server-side and returns only
// that page, so a query that matches thousands of organizations sends a
// page, not its candidates, over the network. It reads and never writes.
//
// It goes tier by tier (exact, prefix, substring), each from the cursor on,
// until it holds limit+1 hits. Within a tier it either
//
//   - reads every candidate (the exact-match ranges of the reference,
//     contract, digits and name sets; the prefix ranges of the reference
//     and contract sets, and of the name and digit-prefix sets as far as
//     the page needs, since those are in result order; the intersection of
//     the three smallest gram sets of the text, each member then tested for
//     the whole text) and keeps the first ones in result order;
//   - or walks the name set, which is in result order, and keeps each
//     member whose keys (carried in the member) match at that tier, until
//     the page is full.
//
// Reading costs about one step per candidate, walking about
// page × organizations ÷ matches steps; the script picks the cheaper by the
// ratios in ARGV (see Store.tuning), and reads after all when a walk runs
// past a few times (slack) its expected length. Both give the same page.
// A substring tier whose smallest gram set is small (walkWhole) walks that
// set, without counting the intersection first: counting and reading each
// pass over the smallest set, and at a million organizations, where every
// member read is a miss in the processor's caches, one pass over a few
// thousand members costs less than two.
//
// Every call into Redis from the script costs a few µs besides its
// command, about as much as a short command itself, so the script skips
// reads it knows to be empty: the reference, contract and digits ranges
// whose counts are 0, and the whole substring tier when one of the text's
// gram sets is missing.
//
// Lua's string comparison follows the server's locale, so the script orders
// strings with its own byte comparison, as Go does. The match rules are
// those of search.Terms.Match, on bytes; Go checks every returned hit
// against Terms.Match again.
//
// KEYS: name set, meta hash, organization hash, reference set, contract
// set, digits set, digit-prefix set, then nf filter sets, then ng gram
// sets.
// ARGV: fold, digits, substring ("1" or ""), limit+1, cursor tier (0: none),
// cursor name, cursor id, nf, ng, the walk ratios for prefixes, substrings
// and listings, the name-set start of the prefix tier's name range, the
// members read per ZRANGEBYLEX, the walk budget's slack and the most
// prefix hits by reference, contract or digits read to leave out of the
// substring tier, and the largest smallest gram set walked whole.
//
// It returns, for each hit in order, its tier, its id, its keys ("n" and
// its name-set member when it was found in the name set, which carries
// them, else "k" and its name fold) and its organization JSON.
var pageScript = goredis.NewScript(`#!lua flags=no-writes
local fold, digits, sub, want = ARGV[1], ARGV[2], ARGV[3] == '1', tonumber(ARGV[4])
local aT, aN, aI = tonumber(ARGV[5]), ARGV[6], ARGV[7]
local nf, ng = tonumber(ARGV[8]), tonumber(ARGV[9])
local rPrefix, rSub, rList, nameStart = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), ARGV[13]
local zn, meta, orgs, zr, zc, zd, zp = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local filters, grams = {}, {}
for j = 1, nf do filters[j] = KEYS[7 + j] end
for j = 1, ng do grams[j] = KEYS[7 + nf + j] end
local batch, slack = tonumber(ARGV[14]), tonumber(ARGV[15])
-- preLimit bounds the prefix hits by reference, contract or digits read
-- whole to leave them out of the substring tier.
local preLimit = tonumber(ARGV[16])
-- walkWhole is the largest smallest gram set that the substring tier walks
-- whole, rather than count the intersection first.
local walkWhole = tonumber(ARGV[17])

-- lead is a number that orders strings as their 6 bytes from i on do (a
-- missing byte before every byte): 257^6 is below 2^53, so it is exact.
-- Comparing leads compares 6 bytes with one call into C.
local function lead(s, i)
  local a, b, c, d, e, f = string.byte(s, i, i + 5)
  local n = (a or -1) + 1
  n = n * 257 + (b or -1) + 1
  n = n * 257 + (c or -1) + 1
  n = n * 257 + (d or -1) + 1
  n = n * 257 + (e or -1) + 1
  return n * 257 + (f or -1) + 1
end
-- less compares bytes, 6 at a time. Names that share a long start (every
-- name under a prefix does) differ only some way in.
local function less(a, b)
  if a == b then return false end
  local i = 1
  while true do
    local x, y = lead(a, i), lead(b, i)
    if x ~= y then return x < y end
    i = i + 6
  end
end
local function before(n1, i1, n2, i2)
  if n1 ~= n2 then return less(n1, n2) end
  return less(i1, i2)
end
local function afterCursor(tier, name, id)
  if aT == 0 or tier > aT then return true end
  return tier == aT and before(aN, aI, name, id)
end
local function passes(id)
  for j = 1, nf do
    if redis.call('SISMEMBER', filters[j], id) == 0 then return false end
  end
  return true
end
local function split(s)
  local out, i = {}, 1
  while true do
    local j = string.find(s, '\0', i, true)
    if not j then out[#out + 1] = string.sub(s, i); return out end
    out[#out + 1] = string.sub(s, i, j - 1)
    i = j + 1
  end
end
local function starts(s, p) return string.sub(s, 1, #p) == p end
-- tierOf is search.Terms.Match's tier for a name, reference and contract
-- and the digits in f from index d on; 0 when they do not match.
local function tierOf(name, ref, con, f, d)
  if name == fold or ref == fold or con == fold then return 1 end
  if digits ~= '' then
    for j = d, #f do if f[j] == digits then return 1 end end
  end
  if starts(name, fold) or (ref ~= '' and starts(ref, fold)) or (con ~= '' and starts(con, fold)) then return 2 end
  if digits ~= '' then
    for j = d, #f do if starts(f[j], digits) then return 2 end end
  end
  if sub and string.find(name, fold, 1, true) then return 3 end
  return 0
end
-- top keeps the first k of what it is offered, in result order. Entries
-- are {name, id, lead of name, name-set member or nil}.
local function top(k)
  local buf, seen = {}, {}
  local t = {buf = buf}
  -- precedes tells whether name and id, whose name's lead is l, come
  -- before entry e.
  local function precedes(l, name, id, e)
    if l ~= e[3] then return l < e[3] end
    return before(name, id, e[1], e[2])
  end
  function t.offer(name, id, member)
    if seen[id] then return end
    -- Most candidates of a long range cannot make a full page: tell
    -- them before building anything for them. The same name and id are
    -- turned away again if offered again.
    local l, n = lead(name, 1), #buf
    if n >= k and not precedes(l, name, id, buf[n]) then return end
    seen[id] = true
    if n >= k then buf[n] = nil; n = n - 1 end
    local i = n
    while i >= 1 and precedes(l, name, id, buf[i]) do buf[i + 1] = buf[i]; i = i - 1 end
    buf[i + 1] = {name, id, l, member}
  end
  return t
end
-- walk calls fn with each member of the sorted set key from start on
-- until fn returns true or, after budget members, gives up. It returns
-- whether it finished. It first reads about the expected number of
-- members, then twice as many each time up to batch: every member read
-- costs a copy into the script.
local function walk(key, start, budget, expect, fn)
  local n = math.min(batch, math.max(16, math.ceil(expect) + 8))
  while budget > 0 do
    local ms = redis.call('ZRANGEBYLEX', key, start, '+', 'LIMIT', 0, n)
    for _, m in ipairs(ms) do
      if fn(m) then return true end
    end
    if #ms < n then return true end
    budget = budget - #ms
    start = '(' .. ms[#ms]
    n = math.min(batch, 2 * n)
  end
  return false
end
local function walkStart(tier)
  if aT == tier then return '[' .. aN .. '\0' .. aI .. '\1' end
  return '-'
end
-- keyed returns the name and id of a reference, contract or digits set
-- member, "<key>\0<name>\0<id>": the id is its last 36 bytes.
local function keyed(m)
  local i = string.find(m, '\0', 1, true)
  return string.sub(m, i + 1, -38), string.sub(m, -36)
end
-- nameID returns the name and id that start a name-set or gram-set
-- member.
local function nameID(m)
  local i = string.find(m, '\0', 1, true)
  return string.sub(m, 1, i - 1), string.sub(m, i + 1, i + 36)
end
local total = redis.call('ZCARD', zn)
-- share is the filter's selectivity, at most that of its smallest set.
local share = 1
for j = 1, nf do
  share = math.min(share, redis.call('SCARD', filters[j]) / math.max(total, 1))
end
local hits = {}
-- take adds list's entries, {name, id, _, name-set member or nil}, to the
-- page at tier, as {tier, id, name-set member or nil, name}.
local function take(tier, list)
  for _, r in ipairs(list) do hits[#hits + 1] = {tier, r[2], r[4], r[1]} end
end
-- limitOf is the number of candidates, matching a share of them, from
-- which walking for k hits is estimated cheaper than reading them all.
local function limitOf(ratio, k, part)
  local l = math.ceil(math.sqrt(ratio * k * total / math.max(part, 1e-9)))
  return math.max(math.min(l, 2147483647), 1)
end
-- budgetOf bounds a walk at slack times its expected length, so that a bad
-- estimate costs a bounded walk before candidates are read after all.
local function budgetOf(k, c, part)
  return math.ceil(slack * k * total / math.max(c * part, 1)) + batch
end
-- interCard is SINTERCARD of keys, counting no further than limit.
local function interCard(keys, limit)
  local args = {#keys}
  for j = 1, #keys do args[j + 1] = keys[j] end
  args[#args + 1] = 'LIMIT'
  args[#args + 1] = string.format('%d', limit)
  return redis.call('SINTERCARD', unpack(args))
end
-- metaKeys returns the keys line of an id's meta, split: name, reference,
-- contract, digits...; nil when the organization is gone.
local function metaKeys(id)
  local m = redis.call('HGET', meta, id)
  if not m then return nil end
  return split(string.match(m, '^[^\31]*\31[^\31]*\31[^\31]*\31(.*)$'))
end

if fold == '' then
  -- Empty text lists every organization the filter passes, at tier exact.
  local function read()
    local t = top(want)
    for _, id in ipairs(redis.call('SINTER', unpack(filters))) do
      local m = redis.call('HGET', meta, id)
      local name = m and string.match(m, '^[^\31]*\31[^\31]*\31[^\31]*\31([^%z]*)')
      if name and afterCursor(1, name, id) then t.offer(name, id) end
    end
    return t.buf
  end
  local limit = limitOf(rList, want, 1)
  local c = nf > 0 and interCard(filters, limit) or 0
  if nf == 0 or c >= limit then
    local got = {}
    local done = walk(zn, walkStart(1), nf == 0 and total + batch or budgetOf(want, c, 1), nf == 0 and want or want * total / math.max(c, 1), function(m)
      local name, id = nameID(m)
      if passes(id) then
        got[#got + 1] = {name, id, false, m}
        return #got >= want
      end
    end)
    take(1, done and got or read())
  elseif c > 0 then
    take(1, read())
  end
else
  -- count returns how many members of the reference, contract or digits
  -- set start with its text p. Every call into Redis costs a few µs
  -- besides the command, so a range a count of 0 shows empty is not read.
  local counts = {}
  local function count(key, p)
    if p == '' then return 0 end
    if not counts[key] then counts[key] = redis.call('ZLEXCOUNT', key, '[' .. p, '(' .. p .. '\255') end
    return counts[key]
  end
  -- prefixed returns the members of such a set that start with p, read
  -- once for the prefix and substring tiers.
  local prefixRanges = {}
  local function prefixed(key, p)
    if count(key, p) == 0 then return {} end
    if not prefixRanges[key] then prefixRanges[key] = redis.call('ZRANGEBYLEX', key, '[' .. p, '(' .. p .. '\255') end
    return prefixRanges[key]
  end
  -- Exact: every candidate is read, but for names past a full page; the
  -- set is also needed to leave these organizations out of the lower
  -- tiers.
  local exact = {}
  do
    local t = top(want)
    local function range(key, k, nameAt)
      if k == '' or (nameAt == 2 and count(key, k) == 0) then return end
      for _, m in ipairs(redis.call('ZRANGEBYLEX', key, '[' .. k .. '\0', '(' .. k .. '\1')) do
        local name, id, member
        if nameAt == 1 then name, id = nameID(m); member = m else name, id = keyed(m) end
        exact[id] = true
        if afterCursor(1, name, id) and passes(id) then t.offer(name, id, member) end
      end
    end
    range(zr, fold, 2)
    range(zc, fold, 2)
    range(zd, digits, 2)
    if aT <= 1 then
      -- Names equal to the text come in result order: once want of them
      -- are offered, the later ones cannot make the page, and the page is
      -- full, so no lower tier needs their ids.
      local start, stop, offered = '[' .. fold .. '\0', '(' .. fold .. '\1', 0
      while true do
        local n = nf == 0 and math.min(batch, want - offered + 4) or batch
        local ms = redis.call('ZRANGEBYLEX', zn, start, stop, 'LIMIT', 0, n)
        for _, m in ipairs(ms) do
          local name, id = nameID(m)
          exact[id] = true
          if afterCursor(1, name, id) and passes(id) then
            t.offer(name, id, m)
            offered = offered + 1
          end
        end
        if #ms < n or offered >= want then break end
        start = '(' .. ms[#ms]
      end
      take(1, t.buf)
    else
      range(zn, fold, 1)
    end
  end

  -- Prefix: a key starts with the text. A member can match only if the
  -- text starts it or follows one of its NULs: test that before splitting.
  if aT <= 2 and #hits < want then
    local k = want - #hits
    local function read()
      local t = top(k)
      local function range(key, p)
        for _, m in ipairs(prefixed(key, p)) do
          local name, id = keyed(m)
          if not exact[id] and afterCursor(2, name, id) and passes(id) then t.offer(name, id) end
        end
      end
      range(zr, fold)
      range(zc, fold)
      -- offerInOrder offers the members of key from start to stop, which
      -- are in result order, that no better tier took and that pass the
      -- filter: once k of them are offered, the rest cannot make the page.
      -- place returns a member's name and id.
      local function offerInOrder(key, start, stop, place)
        local names = key == zn
        local offered = 0
        while offered < k do
          local n = nf == 0 and math.min(batch, k - offered + 4) or batch
          local ms = redis.call('ZRANGEBYLEX', key, start, stop, 'LIMIT', 0, n)
          for _, m in ipairs(ms) do
            local name, id = place(m)
            if not exact[id] and passes(id) then
              t.offer(name, id, names and m or nil)
              offered = offered + 1
              if offered >= k then break end
            end
          end
          if #ms < n then break end
          start = '(' .. ms[#ms]
        end
      end
      -- Digit prefixes come in result order from the digit-prefix set, as
      -- name prefixes do from the name set. An organization with two
      -- numbers under the prefix has one member there; when no number
      -- starts with the digits, no prefix of one is them.
      if count(zd, digits) > 0 then
        local start = '[' .. digits .. '\0'
        if aT == 2 then start = '[' .. digits .. '\0' .. aN .. '\0' .. aI .. '\1' end
        offerInOrder(zp, start, '(' .. digits .. '\1', keyed)
      end
      offerInOrder(zn, nameStart, '(' .. fold .. '\255', nameID)
      return t.buf
    end
    -- Digits are read in order above, so only references and contracts
    -- count as candidates to read.
    local c = count(zr, fold) + count(zc, fold)
    local nulFold, nulDigits = '\0' .. fold, '\0' .. digits
    if c > 0 and c >= limitOf(rPrefix, k, share) then
      local got = {}
      local done = walk(zn, walkStart(2), budgetOf(k, c, share), k * total / math.max(c * share, 1), function(m)
        if not (starts(m, fold) or string.find(m, nulFold, 1, true) or
            (digits ~= '' and string.find(m, nulDigits, 1, true))) then
          return false
        end
        local f = split(m)
        local id = f[2]
        if not exact[id] and tierOf(f[1], f[3], f[4], f, 5) == 2 and passes(id) then
          got[#got + 1] = {f[1], id, false, m}
          return #got >= k
        end
      end)
      take(2, done and got or read())
    else
      take(2, read())
    end
  end

  -- Substring: the name holds the text elsewhere, so it holds every
  -- gram of the text. The gram sets are in result order, like the name
  -- set: walk the smallest from the cursor, or, when the grams'
  -- intersection is small, read it whole (ZINTER returns it in order).
  -- Redis deletes a sorted set with its last member, so when a gram set
  -- is missing no name holds the text (a number, say).
  if sub and #hits < want and ng > 0 and redis.call('EXISTS', unpack(grams)) == ng then
    local k = want - #hits
    -- hit returns the name and id of a gram-set member when it is a hit at
    -- tier substring that passes the filter.
    --
    -- Organizations whose reference, contract or digits start with the
    -- text are prefix hits; when they are few their ids are read once
    -- (pre), otherwise each candidate's keys are read from its meta.
    local pre
    if count(zr, fold) + count(zc, fold) + count(zd, digits) <= preLimit then
      pre = {}
      for _, r in ipairs({{zr, fold}, {zc, fold}, {zd, digits}}) do
        for _, m in ipairs(prefixed(r[1], r[2])) do
          pre[string.sub(m, -36)] = true
        end
      end
    end
    local function hit(m)
      -- Most members do not hold the text: test before splitting.
      if not string.find(m, fold, 1, true) then return nil end
      local name, id = nameID(m)
      if exact[id] or not string.find(name, fold, 1, true) then return nil end
      if pre then
        if not (pre[id] or starts(name, fold)) and passes(id) then return name, id end
        return nil
      end
      local f = metaKeys(id)
      if f and tierOf(f[1], f[2], f[3], f, 4) == 3 and passes(id) then return name, id end
    end
    -- The rarest gram sets, smallest first. Intersecting the three
    -- smallest finds every name that holds all of them, and hit tests the
    -- whole text: the larger sets (a long name has some that hold most
    -- organizations) would cost more to probe than they leave out.
    local sized = {}
    for j = 1, ng do sized[j] = {grams[j], redis.call('ZCARD', grams[j])} end
    table.sort(sized, function(a, b) return a[2] < b[2] end)
    local rare = {}
    for j = 1, math.min(3, ng) do rare[j] = sized[j][1] end
    local function read()
      local got = {}
      local args = {#rare}
      for j = 1, #rare do args[j + 1] = rare[j] end
      for _, m in ipairs(redis.call('ZINTER', unpack(args))) do
        local name, id = hit(m)
        if name and afterCursor(3, name, id) then
          got[#got + 1] = {name, id}
          if #got >= k then break end
        end
      end
      return got
    end
    local smallest, size = sized[1][1], sized[1][2]
    -- walkSmallest walks the smallest set for k hits, returning whether
    -- it finished within budget and the hits.
    local function walkSmallest(budget, expect)
      local got = {}
      local done = walk(smallest, walkStart(3), budget, expect, function(m)
        local name, id = hit(m)
        if name then
          got[#got + 1] = {name, id}
          return #got >= k
        end
      end)
      return done, got
    end
    if size <= walkWhole then
      -- The budget covers the whole set, so the walk always finishes.
      local _, got = walkSmallest(size + batch, 4 * k)
      take(3, got)
    else
      -- Walking the smallest set costs about k * size / matches steps,
      -- reading the intersection one per member.
      local limit = math.max(math.ceil(math.sqrt(rSub * k * size / math.max(share, 1e-9))), 1)
      local c = size
      if #rare > 1 then
        local args = {#rare}
        for j = 1, #rare do args[j + 1] = rare[j] end
        args[#args + 1] = 'LIMIT'
        args[#args + 1] = string.format('%d', math.min(limit, 2147483647))
        c = redis.call('ZINTERCARD', unpack(args))
      end
      if c > 0 and c >= limit then
        local expect = k * size / math.max(c * share, 1)
        local done, got = walkSmallest(math.ceil(slack * expect) + batch, expect)
        take(3, done and got or read())
      elseif c > 0 then
        take(3, read())
      end
    end
  end
end

local out = {}
if #hits > 0 then
  -- A hit found in the name set carries its keys in the member. For the
  -- others the script sends the name it ranked them by, and Go takes the
  -- other keys from the organization: reading and sending their metas
  -- cost a page of 21 such hits about a sixth of its time.
  local ids = {}
  for j, h in ipairs(hits) do ids[j] = h[2] end
  local os = redis.call('HMGET', orgs, unpack(ids))
  for j, h in ipairs(hits) do
    out[#out + 1] = tostring(h[1])
    out[#out + 1] = h[2]
    out[#out + 1] = h[3] and 'n' .. h[3] or 'k' .. h[4]
    out[#out + 1] = os[j] or ''
  end
end
return out
`)

// defaultTuning holds walk ratios near what a walk step (read a member
// into the script, test it for the text) costs relative to a read step
// (read a candidate into the script, place it; for substrings and filtered
// listings also read its meta), measured on Redis 7.0 with the benchmarks
// at 100,000 organizations, where moving one element into Lua dominates
// both. walkWhole was chosen at 1,000,000 organizations, where walking
// whole sets of 1,024 to 4,096 members did equally well.
var defaultTuning = tuning{prefixRatio: 1.0, substringRatio: 0.35, listRatio: 0.6, batch: 256, slack: 4, preLimit: 1000, walkWhole: 2048, rankLimit: 512}

// tuning steers pageScript: how it weighs walking against reading, how
// many members one ZRANGEBYLEX reads, and how far past its expected length
// a walk goes before reading after all.
type tuning struct {
	prefixRatio, substringRatio, listRatio float64
	batch                                  int
	slack                                  float64
	// preLimit is the most prefix hits by reference, contract or digits
	// that the substring tier reads to leave out, rather than reading each
	// candidate's meta.
	preLimit int
	// walkWhole is the largest smallest gram set that the substring tier
	// walks whole rather than count the intersection first.
	walkWhole int
	// rankLimit is the most members a range that rankedPage must read
	// whole may hold; 0 leaves every page to pageScript.
	rankLimit int
}

// page answers a search that is not by id and asks no count: with
// rankedPage when it can be sure of the page, else with one pageScript
// call.
func (x *searcher) page() (org.SearchResult, error) {
	if res, ok, err := x.rankedPage(); ok || err != nil {
		return res, err
	}
	t, ks := x.plan.Terms, x.ks
	keys := []string{ks.names(), ks.meta(), ks.orgs(), ks.refs(), ks.contracts(), ks.digits(), ks.digitPrefixes()}
	keys = append(keys, x.filterKeys...)
	var grams []string
	if t.Substring() {
		grams = textGrams(t.Fold)
		for _, g := range grams {
			keys = append(keys, ks.gram(g))
		}
	}
	var aTier search.Tier
	var aName, aID string
	nameStart := "[" + t.Fold
	if a := x.plan.After; a != nil {
		aTier, aName, aID = a.Tier, a.Name, a.ID
		if after := afterName(a.Name, a.ID); a.Tier == search.TierPrefix && after[1:] > t.Fold {
			nameStart = after
		}
	}
	sub := ""
	if t.Substring() {
		sub = "1"
	}
	tu := x.s.tuning
	v, err := pageScript.Run(x.ctx, x.s.c, keys, t.Fold, t.Digits, sub, x.plan.Limit+1, int(aTier), aName, aID,
		len(x.filterKeys), len(grams), tu.prefixRatio, tu.substringRatio, tu.listRatio, nameStart,
		tu.batch, tu.slack, tu.preLimit, tu.walkWhole).StringSlice()
	if err != nil {
		return org.SearchResult{}, translate(err)
	}
	var res org.SearchResult
	for i := 0; i+3 < len(v); i += 4 {
		tier, id, sent, body := v[i], v[i+1], v[i+2], v[i+3]
		if body == "" {
			continue // unreachable: the script read it with the index
		}
		n, err := strconv.Atoi(tier)
		if err != nil {
			return org.SearchResult{}, fmt.Errorf("redis: search script returned tier %q", tier)
		}
		h, err := x.pageHit(search.Tier(n), id, sent, body)
		if err != nil {
			return org.SearchResult{}, err
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// pageHit decodes a page's hit: the organization body, found at tier by
// the keys sent ("n" and its name-set member, or "k" and its name fold; see
// hitKeys). It checks that Go matches the organization at the same tier.
func (x *searcher) pageHit(tier search.Tier, id, sent, body string) (org.Hit, error) {
	t := x.plan.Terms
	o, err := decodeOrg([]byte(body))
	if err != nil {
		return org.Hit{}, err
	}
	keys, err := hitKeys(id, sent, o)
	if err != nil {
		return org.Hit{}, err
	}
	match, ok := t.Match(keys)
	placed := func() bool { return ok && match.Tier == tier }
	if !placed() && strings.HasPrefix(sent, "k") {
		// The hit was ranked by its stored keys, which a release that
		// changed folding would leave unlike the keys folded now: match
		// it by them, as stored.
		if keys, err = x.storedKeys(id); err != nil {
			return org.Hit{}, err
		}
		match, ok = t.Match(keys)
	}
	if !placed() {
		return org.Hit{}, fmt.Errorf("redis: search placed organization %s at tier %d, Go matches it as %v", id, tier, match)
	}
	return org.Hit{Organization: o, Match: match}, nil
}

// storedKeys returns the search keys of organization id as its meta holds
// them.
func (x *searcher) storedKeys(id string) (search.Keys, error) {
	str, err := x.s.c.HGet(x.ctx, x.ks.meta(), id).Result()
	if err != nil {
		return search.Keys{}, translate(err)
	}
	m, err := decodeMeta(str)
	if err != nil {
		return search.Keys{}, err
	}
	return m.searchKeys(id), nil
}
