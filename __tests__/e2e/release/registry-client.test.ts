// The registry client against the real local registries of scripts/e2e-env.sh (distribution 2.8): the open one
// on :5000, the htpasswd one on :5001, and the open one behind scripts/harness/flaky-proxy.mjs for retries.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { e2eEnv } from '../../../scripts/harness/e2e.mjs'
import { startFlakyProxy, type FlakyProxy } from '../../../scripts/harness/flaky-proxy.mjs'
import { RegistryClient } from '../../../src/6-registry/client.js'
import { HttpError } from '../../../src/lib/retry.js'
import { basic, seedImage, type Seeded } from './registry-seed.js'
import { MEDIA_TYPES } from '../../../src/6-registry/manifest.js'

const env = await e2eEnv()
const OPEN = env.E2E_REGISTRY
const AUTH = env.E2E_AUTH_REGISTRY
const USER = env.E2E_AUTH_USER
const PASSWORD = env.E2E_AUTH_PASSWORD
const run = `rc-${Date.now().toString(36)}`
const repo = `e2e-release/${run}`
const tags = ['v1.2.2', 'v1.2.3', 'v1.2', 'v1', 'latest', 'sha-abc1234', 'pr-7', 'main']
const fast = { minTimeoutMs: 10, maxTimeoutMs: 50 }

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
const warnings = () =>
  stdout.mock.calls
    .map(c => String(c[0]))
    .filter(l => l.startsWith('::warning::'))
    .map(l => l.trim())

let seeded: Seeded
beforeAll(async () => {
  seeded = await seedImage(OPEN, repo, tags)
})

describe('open registry', () => {
  const client = new RegistryClient({ pageSize: 3, retry: fast })

  it('lists every tag across Link pages (pages served by the proxy, as distribution 3 and GHCR do)', async () => {
    const target = `http://${OPEN.replace('localhost', '127.0.0.1')}`
    const proxy = await startFlakyProxy({ target, paginateTags: 100 })
    try {
      const viaProxy = new RegistryClient({ pageSize: 3, retry: fast })
      const listed = await viaProxy.listTags(`${proxy.host}/${repo}`)
      expect([...(listed ?? [])].sort()).toEqual([...tags].sort())
      // 8 tags, 3 per page (the client's page size): three pages, each asked for by the previous one's Link.
      const pages = proxy.requests.filter(r => r.path.includes('/tags/list')).map(r => r.path)
      expect(pages).toEqual([
        `/v2/${repo}/tags/list?n=3`,
        `/v2/${repo}/tags/list?last=pr-7&n=3`,
        `/v2/${repo}/tags/list?last=v1.2&n=3`
      ])
    } finally {
      await proxy.close()
    }
  })

  it('undefined for a repository that does not exist', async () => {
    expect(await client.listTags(`${OPEN}/e2e-release/${run}-missing`)).toBeUndefined()
    expect(await client.headDigest(`${OPEN}/e2e-release/${run}-missing:v1`)).toBeUndefined()
  })

  it('reads an index by tag and a platform manifest by digest', async () => {
    const index = await client.getManifest(`${OPEN}/${repo}:v1.2.3`)
    expect(index).toMatchObject({ digest: seeded.digest, mediaType: MEDIA_TYPES.ociIndex })
    expect(index?.json.manifests?.map(m => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64'
    ])
    const arm = await client.getManifest(`${OPEN}/${repo}@${seeded.platforms['linux/arm64']}`)
    expect(arm).toMatchObject({ digest: seeded.platforms['linux/arm64'], mediaType: MEDIA_TYPES.ociManifest })
    expect(arm?.json.layers).toHaveLength(1)
  })

  it('resolves tags to digests; a missing tag is undefined', async () => {
    expect(await client.headDigest(`${OPEN}/${repo}:latest`)).toBe(seeded.digest)
    const resolved = await client.resolveTags(`${OPEN}/${repo}`, ['v1', 'v9.9.9'])
    expect([...resolved.entries()]).toEqual([
      ['v1', seeded.digest],
      ['v9.9.9', undefined]
    ])
  })
})

describe('htpasswd registry', () => {
  let authSeeded: Seeded
  beforeAll(async () => {
    authSeeded = await seedImage(AUTH, repo, ['v1.0.0'], { auth: basic(USER, PASSWORD) })
  })

  it('works with the right credentials', async () => {
    const client = new RegistryClient({
      credentials: { [AUTH]: { username: USER, password: PASSWORD } },
      retry: fast
    })
    expect(await client.listTags(`${AUTH}/${repo}`)).toEqual(['v1.0.0'])
    expect(await client.headDigest(`${AUTH}/${repo}:v1.0.0`)).toBe(authSeeded.digest)
  })

  it.each([
    ['anonymous', undefined, /401 Unauthorized \(anonymous\)/],
    [
      'a wrong password',
      { username: USER, password: 'wrong-' + PASSWORD },
      new RegExp(`401 Unauthorized \\(as ${USER}\\)`)
    ]
  ])('%s fails with 401, no retry, no password in the message', async (_name, creds, message) => {
    const client = new RegistryClient({ credentials: { [AUTH]: creds }, retry: fast })
    const before = warnings().length
    const error = await client.listTags(`${AUTH}/${repo}`).catch(e => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(401)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain(PASSWORD)
    expect(warnings().length).toBe(before)
  })
})

describe('retries through a fault-injecting proxy', () => {
  const target = `http://${OPEN.replace('localhost', '127.0.0.1')}`
  let proxy: FlakyProxy | undefined
  afterAll(async () => proxy?.close())

  it('503 twice with Retry-After: 1, then success: two logged retries, Retry-After honoured', async () => {
    proxy = await startFlakyProxy({ target, failures: 2, match: /manifests\//, retryAfter: 1 })
    const before = warnings().length
    const started = Date.now()
    const digest = await new RegistryClient({ retry: fast }).headDigest(`${proxy.host}/${repo}:v1.2.3`)
    expect(digest).toBe(seeded.digest)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
    expect(proxy.injected).toBe(2)
    expect(proxy.requests.map(r => r.status)).toEqual([503, 503, 200])
    const retries = warnings().slice(before)
    expect(retries).toHaveLength(2)
    expect(retries[0]).toMatch(
      /resolve .*:v1\.2\.3: attempt 1 failed \(HEAD .* 503 Service Unavailable\); retrying/
    )
    await proxy.close()
    proxy = undefined
  })

  it('connection resets are retried', async () => {
    proxy = await startFlakyProxy({ target, failures: 2, reset: true })
    const tagsSeen = await new RegistryClient({ retry: fast }).listTags(`${proxy.host}/${repo}`)
    expect(tagsSeen).toHaveLength(tags.length)
    expect(proxy.requests.map(r => r.status)).toEqual(['reset', 'reset', 200])
    await proxy.close()
    proxy = undefined
  })

  it('gives up after the bounded number of retries with the last status', async () => {
    proxy = await startFlakyProxy({ target, failures: 100 })
    const error = await new RegistryClient({ retry: { ...fast, retries: 2 } })
      .getManifest(`${proxy.host}/${repo}:v1`)
      .catch(e => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(503)
    expect(proxy.injected).toBe(3)
    await proxy.close()
    proxy = undefined
  })

  it('gives up when the total retry time is spent, even with retries left', async () => {
    proxy = await startFlakyProxy({ target, failures: 100, retryAfter: 1 })
    const started = Date.now()
    const error = await new RegistryClient({ retry: { ...fast, retries: 50, maxRetryTimeMs: 1500 } })
      .headDigest(`${proxy.host}/${repo}:v1`)
      .catch(e => e)
    expect((error as HttpError).status).toBe(503)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(proxy.injected).toBeLessThan(5)
    await proxy.close()
    proxy = undefined
  })
})
