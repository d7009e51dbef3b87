// A local GitHub Actions cache service v2, the one GitHub's runners offer (v1 is gone), for the e2e tests: the
// Twirp JSON endpoints under ACTIONS_RESULTS_URL and the Azure-blob-style signed URLs they hand out, as BuildKit's
// vendored go-actions-cache (cache_v2.go) and the Azure blob SDK use them. Protocol facts and why each matters:
// ../../../shared/notes/gha-cache-protocol.md. In short:
// - a job gets ACTIONS_CACHE_SERVICE_V2=true, ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN (buildx >= 0.21 hands
//   them to BuildKit as url_v2/token); with any of them empty buildx silently drops the gha entries;
// - ACTIONS_RUNTIME_TOKEN is a JWT whose `ac` claim (a JSON string) lists git-ref scopes with permission bits
//   (1 read, 2 write); the client never checks the signature. Writes go to the LAST writable ref; lookups search
//   every readable ref in token order (how GitHub lets a PR read its base branch's entries);
// - GetCacheEntryDownloadURL matches the key, then each restore key, as PREFIXES, newest first, with version
//   equality, or BuildKit's imports silently miss (its index lookup is `index-<scope>-1-<hash>#`);
// - CreateCacheEntry answers 409 `already_exists` for a key that exists (the exporter then skips a blob, or
//   takes the next index generation); FinalizeCacheEntryUpload checks the size against the uploaded bytes;
// - blobs: Put Block (`comp=block&blockid=`) + Put Block List (`comp=blocklist`, XML), or one Put Blob; Get Blob
//   honours `x-ms-range`/`Range: bytes=N-`. Every blob answer carries `x-ms-request-id` (the SDK dereferences it).
// Every call is recorded (in memory, and as JSONL when `logFile` is given) under the same operation names as the
// tests query (lookup, reserve, upload, commit, download), with the bake cache scope parsed from BuildKit's index
// keys (`index-<scope>-1-<sha256(ref)[:8]>#<generation>`), so tests can say which scopes a build read and wrote.
import { createHash, randomBytes } from 'node:crypto'
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

/** Twirp path prefix of the cache service's methods. */
export const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'

/**
 * Starts the service on 127.0.0.1 (dockerd's BuildKit makes the calls, and reaches the host's loopback).
 * @param {object} [o]
 * @param {number} [o.port] 0 (default) picks a free port
 * @param {string} [o.host]
 * @param {string} [o.logFile] append every event as a JSON line
 */
export async function startGhaCache({ port = 0, host = '127.0.0.1', logFile } = {}) {
  // {id, key, version, scope, seq, created, sig, blocks: Map, blob: Buffer?, data: Buffer?, committed}
  const entries = []
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
    const body = JSON.stringify(json)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }
  /** A Twirp error: `{code, msg}` with the HTTP status Twirp maps the code to. */
  const twirpError = (res, status, code, msg) => sendJson(res, status, { code, msg })
  const blobHeaders = extra => ({
    'x-ms-request-id': randomBytes(8).toString('hex'),
    'x-ms-version': '2025-01-05',
    ...extra
  })

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

  const blobUrl = entry => `${base}blob/${entry.id}?sv=2025-01-05&sr=b&sig=${entry.sig}`

  const methods = {
    GetCacheEntryDownloadURL(body, scopes) {
      const keys = [body.key, ...(body.restore_keys ?? [])].filter(Boolean)
      const hit = lookup(keys, body.version ?? '', scopes)
      record({
        op: 'lookup',
        key: body.key ?? keys[0] ?? '',
        keys,
        hit: Boolean(hit),
        matchedKey: hit?.key,
        ref: hit?.scope,
        versionOk: body.version === BUILDKIT_CACHE_VERSION
      })
      if (!hit) return [200, { ok: false, signed_download_url: '', matched_key: '' }]
      return [200, { ok: true, signed_download_url: blobUrl(hit), matched_key: hit.key }]
    },
    CreateCacheEntry(body, scopes) {
      const { key, version } = body
      if (!key || !version) return [400, { code: 'invalid_argument', msg: 'key and version are required' }]
      const writable = scopes.filter(s => s.Permission & PERMISSION_WRITE)
      const ref = writable.length ? writable[writable.length - 1].Scope : undefined
      if (!ref) {
        record({ op: 'reserve', key, status: 403 })
        return [403, { code: 'permission_denied', msg: 'the token grants no writable scope' }]
      }
      if (entries.some(e => e.key === key && e.version === version && e.scope === ref)) {
        record({ op: 'reserve', key, ref, status: 409 })
        return [409, { code: 'already_exists', msg: `cache entry ${key} already exists in ${ref}` }]
      }
      const entry = { id: nextId++, key, version, scope: ref, sig: randomBytes(12).toString('hex') }
      Object.assign(entry, { blocks: new Map(), committed: false })
      entries.push(entry)
      record({ op: 'reserve', key, ref, id: entry.id, status: 200 })
      return [200, { ok: true, signed_upload_url: blobUrl(entry) }]
    },
    FinalizeCacheEntryUpload(body, scopes) {
      const writable = scopes.filter(s => s.Permission & PERMISSION_WRITE).map(s => s.Scope)
      const entry = entries.find(
        e => e.key === body.key && e.version === body.version && !e.committed && writable.includes(e.scope)
      )
      if (!entry) return [404, { code: 'not_found', msg: `no pending cache entry ${body.key}` }]
      const size = Number(body.size_bytes)
      const got = entry.blob?.length ?? -1
      if (got !== size) {
        record({ op: 'commit', key: entry.key, ref: entry.scope, id: entry.id, status: 400, size })
        return [400, { code: 'invalid_argument', msg: `size ${size} differs from the ${got} bytes uploaded` }]
      }
      Object.assign(entry, {
        data: entry.blob,
        size,
        committed: true,
        seq: ++seq,
        created: new Date().toISOString()
      })
      record({ op: 'commit', key: entry.key, ref: entry.scope, id: entry.id, status: 200, size })
      return [200, { ok: true, entry_id: String(entry.id) }]
    }
  }

  /** Azure blob operations on a signed URL: the signature in the URL is the only authority, as with Azure. */
  const blob = async (req, res, url, entry) => {
    const comp = url.searchParams.get('comp')
    if (req.method === 'PUT') {
      if (entry.committed) {
        res.writeHead(409, blobHeaders({ 'x-ms-error-code': 'BlobAlreadyExists' }))
        return res.end()
      }
      const data = await readBody(req)
      if (comp === 'block') {
        entry.blocks.set(url.searchParams.get('blockid'), data)
        record({
          op: 'upload',
          key: entry.key,
          ref: entry.scope,
          id: entry.id,
          bytes: data.length,
          block: true
        })
      } else if (comp === 'blocklist') {
        const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\//g)].map(
          m => m[1]
        )
        const missing = ids.filter(id => !entry.blocks.has(id))
        if (missing.length) {
          res.writeHead(400, blobHeaders({ 'x-ms-error-code': 'InvalidBlockList' }))
          return res.end()
        }
        entry.blob = Buffer.concat(ids.map(id => entry.blocks.get(id)))
        entry.blocks.clear()
        record({ op: 'blocklist', key: entry.key, ref: entry.scope, id: entry.id, bytes: entry.blob.length })
      } else {
        entry.blob = data
        record({
          op: 'upload',
          key: entry.key,
          ref: entry.scope,
          id: entry.id,
          bytes: data.length,
          block: false
        })
      }
      res.writeHead(201, blobHeaders({ etag: `"${entry.id}-${seq}"`, 'content-length': 0 }))
      return res.end()
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!entry.committed) {
        res.writeHead(404, blobHeaders({ 'x-ms-error-code': 'BlobNotFound' }))
        return res.end()
      }
      const total = entry.data.length
      const range = String(req.headers['x-ms-range'] ?? req.headers.range ?? '').match(/^bytes=(\d+)-(\d*)$/)
      let start = 0
      let end = total - 1
      if (range) {
        start = Number(range[1])
        if (range[2]) end = Math.min(Number(range[2]), total - 1)
        if (start >= total && total > 0) {
          res.writeHead(416, blobHeaders({ 'content-range': `bytes */${total}` }))
          return res.end()
        }
      }
      const slice = entry.data.subarray(start, end + 1)
      const headers = blobHeaders({
        'content-type': 'application/octet-stream',
        'content-length': slice.length,
        'x-ms-blob-type': 'BlockBlob',
        'accept-ranges': 'bytes',
        etag: `"${entry.id}"`,
        'last-modified': new Date(entry.created).toUTCString()
      })
      if (range) headers['content-range'] = `bytes ${start}-${end}/${total}`
      if (req.method === 'GET') {
        record({ op: 'download', key: entry.key, ref: entry.scope, id: entry.id, bytes: slice.length, start })
      }
      res.writeHead(range ? 206 : 200, headers)
      return res.end(req.method === 'GET' ? slice : undefined)
    }
    res.writeHead(405, blobHeaders({}))
    return res.end()
  }

  const handle = async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const p = url.pathname
    let m
    if ((m = p.match(/^\/blob\/(\d+)$/))) {
      const entry = entries.find(e => e.id === Number(m[1]))
      if (!entry || url.searchParams.get('sig') !== entry.sig) {
        record({ op: 'unauthorized', path: p, message: 'bad blob signature' })
        res.writeHead(403, blobHeaders({ 'x-ms-error-code': 'AuthenticationFailed' }))
        return res.end()
      }
      return blob(req, res, url, entry)
    }
    if (!p.startsWith(TWIRP) || req.method !== 'POST') {
      return twirpError(res, 404, 'bad_route', `no route ${req.method} ${p}`)
    }
    const method = methods[p.slice(TWIRP.length)]
    if (!method) return twirpError(res, 404, 'bad_route', `no method ${p.slice(TWIRP.length)}`)
    let scopes
    try {
      scopes = auth(req)
    } catch (e) {
      record({ op: 'unauthorized', path: p, message: e.message })
      return twirpError(res, 401, 'unauthenticated', e.message)
    }
    let body
    try {
      body = JSON.parse((await readBody(req)).toString('utf8') || '{}')
    } catch {
      return twirpError(res, 400, 'malformed', 'the body is not JSON')
    }
    const [status, json] = method(body, scopes)
    return sendJson(res, status, json)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      record({ op: 'error', path: req.url, message: e.message })
      if (!res.headersSent) twirpError(res, 500, 'internal', e.message)
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
    /** ACTIONS_RESULTS_URL, with the trailing slash runners give it. */
    url: base,
    port: actualPort,
    events,
    entries,
    mintToken,
    /** The variables a runner gives a job step for a token with these scopes (e.g. `refs/heads/main:rw`). */
    env(scopes) {
      return {
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_RESULTS_URL: base,
        ACTIONS_RUNTIME_TOKEN: mintToken(scopes)
      }
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
    /** Bake cache scopes whose index was finalized (a build wrote them). */
    writtenScopes(mark = 0) {
      return uniq(indexEvents(mark, 'commit', e => e.status === 200).map(e => e.bkScope))
    },
    /** Every write attempt (CreateCacheEntry), successful or not, after `mark`. */
    writeAttempts(mark = 0) {
      return events.slice(mark).filter(e => e.op === 'reserve')
    },
    close() {
      server.closeAllConnections?.()
      return new Promise(resolve => server.close(() => resolve()))
    }
  }
}

// `node scripts/harness/gha-cache.mjs [port] [scope...]` serves until killed and prints the job's variables.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? 0)
  const scopes = process.argv.slice(3)
  const svc = await startGhaCache({ port })
  const env = svc.env(scopes.length ? scopes : ['refs/heads/main:rw'])
  for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`)
}
