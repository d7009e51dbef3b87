// A local GitHub Actions cache service (the v1 REST API BuildKit 0.13's type=gha cache speaks), for the e2e tests.
// Protocol facts, quirks and why each matters: ../../../shared/notes/gha-cache-protocol.md. In short:
// - ACTIONS_CACHE_URL must end with "/" (the vendored client appends "_apis/..." without a separator);
// - ACTIONS_RUNTIME_TOKEN is a JWT whose `ac` claim (a JSON string) lists git-ref scopes with permission bits
//   (1 read, 2 write); the client never checks the signature. Writes go to the LAST writable ref; lookups search
//   every readable ref in token order (how GitHub lets a PR read its base branch's entries);
// - lookups are prefix matches, newest first, and need version equality, or BuildKit's imports silently miss;
// - reserve answers 409 for a key that exists; PATCH takes `Content-Range: bytes a-b/*` chunks in any order;
//   commit checks the size; downloads honour `Range: bytes=N-`.
// Every call is recorded (in memory, and as JSONL when `logFile` is given) with the bake cache scope parsed from
// BuildKit's index keys (`index-<scope>-1-<sha256(ref)[:8]>#<generation>`), so tests can say which scopes a
// build read (lookup hits) and wrote (index commits).
import { createHash } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import http from 'node:http'
import { pathToFileURL } from 'node:url'

/** The `version` BuildKit sends with every call: sha256("|go-actionscache-1.0"). */
export const BUILDKIT_CACHE_VERSION = createHash('sha256').update('|go-actionscache-1.0').digest('hex')

export const PERMISSION_READ = 1
export const PERMISSION_WRITE = 2

const b64url = value =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/**
 * Parses scope specs. Accepts `{scope, permission}` objects or strings `refs/heads/main:rw` (`r`, `w`, `rw`).
 * @returns {{Scope: string, Permission: number}[]}
 */
export function parseScopes(scopes) {
  return scopes.map(s => {
    if (typeof s !== 'string') return { Scope: s.scope ?? s.Scope, Permission: s.permission ?? s.Permission }
    const m = s.match(/^(.+):(r|w|rw|wr)$/)
    if (!m) throw new Error(`bad cache scope spec "${s}" (expected <git ref>:r|w|rw)`)
    const permission =
      (m[2].includes('r') ? PERMISSION_READ : 0) | (m[2].includes('w') ? PERMISSION_WRITE : 0)
    return { Scope: m[1], Permission: permission }
  })
}

/**
 * Mints an ACTIONS_RUNTIME_TOKEN as the runner hands it to a job: an HS256 JWT (signature unchecked by clients)
 * with `ac` (JSON string of scopes), `exp` in the future and `nbf` backdated 60 s.
 */
export function mintToken(scopes, { ttlSeconds = 3600, now = Date.now() } = {}) {
  const t = Math.floor(now / 1000)
  const header = b64url({ typ: 'JWT', alg: 'HS256' })
  const payload = b64url({
    ac: JSON.stringify(parseScopes(scopes)),
    nbf: t - 60,
    iat: t - 60,
    exp: t + ttlSeconds
  })
  const signature = createHash('sha256').update(`${header}.${payload}.multiarch-e2e`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

/** Decodes and checks a token as the service would; throws a message for a 401 otherwise. */
export function verifyToken(token, now = Date.now()) {
  const parts = (token ?? '').split('.')
  if (parts.length !== 3) throw new Error('token contains an invalid number of segments')
  let claims
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  } catch {
    throw new Error('token payload is not JSON')
  }
  const t = now / 1000
  if (typeof claims.exp !== 'number' || claims.exp <= t) throw new Error('token is expired')
  if (typeof claims.nbf !== 'number' || claims.nbf > t) throw new Error('token is not valid yet')
  if (typeof claims.ac !== 'string') throw new Error('token has no "ac" claim')
  const scopes = JSON.parse(claims.ac)
  if (!Array.isArray(scopes)) throw new Error('token "ac" claim is not a list')
  return scopes
}

/** sha256(ref)[:8], the ref hash BuildKit puts into index keys. */
export function refHash(ref) {
  return createHash('sha256').update(ref).digest('hex').slice(0, 8)
}

/** Classifies a cache key: BuildKit index (with its bake scope), blob, or other. */
export function parseKey(key) {
  const index = key.match(/^index-(.+)-1-([0-9a-f]{8})(?:#(\d*))?$/)
  if (index) {
    return {
      kind: 'index',
      bkScope: index[1],
      refHash: index[2],
      generation: index[3] ? Number(index[3]) : undefined
    }
  }
  if (key.startsWith('buildkit-blob-')) return { kind: 'blob' }
  return { kind: 'other' }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Starts the service on 127.0.0.1.
 * @param {object} [o]
 * @param {number} [o.port] 0 (default) picks a free port
 * @param {string} [o.host]
 * @param {string} [o.logFile] append every event as a JSON line
 */
export async function startGhaCache({ port = 0, host = '127.0.0.1', logFile } = {}) {
  const entries = [] // {id, key, version, scope, seq, created, chunks: [{start, data}], size, data, committed}
  const events = []
  let nextId = 1
  let seq = 0
  let base = ''

  const record = event => {
    const e = { time: new Date().toISOString(), ...event }
    if (e.key) Object.assign(e, parseKey(e.key))
    events.push(e)
    if (logFile) appendFileSync(logFile, JSON.stringify(e) + '\n')
  }

  const sendJson = (res, status, json) => {
    const body = json === undefined ? '' : JSON.stringify(json)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const auth = req => {
    const m = (req.headers.authorization ?? '').match(/^Bearer\s+(.+)$/i)
    return verifyToken(m ? m[1] : '')
  }

  // For each key in order: for each readable ref in token order: exact match, else newest prefix match.
  const lookup = (keys, version, scopes) => {
    const readable = scopes.filter(s => s.Permission & PERMISSION_READ).map(s => s.Scope)
    for (const key of keys) {
      for (const ref of readable) {
        const candidates = entries.filter(e => e.committed && e.scope === ref && e.version === version)
        const exact = candidates.find(e => e.key === key)
        if (exact) return exact
        const prefix = candidates.filter(e => e.key.startsWith(key)).sort((a, b) => b.seq - a.seq)
        if (prefix.length) return prefix[0]
      }
    }
    return undefined
  }

  const handle = async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const p = url.pathname
    let m

    if ((m = p.match(/^\/download\/(\d+)$/)) && req.method === 'GET') {
      const entry = entries.find(e => e.id === Number(m[1]) && e.committed)
      if (!entry) return sendJson(res, 404, { message: 'cache entry not found' })
      const range = (req.headers.range ?? '').match(/^bytes=(\d+)-(\d*)$/)
      const total = entry.data.length
      let start = 0
      let end = total - 1
      if (range) {
        start = Number(range[1])
        if (range[2]) end = Math.min(Number(range[2]), total - 1)
        if (start >= total && total > 0) {
          res.writeHead(416, { 'content-range': `bytes */${total}` })
          return res.end()
        }
      }
      const slice = entry.data.subarray(start, end + 1)
      record({ op: 'download', key: entry.key, ref: entry.scope, id: entry.id, bytes: slice.length, start })
      const headers = { 'content-type': 'application/octet-stream', 'content-length': slice.length }
      if (range) headers['content-range'] = `bytes ${start}-${end}/${total}`
      res.writeHead(range ? 206 : 200, headers)
      return res.end(slice)
    }

    if (!p.startsWith('/_apis/artifactcache/')) return sendJson(res, 404, { message: `no route ${p}` })
    let scopes
    try {
      scopes = auth(req)
    } catch (e) {
      record({ op: 'unauthorized', path: p, message: e.message })
      return sendJson(res, 401, { message: `unauthorized: ${e.message}` })
    }

    if (p === '/_apis/artifactcache/cache' && req.method === 'GET') {
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean)
      const version = url.searchParams.get('version') ?? ''
      const hit = lookup(keys, version, scopes)
      record({
        op: 'lookup',
        key: keys[0] ?? '',
        keys,
        hit: Boolean(hit),
        matchedKey: hit?.key,
        ref: hit?.scope,
        versionOk: version === BUILDKIT_CACHE_VERSION
      })
      if (!hit) {
        res.writeHead(204)
        return res.end()
      }
      return sendJson(res, 200, {
        cacheKey: hit.key,
        scope: hit.scope,
        cacheVersion: hit.version,
        creationTime: hit.created,
        archiveLocation: `${base}download/${hit.id}`
      })
    }

    if (p === '/_apis/artifactcache/caches' && req.method === 'POST') {
      const { key, version } = JSON.parse((await readBody(req)).toString('utf8') || '{}')
      const writable = scopes.filter(s => s.Permission & PERMISSION_WRITE)
      const ref = writable.length ? writable[writable.length - 1].Scope : undefined
      if (!key || !version) return sendJson(res, 400, { message: 'key and version are required' })
      if (!ref) {
        record({ op: 'reserve', key, status: 403 })
        return sendJson(res, 403, { message: 'the token grants no writable scope' })
      }
      if (entries.some(e => e.key === key && e.version === version && e.scope === ref)) {
        record({ op: 'reserve', key, ref, status: 409 })
        return sendJson(res, 409, {
          message: `Cache already exists. Scope: ${ref}, Key: ${key}, Version: ${version}`,
          typeKey: 'ArtifactCacheAlreadyExistsException'
        })
      }
      const entry = { id: nextId++, key, version, scope: ref, chunks: [], committed: false }
      entries.push(entry)
      record({ op: 'reserve', key, ref, id: entry.id, status: 201 })
      return sendJson(res, 201, { cacheId: entry.id })
    }

    if ((m = p.match(/^\/_apis\/artifactcache\/caches\/(\d+)$/))) {
      const entry = entries.find(e => e.id === Number(m[1]))
      if (!entry) return sendJson(res, 404, { message: `no reserved cache ${m[1]}` })
      if (entry.committed) return sendJson(res, 400, { message: `cache ${entry.id} is already committed` })
      if (req.method === 'PATCH') {
        const range = (req.headers['content-range'] ?? '').match(/^bytes (\d+)-(\d+)\/\*$/)
        const data = await readBody(req)
        if (!range) return sendJson(res, 400, { message: 'Content-Range "bytes a-b/*" is required' })
        const start = Number(range[1])
        if (Number(range[2]) - start + 1 !== data.length)
          return sendJson(res, 400, {
            message: `Content-Range ${range[0]} does not match ${data.length} bytes`
          })
        entry.chunks.push({ start, data })
        record({ op: 'upload', key: entry.key, ref: entry.scope, id: entry.id, start, bytes: data.length })
        res.writeHead(204)
        return res.end()
      }
      if (req.method === 'POST') {
        const { size } = JSON.parse((await readBody(req)).toString('utf8') || '{}')
        const chunks = [...entry.chunks].sort((a, b) => a.start - b.start)
        let offset = 0
        for (const c of chunks) {
          if (c.start !== offset) {
            record({ op: 'commit', key: entry.key, ref: entry.scope, id: entry.id, status: 400, size })
            return sendJson(res, 400, {
              message: `chunks of cache ${entry.id} are not contiguous at ${offset}`
            })
          }
          offset += c.data.length
        }
        if (offset !== size) {
          record({ op: 'commit', key: entry.key, ref: entry.scope, id: entry.id, status: 400, size })
          return sendJson(res, 400, { message: `size ${size} differs from the ${offset} bytes uploaded` })
        }
        entry.data = Buffer.concat(chunks.map(c => c.data))
        entry.chunks = []
        entry.size = size
        entry.committed = true
        entry.seq = ++seq
        entry.created = new Date().toISOString()
        record({ op: 'commit', key: entry.key, ref: entry.scope, id: entry.id, status: 204, size })
        res.writeHead(204)
        return res.end()
      }
    }
    return sendJson(res, 404, { message: `no route ${req.method} ${p}` })
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      record({ op: 'error', path: req.url, message: e.message })
      if (!res.headersSent) sendJson(res, 500, { message: e.message })
      else res.destroy()
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const actualPort = server.address().port
  base = `http://${host}:${actualPort}/`

  const indexEvents = (mark, op, pred) =>
    events.slice(mark).filter(e => e.op === op && e.kind === 'index' && pred(e))
  const uniq = list => [...new Set(list)].sort()

  return {
    /** ACTIONS_CACHE_URL, with the trailing slash the client needs. */
    url: base,
    port: actualPort,
    events,
    entries,
    mintToken,
    /** The two variables the runner gives a job for a token with these scopes (e.g. `refs/heads/main:rw`). */
    env(scopes) {
      return { ACTIONS_CACHE_URL: base, ACTIONS_RUNTIME_TOKEN: mintToken(scopes) }
    },
    /** Marks the current end of the event log; pass it to the queries below to look only at later events. */
    mark() {
      return events.length
    },
    since(mark = 0) {
      return events.slice(mark)
    },
    /** Bake cache scopes whose index was found by a lookup (a build read them). */
    readScopes(mark = 0) {
      return uniq(indexEvents(mark, 'lookup', e => e.hit).map(e => e.bkScope))
    },
    /** Bake cache scopes whose index was committed (a build wrote them). */
    writtenScopes(mark = 0) {
      return uniq(indexEvents(mark, 'commit', e => e.status === 204).map(e => e.bkScope))
    },
    /** Every write attempt (reserve), successful or not, after `mark`. */
    writeAttempts(mark = 0) {
      return events.slice(mark).filter(e => e.op === 'reserve')
    },
    close() {
      server.closeAllConnections?.()
      return new Promise(resolve => server.close(() => resolve()))
    }
  }
}

// `node scripts/harness/gha-cache.mjs [port] [scope...]` serves until killed and prints the two variables.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? 0)
  const scopes = process.argv.slice(3)
  const svc = await startGhaCache({ port })
  const env = svc.env(scopes.length ? scopes : ['refs/heads/main:rw'])
  for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`)
}
