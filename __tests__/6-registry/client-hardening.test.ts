// The registry client as an attacker or a flaky network would treat it, with small fake servers on 127.0.0.1
// (two servers = two origins): credentials stay with the origin that asked for them, plain http only on loopback,
// redirects followed safely, pages and bytes bounded, timeouts per request and per operation, digests verified.
// Each test here failed against the client before these rules (see the commit that added them).
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type http from 'node:http'
import { RegistryClient, type RegistryClientOptions } from '../../src/6-registry/client.js'
import { memoryBlob } from '../../src/6-registry/upload.js'
import { fakeServer, json, type FakeServer } from '../helpers/fake-server.js'

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
const warnings = () => stdout.mock.calls.map(c => String(c[0])).filter(l => l.startsWith('::warning::'))

const USER = 'robot'
const PASSWORD = 'p4ss-for-A-only'
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
const fast = { minTimeoutMs: 5, maxTimeoutMs: 20 }
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`
const MANIFEST = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] })
)

let a: FakeServer
let b: FakeServer
beforeAll(async () => {
  a = await fakeServer()
  b = await fakeServer()
})
afterAll(async () => {
  await a.close()
  await b.close()
})
afterEach(() => {
  a.seen.length = 0
  b.seen.length = 0
})

/** A client of registry A (Basic auth) built from options the client may not know yet. */
const client = (o: Record<string, unknown> = {}) =>
  new RegistryClient({
    credentials: { [a.host]: { username: USER, password: PASSWORD } },
    retry: { ...fast, retries: 1 },
    ...o
  } as RegistryClientOptions)

/** Registry A: Basic auth in front of `inner`. */
function basicAuth(inner: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void) {
  a.handle((req, res, body) => {
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' })
      return res.end()
    }
    inner(req, res, body)
  })
}

const manifest = (res: http.ServerResponse, bytes = MANIFEST, digest = sha256(bytes)) => {
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'docker-content-digest': digest
  })
  res.end(bytes)
}

describe('credentials stay with the origin that asked for them', () => {
  it('a Link to another origin gets no credentials', async () => {
    basicAuth((_req, res) =>
      json(res, 200, { tags: ['a'] }, { link: `<${b.origin}/v2/team/app/tags/list?last=a>; rel="next"` })
    )
    b.handle((_req, res) => json(res, 200, { tags: ['b'] }))
    expect(await client().listTags(`${a.host}/team/app`)).toEqual(['a', 'b'])
    expect(b.seen.map(s => s.authorization)).toEqual([undefined])
  })

  it('a blob upload Location on another origin gets the PUT without Authorization', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blob-'))
    const bytes = Buffer.from('layer bytes')
    writeFileSync(path.join(dir, 'blob'), bytes)
    basicAuth((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(404).end()
      res.writeHead(202, { location: `${b.origin}/upload/1` })
      res.end()
    })
    b.handle((_req, res) => res.writeHead(201, { 'docker-content-digest': sha256(bytes) }).end())
    const blob = { digest: sha256(bytes), size: bytes.length, path: path.join(dir, 'blob') }
    expect(await client().pushBlob(`${a.host}/team/app`, blob)).toBe('uploaded')
    expect(b.seen).toHaveLength(1)
    expect(b.seen[0]).toMatchObject({ method: 'PUT', authorization: undefined, body: bytes })
  })

  it('a blob held in memory goes up the same way, its bytes in the PUT', async () => {
    const bytes = Buffer.from('{"config":true}')
    basicAuth((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(404).end()
      res.writeHead(202, { location: `${b.origin}/upload/2` })
      res.end()
    })
    b.handle((_req, res) => res.writeHead(201, { 'docker-content-digest': sha256(bytes) }).end())
    expect(await client().pushBlob(`${a.host}/team/app`, memoryBlob(bytes))).toBe('uploaded')
    expect(b.seen[0]).toMatchObject({ method: 'PUT', body: bytes })
    expect(b.seen[0].path).toContain(`digest=${encodeURIComponent(sha256(bytes))}`)
  })

  it('a redirect to another origin is followed without credentials', async () => {
    basicAuth((_req, res) => res.writeHead(307, { location: `${b.origin}/blobs/m` }).end())
    b.handle((_req, res) => manifest(res))
    expect((await client().getManifest(`${a.host}/team/app:v1`))?.digest).toBe(sha256(MANIFEST))
    expect(b.seen.map(s => s.authorization)).toEqual([undefined])
  })

  it('a 401 from another origin is not answered with this registry’s credentials', async () => {
    basicAuth((_req, res) => res.writeHead(307, { location: `${b.origin}/blobs/m` }).end())
    b.handle((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="b"' }).end())
    await expect(client().getManifest(`${a.host}/team/app:v1`)).rejects.toThrow(/401/)
    expect(b.seen.map(s => s.authorization)).toEqual([undefined])
  })

  it.each<[string, Record<string, string>]>([
    ['a Link', { link: '<http://registry.example.invalid/v2/team/app/tags/list?last=a>; rel="next"' }],
    ['a redirect', { location: 'http://registry.example.invalid/v2/team/app/tags/list' }]
  ])('%s to plain http on a non-loopback host is refused: https is required', async (_what, headers) => {
    basicAuth((_req, res) =>
      headers.location ? res.writeHead(307, headers).end() : json(res, 200, { tags: ['a'] }, headers)
    )
    await expect(client().listTags(`${a.host}/team/app`)).rejects.toThrow(
      /http:\/\/registry\.example\.invalid.* https is required/
    )
  })

  it('a token realm on plain http off loopback gets nothing: https is required', async () => {
    a.handle((_req, res) =>
      res
        .writeHead(401, {
          'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="x"'
        })
        .end()
    )
    await expect(client().listTags(`${a.host}/team/app`)).rejects.toThrow(
      /token realm http:\/\/auth\.example\.invalid\/token.* https is required/
    )
  })

  it('a token realm on another (loopback) host gets the Basic credentials, as docker sends them', async () => {
    a.handle((req, res) => {
      if (req.headers.authorization === 'Bearer t0k3n') return json(res, 200, { tags: ['x'] })
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${b.origin}/token",service="fake"` }).end()
    })
    b.handle((_req, res) => json(res, 200, { token: 't0k3n', expires_in: 300 }))
    expect(await client().listTags(`${a.host}/team/app`)).toEqual(['x'])
    expect(b.seen.map(s => s.authorization)).toEqual([BASIC])
    expect(b.seen[0].path).toBe('/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull')
  })

  it('asks a credential source lazily, once per registry host, and never for one that does not ask', async () => {
    basicAuth((_req, res) => json(res, 200, { tags: ['x'] }))
    b.handle((_req, res) => json(res, 200, { tags: ['y'] }))
    const source = jest.fn(async (registry: string) =>
      registry === a.host ? { username: USER, password: PASSWORD } : undefined
    )
    const c = client({ credentials: source })
    expect(await c.listTags(`${a.host}/team/app`)).toEqual(['x'])
    expect(await c.listTags(`${a.host}/team/other`)).toEqual(['x'])
    expect(await c.listTags(`${b.host}/team/app`)).toEqual(['y'])
    expect(source.mock.calls).toEqual([[a.host]])
  })
})

describe('redirects of uploads', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blob-'))
  const bytes = Buffer.alloc(100_000, 7)
  writeFileSync(path.join(dir, 'blob'), bytes)
  const blob = { digest: sha256(bytes), size: bytes.length, path: path.join(dir, 'blob') }

  it.each([307, 308])(
    '%i on a blob PUT (streamed from its file) is followed with the same body',
    async status => {
      basicAuth((req, res, body) => {
        if (req.method === 'HEAD') return res.writeHead(404).end()
        if (req.method === 'POST')
          return res.writeHead(202, { location: '/v2/team/app/blobs/uploads/1' }).end()
        if (req.url?.startsWith('/v2/team/app/blobs/uploads/1'))
          return res
            .writeHead(status, { location: `/v2/team/app/blobs/uploads/2?digest=${blob.digest}` })
            .end()
        expect(body.equals(bytes)).toBe(true)
        res.writeHead(201, { 'docker-content-digest': blob.digest }).end()
      })
      expect(await client().pushBlob(`${a.host}/team/app`, blob)).toBe('uploaded')
      const puts = a.seen.filter(s => s.method === 'PUT' && s.authorization === BASIC)
      expect(puts.map(p => p.body.length)).toEqual([bytes.length, bytes.length])
    }
  )

  it('307 on a manifest PUT to another origin: same body, no credentials', async () => {
    basicAuth((_req, res) => res.writeHead(307, { location: `${b.origin}/elsewhere` }).end())
    b.handle((_req, res) => res.writeHead(201, { 'docker-content-digest': sha256(MANIFEST) }).end())
    const pushed = await client().pushManifest(`${a.host}/team/app`, 'v1', {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      raw: MANIFEST
    })
    expect(pushed).toBe(sha256(MANIFEST))
    expect(b.seen).toHaveLength(1)
    expect(b.seen[0]).toMatchObject({ method: 'PUT', authorization: undefined, body: MANIFEST })
  })
})

describe('tag pages', () => {
  it('are bounded: an endless chain of Link pages stops with an error', async () => {
    a.handle((req, res) => {
      const n = Number(new URL(req.url ?? '', a.origin).searchParams.get('last') ?? 0)
      // Gives up by itself after 300 pages so that a client without a bound still ends.
      const link = n < 300 ? { link: `</v2/team/app/tags/list?last=${n + 1}>; rel="next"` } : undefined
      json(res, 200, { tags: [`t${n}`] }, link)
    })
    await expect(client({ maxTagPages: 50 }).listTags(`${a.host}/team/app`)).rejects.toThrow(
      /more than 50 pages/
    )
    expect(a.seen.length).toBeLessThanOrEqual(51)
  })

  it('a Link back to a page already read is a loop, not more tags', async () => {
    let served = 0
    a.handle((req, res) => {
      served++
      const second = req.url?.includes('last=')
      const link = served < 100 ? `</v2/team/app/tags/list${second ? '' : '?last=a'}>; rel="next"` : undefined
      json(res, 200, { tags: [second ? 'b' : 'a'] }, link ? { link } : {})
    })
    await expect(client().listTags(`${a.host}/team/app`)).rejects.toThrow(/loops back to a page already read/)
    expect(a.seen).toHaveLength(2)
  })

  it('a 404 on page 2 is an error (only page 1’s 404 means a new repository)', async () => {
    a.handle((req, res) =>
      req.url?.includes('last=')
        ? json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] })
        : json(res, 200, { tags: ['v1'] }, { link: '</v2/team/app/tags/list?last=v1>; rel="next"' })
    )
    await expect(client().listTags(`${a.host}/team/app`)).rejects.toThrow(
      /page 2 of the tags of .*team\/app: 404/
    )
    a.handle((_req, res) => json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] }))
    expect(await client().listTags(`${a.host}/team/new`)).toBeUndefined()
  })
})

describe('bounded responses', () => {
  it('a manifest larger than the bound is refused (without reading it all)', async () => {
    const huge = Buffer.from(JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(5 * 1024 * 1024) }))
    a.handle((_req, res) => manifest(res, huge))
    await expect(client().getManifest(`${a.host}/team/app:v1`)).rejects.toThrow(/larger than 4 MiB/)
  })

  it('a token response larger than the bound is refused', async () => {
    a.handle((_req, res) =>
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${b.origin}/token",service="fake"` }).end()
    )
    b.handle((_req, res) => json(res, 200, { token: 'x'.repeat(2 * 1024 * 1024) }))
    await expect(client().listTags(`${a.host}/team/app`)).rejects.toThrow(
      /token response: the response is larger than 1 MiB/
    )
  })

  it('an endless error body is cut: the error arrives, with a short detail', async () => {
    a.handle((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' })
      const chunk = Buffer.alloc(64 * 1024, 'e')
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump)
      }
      pump()
    })
    const error = (await client()
      .listTags(`${a.host}/team/app`)
      .catch(e => e)) as Error
    expect(error.message).toMatch(/400 Bad Request: e{300}$/)
  })
})

describe('timeouts', () => {
  it('a registry that never answers: a timeout per request, retried and logged, then an error', async () => {
    a.handle(() => undefined)
    const before = warnings().length
    const started = Date.now()
    const error = (await client({ requestTimeoutMs: 300 })
      .getManifest(`${a.host}/team/app:v1`)
      .catch(e => e)) as Error
    expect(error.message).toMatch(/no response within 0\.3 s/)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(warnings().slice(before)).toHaveLength(1)
  })

  it('one timeout for the whole operation, retries included', async () => {
    a.handle((_req, res) => json(res, 503, { errors: [] }, { 'retry-after': '1' }))
    const started = Date.now()
    const error = (await client({
      operationTimeoutMs: 800,
      retry: { ...fast, retries: 50, maxRetryTimeMs: 60_000 }
    })
      .listTags(`${a.host}/team/app`)
      .catch(e => e)) as Error
    expect(error.message).toMatch(/list tags of .*team\/app: gave up after 0\.8 s/)
    expect(Date.now() - started).toBeLessThan(2500)
  })
})

describe('digests are verified on every manifest read', () => {
  it('by digest: bytes that do not hash to the digest asked for are refused', async () => {
    const other = Buffer.from(MANIFEST.toString().replace('"layers":[]', '"layers":[],"x":1'))
    a.handle((_req, res) => manifest(res, other, sha256(MANIFEST)))
    await expect(client().getManifest(`${a.host}/team/app@${sha256(MANIFEST)}`)).rejects.toThrow(
      /served bytes whose digest is sha256:[0-9a-f]{64}, not the sha256:[0-9a-f]{64} asked for/
    )
  })

  it('by tag: a Docker-Content-Digest that is not the hash of the bytes is refused', async () => {
    a.handle((_req, res) => manifest(res, MANIFEST, `sha256:${'0'.repeat(64)}`))
    await expect(client().getManifest(`${a.host}/team/app:v1`)).rejects.toThrow(
      /Docker-Content-Digest sha256:0{64}, but the bytes hash to sha256:[0-9a-f]{64}/
    )
  })

  it('the digest returned is the hash of the bytes', async () => {
    a.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
      res.end(MANIFEST)
    })
    expect((await client().getManifest(`${a.host}/team/app:v1`))?.digest).toBe(sha256(MANIFEST))
  })
})
