// A fault-injecting HTTP proxy for tests: forwards every request to a target on 127.0.0.1 (e.g. the local
// registry) unchanged — Host header included, so the registry's upload Location URLs point back at the proxy —
// except the first `failures` requests matching `match` (method + path), which get `status` (503 by default,
// with an optional Retry-After; or, with `reset`, a dropped connection) without reaching the target. Every
// request is recorded. With `paginateTags: n`, tag lists are served in pages of at most n (or the request's
// `n`) with a `Link: <…?last=…&n=…>; rel="next"` header, as distribution 3 and GHCR do — distribution 2.8
// ignores `n` on tags/list and always answers with one page.
//
// Library: `const p = await startFlakyProxy({ target: 'http://127.0.0.1:5000', failures: 2 })`; `p.url`,
// `p.requests` ([{method, path, status, injected}]), `p.injected`, `p.setFailures(n)`, `p.close()`.
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
  port = 0
} = {}) {
  const to = new URL(target)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(to.hostname))
    throw new Error('flaky-proxy: local targets only')
  const matches = typeof match === 'function' ? match : req => match.test(`${req.method} ${req.url}`)
  const requests = []
  let left = failures
  let injected = 0
  const server = http.createServer((req, res) => {
    const record = { method: req.method, path: req.url, status: 0, injected: false }
    requests.push(record)
    if (left > 0 && matches(req)) {
      left--
      injected++
      record.status = reset ? 'reset' : status
      record.injected = true
      if (reset) return req.socket.destroy()
      req.resume()
      const headers = {
        'content-type': 'application/json',
        'docker-distribution-api-version': 'registry/2.0'
      }
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
      res.writeHead(status, headers)
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected by flaky-proxy' }] }))
      return
    }
    const tagsList = /^\/v2\/(.+)\/tags\/list(?:\?.*)?$/.exec(req.url)
    if (paginateTags > 0 && req.method === 'GET' && tagsList) return paginate(req, res, record, tagsList[1])
    const upstream = http.request(
      {
        host: to.hostname.replace(/^\[|\]$/g, ''),
        port: to.port || 80,
        method: req.method,
        path: req.url,
        headers: req.headers
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
  function paginate(req, res, record, name) {
    const query = new URL(req.url, 'http://proxy').searchParams
    const n = Number(query.get('n') ?? paginateTags) || paginateTags
    const last = query.get('last')
    const headers = { ...req.headers }
    const upstream = http.request(
      { host: to.hostname, port: to.port || 80, method: 'GET', path: `/v2/${name}/tags/list`, headers },
      up => {
        let body = ''
        up.on('data', d => (body += d))
        up.on('end', () => {
          record.status = up.statusCode
          if (up.statusCode !== 200) {
            res.writeHead(up.statusCode, up.headers)
            return res.end(body)
          }
          const all = (JSON.parse(body).tags ?? []).sort()
          const rest = last ? all.filter(t => t > last) : all
          const page = rest.slice(0, n)
          const out = { 'content-type': 'application/json; charset=utf-8' }
          if (rest.length > n)
            out.link = `</v2/${name}/tags/list?last=${encodeURIComponent(page[page.length - 1])}&n=${n}>; rel="next"`
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
