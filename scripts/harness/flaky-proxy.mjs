// A fault-injecting HTTP proxy for tests: forwards every request to a target on 127.0.0.1 (e.g. the local
// registry) unchanged — Host header included, so the registry's upload Location URLs point back at the proxy —
// except the first `failures` requests matching `match` (method + path), which get `status` (503 by default,
// with an optional Retry-After; or, with `reset`, a dropped connection) without reaching the target. Every
// request is recorded. With `paginateTags: n`, tag lists are served in pages of at most n (or the request's
// `n`) with a `Link: <…?last=…&n=…>; rel="next"` header, as distribution 3 and GHCR do — distribution 2.8
// ignores `n` on tags/list and always answers with one page.
//
// The fault matrix adds: `status: [503, 429]` (injected statuses in turn); `bursts: {every, length}` (of every
// `every` matching requests, the first `length` fail — a retry of a failed request is the next one, so each burst
// is `length` failures in a row); `tokenAuth: {username, password, tokenUses}` (a token-auth registry in front of
// the open one: 401 + `Bearer realm=…/token` challenges, tokens for Basic credentials, each token revoked after
// `tokenUses` requests — a token that expires mid-run — and the Authorization header never forwarded);
// `redirect: {match, to, status}` (matching requests are sent to another origin, e.g. a second proxy, with 307);
// `syntheticTags: [...]` (extra tags in every tag list, e.g. 10,000 of them, paged with `paginateTags`);
// `linkOrigin` (next-page Links point at another origin, e.g. a second proxy serving the same pages).
// Every request records whether it carried credentials (`auth`: 'basic' | 'bearer' | 'none', never the value).
//
// Library: `const p = await startFlakyProxy({ target: 'http://127.0.0.1:5000', failures: 2 })`; `p.url`,
// `p.requests` ([{method, path, status, injected, auth}]), `p.injected`, `p.tokensIssued`, `p.expiredTokens`,
// `p.redirected`, `p.setFailures(n)`, `p.close()`.
// CLI:     `node scripts/harness/flaky-proxy.mjs --target http://127.0.0.1:5000 --port 5002 --failures 2
//           [--match 'PUT /v2/.+/manifests/'] [--status 503] [--retry-after 1]` (prints its URL; Ctrl-C stops).
import http from 'node:http'
import { pathToFileURL } from 'node:url'

export async function startFlakyProxy({
  target,
  failures = 0,
  match = /./,
  status = 503,
  retryAfter,
  reset = false,
  paginateTags = 0,
  bursts,
  tokenAuth,
  redirect,
  syntheticTags = [],
  linkOrigin = '',
  port = 0
} = {}) {
  const to = new URL(target)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(to.hostname))
    throw new Error('flaky-proxy: local targets only')
  const matches = typeof match === 'function' ? match : req => match.test(`${req.method} ${req.url}`)
  const requests = []
  const statuses = Array.isArray(status) ? status : [status]
  let left = failures
  let injected = 0
  let matching = 0
  let tokensIssued = 0
  let expiredTokens = 0
  let redirected = 0
  const tokens = new Map() // token -> uses left
  const fault = req => {
    if (!matches(req)) return false
    if (bursts) return matching++ % bursts.every < bursts.length
    if (left <= 0) return false
    left--
    return true
  }
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? ''
    const record = {
      method: req.method,
      path: req.url,
      status: 0,
      injected: false,
      at: Date.now(),
      auth: /^bearer /i.test(auth) ? 'bearer' : /^basic /i.test(auth) ? 'basic' : 'none'
    }
    requests.push(record)
    if (tokenAuth && !authorized(req, res, record)) return
    if (fault(req)) {
      const injectedStatus = statuses[injected % statuses.length]
      injected++
      record.status = reset ? 'reset' : injectedStatus
      record.injected = true
      if (reset) return req.socket.destroy()
      req.resume()
      const headers = {
        'content-type': 'application/json',
        'docker-distribution-api-version': 'registry/2.0'
      }
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
      res.writeHead(injectedStatus, headers)
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected by flaky-proxy' }] }))
      return
    }
    if (redirect && redirect.match.test(`${req.method} ${req.url}`)) {
      redirected++
      record.status = redirect.status ?? 307
      req.resume()
      res.writeHead(record.status, { location: `${redirect.to}${req.url}` })
      return res.end()
    }
    const tagsList = /^\/v2\/(.+)\/tags\/list(?:\?.*)?$/.exec(req.url)
    if ((paginateTags > 0 || syntheticTags.length) && req.method === 'GET' && tagsList)
      return paginate(req, res, record, tagsList[1])
    const headers = { ...req.headers }
    // The token-auth front's credentials are its own: the registry behind it is open.
    if (tokenAuth) delete headers.authorization
    const upstream = http.request(
      {
        host: to.hostname.replace(/^\[|\]$/g, ''),
        port: to.port || 80,
        method: req.method,
        path: req.url,
        headers
      },
      up => {
        record.status = up.statusCode
        res.writeHead(up.statusCode, up.statusMessage, up.rawHeaders)
        up.pipe(res)
      }
    )
    upstream.on('error', err => {
      record.status = 502
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`flaky-proxy: upstream error: ${err.message}`)
    })
    req.pipe(upstream)
  })
  /** Token auth in front of the registry; false when it answered the request itself (token or 401). */
  function authorized(req, res, record) {
    const url = new URL(req.url, 'http://proxy')
    if (url.pathname === '/token') {
      req.resume()
      const basic = tokenAuth.username
        ? `Basic ${Buffer.from(`${tokenAuth.username}:${tokenAuth.password}`).toString('base64')}`
        : undefined
      if (basic && req.headers.authorization !== basic) {
        record.status = 401
        res.writeHead(401, { 'content-type': 'application/json' })
        res.end('{"details":"incorrect username or password"}')
        return false
      }
      const token = `tok-${++tokensIssued}-${Math.random().toString(36).slice(2)}`
      tokens.set(token, tokenAuth.tokenUses ?? Infinity)
      record.status = 200
      res.writeHead(200, { 'content-type': 'application/json' })
      // Claims a long life: the proxy revokes it after tokenUses requests, as a registry may.
      res.end(JSON.stringify({ token, expires_in: 300 }))
      return false
    }
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const uses = given ? tokens.get(given) : undefined
    if (uses !== undefined && uses > 0) {
      tokens.set(given, uses - 1)
      return true
    }
    if (uses === 0) expiredTokens++
    req.resume()
    const repo = /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(url.pathname)?.[1]
    const actions = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'pull,push'
    const scope = repo ? `,scope="repository:${repo}:${actions}"` : ''
    record.status = 401
    res.writeHead(401, {
      'content-type': 'application/json',
      'docker-distribution-api-version': 'registry/2.0',
      'www-authenticate': `Bearer realm="http://127.0.0.1:${server.address().port}/token",service="flaky-proxy"${scope}`
    })
    res.end(
      JSON.stringify({
        errors: [{ code: 'UNAUTHORIZED', message: uses === 0 ? 'token expired' : 'authentication required' }]
      })
    )
    return false
  }

  function paginate(req, res, record, name) {
    const query = new URL(req.url, 'http://proxy').searchParams
    const pageSize = paginateTags || Infinity
    const n = Number(query.get('n') ?? pageSize) || pageSize
    const last = query.get('last')
    const headers = { ...req.headers }
    if (tokenAuth) delete headers.authorization
    const upstream = http.request(
      { host: to.hostname, port: to.port || 80, method: 'GET', path: `/v2/${name}/tags/list`, headers },
      up => {
        let body = ''
        up.on('data', d => (body += d))
        up.on('end', () => {
          record.status = up.statusCode
          if (up.statusCode !== 200 && !(up.statusCode === 404 && syntheticTags.length)) {
            res.writeHead(up.statusCode, up.headers)
            return res.end(body)
          }
          const real = up.statusCode === 200 ? (JSON.parse(body).tags ?? []) : []
          const all = [...new Set([...real, ...syntheticTags])].sort()
          const rest = last ? all.filter(t => t > last) : all
          const page = rest.slice(0, n)
          const out = { 'content-type': 'application/json; charset=utf-8' }
          if (rest.length > n)
            out.link = `<${linkOrigin}/v2/${name}/tags/list?last=${encodeURIComponent(page[page.length - 1])}&n=${n}>; rel="next"`
          res.writeHead(200, out)
          res.end(JSON.stringify({ name, tags: page }))
        })
      }
    )
    upstream.on('error', err => {
      record.status = 502
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`flaky-proxy: upstream error: ${err.message}`)
    })
    upstream.end()
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address()
  return {
    url: `http://127.0.0.1:${address.port}`,
    host: `127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    get injected() {
      return injected
    },
    get tokensIssued() {
      return tokensIssued
    },
    get expiredTokens() {
      return expiredTokens
    },
    get redirected() {
      return redirected
    },
    setFailures(n) {
      left = n
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const opt = name => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : undefined
  }
  const proxy = await startFlakyProxy({
    target: opt('target') ?? 'http://127.0.0.1:5000',
    port: Number(opt('port') ?? 0),
    failures: Number(opt('failures') ?? 0),
    match: opt('match') ? new RegExp(opt('match')) : /./,
    status: Number(opt('status') ?? 503),
    retryAfter: opt('retry-after'),
    reset: args.includes('--reset'),
    paginateTags: Number(opt('paginate-tags') ?? 0)
  })
  console.log(proxy.url)
  const stop = async () => {
    for (const r of proxy.requests)
      console.error(`${r.injected ? 'INJECTED ' : ''}${r.status} ${r.method} ${r.path}`)
    await proxy.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
