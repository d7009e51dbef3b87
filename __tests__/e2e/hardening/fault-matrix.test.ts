// The fault matrix: the built action on the real engine, publishing through scripts/harness/flaky-proxy.mjs in
// front of the real registry (localhost:5000), each scenario with its own image prefix:
//   1. 503/429 bursts on every kind of registry request, behind a token-auth front whose tokens are revoked
//      mid-run, for a two-target release → every fault retried and logged, re-authenticated, every tag right;
//   2. manifest reads redirected (307) to another origin → followed, and no credential goes with them;
//   3. 10,000 tags in the repository (paged 100 at a time) → the monotonic policy holds, the listing is bounded;
//   4. the tag list breaks off with a 404 on page 2 → the release stops, no floating tag moves (before, the 404
//      read as "new repository" and `latest` moved backwards past a v9.0.0 on page 3);
//   5. next-page Links on another origin → followed with no credentials (before, the token went along).
// What every scenario injected, survived and moved wrongly is counted and printed at the end (the report's numbers).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  annotations,
  describeImage,
  e2eEnv,
  imagesOutput,
  publish,
  pushContext,
  registryTags,
  uniqueName,
  visibleText,
  workspaceFrom
} from '../../../scripts/harness/e2e.mjs'
import { startFlakyProxy, type FlakyProxy } from '../../../scripts/harness/flaky-proxy.mjs'
import type { RunResult } from '../../../scripts/harness/runner.mjs'

const UPSTREAM = 'http://127.0.0.1:5000'

/**
 * The action publishing the basic fixture (linux/amd64) for `ref` through the proxy, under `prefix`; with a
 * password, as the proxy's token-auth user.
 */
async function publishThrough(
  proxy: FlakyProxy,
  prefix: string,
  ref: string,
  o: { targets?: string; password?: string } = {}
): Promise<RunResult> {
  const login: Record<string, string> = o.password ? { username: 'fault-user', password: o.password } : {}
  return publish({
    workspace: await workspaceFrom('basic'),
    context: pushContext(ref),
    inputs: {
      ...(o.targets ? { targets: o.targets } : {}),
      'image-prefix': prefix,
      registry: proxy.host,
      ...login,
      platforms: 'linux/amd64'
    }
  })
}
let registry = ''
const counts: { scenario: string; injected: number; survived: number; movedWrongly: number }[] = []

beforeAll(async () => {
  registry = (await e2eEnv()).E2E_REGISTRY
})
afterAll(() => {
  const total = counts.reduce(
    (t, c) => ({
      injected: t.injected + c.injected,
      survived: t.survived + c.survived,
      moved: t.moved + c.movedWrongly
    }),
    { injected: 0, survived: 0, moved: 0 }
  )
  console.log(
    [
      'Fault matrix | injected | survived | tags moved wrongly',
      ...counts.map(c => `${c.scenario} | ${c.injected} | ${c.survived} | ${c.movedWrongly}`),
      `total | ${total.injected} | ${total.survived} | ${total.moved}`
    ].join('\n')
  )
})

function ok(r: RunResult): void {
  if (r.main.exitCode !== 0) console.log(r.main.stdout.slice(-8000), r.main.stderr)
  expect(r.main.exitCode).toBe(0)
}

/**
 * Tags of `image` (read from the registry itself, not through a proxy) that are not exactly `expected` → `digest`:
 * a tag missing, a tag that should not exist, or a tag on another digest.
 */
async function wronglyMoved(image: string, expected: string[], digest: string): Promise<string[]> {
  const wrong: string[] = []
  const tags = await registryTags(image)
  for (const tag of new Set([...tags, ...expected])) {
    if (!expected.includes(tag)) wrong.push(`${tag} (should not exist)`)
    else if (!tags.includes(tag)) wrong.push(`${tag} (missing)`)
    else if ((await describeImage(image, tag))?.digest !== digest) wrong.push(`${tag} (other digest)`)
  }
  return wrong
}

const retryWarnings = (r: RunResult) =>
  annotations(r, 'warning').filter(w => /attempt \d+ failed .*(503|429).*; retrying/.test(w))

describe('503/429 bursts and a token revoked mid-run, two-target release', () => {
  const prefix = uniqueName('fault-burst')
  const password = `fault-${randomBytes(6).toString('hex')}`
  let proxy: FlakyProxy
  let result: RunResult
  beforeAll(async () => {
    proxy = await startFlakyProxy({
      target: UPSTREAM,
      tokenAuth: { username: 'fault-user', password, tokenUses: 15 },
      // Of every 12 registry API requests (tags, manifests, blobs), the first 2 fail: 503, then 429, in turn.
      match: /^(GET|HEAD|PUT|POST|PATCH) \/v2\/.+\/(tags|manifests|blobs)\//,
      bursts: { every: 12, length: 2 },
      status: [503, 429],
      retryAfter: 0
    })
    result = await publishThrough(proxy, prefix, 'refs/tags/v3.1.0', { password })
  })
  afterAll(async () => proxy?.close())

  it('publishes both images with every tag on its index', async () => {
    ok(result)
    const images = imagesOutput(result)
    let moved = 0
    for (const target of ['api', 'worker']) {
      const tags = await registryTags(`${registry}/${prefix}/${target}`)
      expect(tags).toEqual(expect.arrayContaining(['v3.1.0', 'v3.1', 'v3', 'latest']))
      const wrong = await wronglyMoved(
        `${registry}/${prefix}/${target}`,
        images[target].tags.map((t: string) => t.slice(t.lastIndexOf(':') + 1)),
        images[target].digest
      )
      expect(wrong).toEqual([])
      moved += wrong.length
    }
    counts.push({
      scenario: '503/429 bursts',
      injected: proxy.injected,
      survived: proxy.injected,
      movedWrongly: moved
    })
  })

  it('retried every injected fault, each logged', () => {
    expect(proxy.injected).toBeGreaterThanOrEqual(4)
    expect(proxy.requests.filter(r => r.injected).map(r => r.status)).toContain(429)
    expect(retryWarnings(result)).toHaveLength(proxy.injected)
  })

  it('re-authenticated when its token was revoked mid-run, the password never shown', () => {
    expect(proxy.expiredTokens).toBeGreaterThanOrEqual(1)
    expect(proxy.tokensIssued).toBeGreaterThan(proxy.expiredTokens)
    counts.push({
      scenario: 'token revoked mid-run',
      injected: proxy.expiredTokens,
      survived: proxy.expiredTokens,
      movedWrongly: 0
    })
    expect(visibleText(result)).not.toContain(password)
  })
})

describe('manifest reads redirected to another origin', () => {
  const prefix = uniqueName('fault-redirect')
  const password = `fault-${randomBytes(6).toString('hex')}`
  let elsewhere: FlakyProxy
  let proxy: FlakyProxy
  let result: RunResult
  beforeAll(async () => {
    elsewhere = await startFlakyProxy({ target: UPSTREAM })
    proxy = await startFlakyProxy({
      target: UPSTREAM,
      tokenAuth: { username: 'fault-user', password },
      redirect: { match: /^GET \/v2\/.+\/manifests\//, to: elsewhere.url, status: 307 }
    })
    result = await publishThrough(proxy, prefix, 'refs/tags/v1.0.0', { targets: 'api', password })
  })
  afterAll(async () => {
    await proxy?.close()
    await elsewhere?.close()
  })

  it('follows them and publishes', async () => {
    ok(result)
    const api = imagesOutput(result).api
    const wrong = await wronglyMoved(
      `${registry}/${prefix}/api`,
      api.tags.map((t: string) => t.slice(t.lastIndexOf(':') + 1)),
      api.digest
    )
    expect(wrong).toEqual([])
    counts.push({
      scenario: 'cross-origin redirects',
      injected: proxy.redirected,
      survived: proxy.redirected,
      movedWrongly: wrong.length
    })
  })

  it('no credential follows a redirect to the other origin', () => {
    expect(proxy.redirected).toBeGreaterThan(0)
    expect(elsewhere.requests.length).toBe(proxy.redirected)
    expect(elsewhere.requests.map(r => r.auth)).toEqual(elsewhere.requests.map(() => 'none'))
    // The registry's own origin did get them: the token flow ran there.
    expect(proxy.requests.some(r => r.auth === 'bearer')).toBe(true)
  })
})

describe('10,000 tags, 100 per page', () => {
  const prefix = uniqueName('fault-tags')
  // 5,000 versions up to v1.4999.0 and 5,000 preview tags: v1.2.3 is not the newest of line 1.
  const synthetic = [
    ...Array.from({ length: 5000 }, (_, i) => `v1.${i}.0`),
    ...Array.from({ length: 5000 }, (_, i) => `pr-${i}`)
  ]
  let proxy: FlakyProxy
  let result: RunResult
  beforeAll(async () => {
    proxy = await startFlakyProxy({ target: UPSTREAM, paginateTags: 100, syntheticTags: synthetic })
    result = await publishThrough(proxy, prefix, 'refs/tags/v1.2.3', { targets: 'api' })
  })
  afterAll(async () => proxy?.close())

  it('the monotonic policy holds: latest and v1 stay where 1.4999.0 would be; v1.2.3 and v1.2 move', async () => {
    ok(result)
    const api = imagesOutput(result).api
    const tags = await registryTags(`${registry}/${prefix}/api`)
    expect(tags).toEqual(expect.arrayContaining(['v1.2.3', 'v1.2']))
    expect(tags).not.toContain('latest')
    expect(tags).not.toContain('v1')
    const wrong = await wronglyMoved(
      `${registry}/${prefix}/api`,
      api.tags.map((t: string) => t.slice(t.lastIndexOf(':') + 1)),
      api.digest
    )
    expect(wrong).toEqual([])
    expect(result.main.stdout).toMatch(/:latest will not move: v1\.2\.3 < v1\.4999\.0/)
    counts.push({ scenario: '10,000 tags', injected: 1, survived: 1, movedWrongly: wrong.length })
  })

  it('every listing reads its 100 pages, in bounded time', () => {
    const pages = proxy.requests.filter(r => r.method === 'GET' && r.path.includes('/tags/list'))
    expect(pages.length % 100).toBe(0)
    expect(pages.length).toBeGreaterThanOrEqual(100)
    // Each listing: from its first page to its last.
    for (let i = 0; i < pages.length; i += 100) {
      const took = pages[i + 99].at - pages[i].at
      console.log(`10,000 tags listed in ${took} ms (100 pages)`)
      expect(took).toBeLessThan(15_000)
    }
  })
})

describe('the tag list breaks off with a 404 on page 2', () => {
  const prefix = uniqueName('fault-page404')
  // v9.0.0 sorts after 200 `a-…` tags: it is on page 3, which the registry never serves.
  const synthetic = [...Array.from({ length: 200 }, (_, i) => `a-${String(i).padStart(3, '0')}`), 'v9.0.0']
  let proxy: FlakyProxy
  let result: RunResult
  beforeAll(async () => {
    proxy = await startFlakyProxy({
      target: UPSTREAM,
      paginateTags: 100,
      syntheticTags: synthetic,
      match: /^GET \/v2\/.+\/tags\/list\?.*last=/,
      failures: 1_000,
      status: 404
    })
    result = await publishThrough(proxy, prefix, 'refs/tags/v1.0.0', { targets: 'api' })
  })
  afterAll(async () => proxy?.close())

  it('stops the release with the reason, and no tag moves', async () => {
    expect(result.main.exitCode).not.toBe(0)
    expect(annotations(result, 'error').join('\n')).toMatch(/page 2 of the tags of .*: 404/)
    const wrong = await registryTags(`${registry}/${prefix}/api`)
    expect(wrong).toEqual([])
    counts.push({ scenario: 'tag list 404 on page 2', injected: 1, survived: 1, movedWrongly: wrong.length })
  })
})

describe('next-page Links on another origin', () => {
  const prefix = uniqueName('fault-link')
  const password = `fault-${randomBytes(6).toString('hex')}`
  const synthetic = Array.from({ length: 250 }, (_, i) => `a-${String(i).padStart(3, '0')}`)
  let elsewhere: FlakyProxy
  let proxy: FlakyProxy
  let result: RunResult
  beforeAll(async () => {
    elsewhere = await startFlakyProxy({ target: UPSTREAM, paginateTags: 100, syntheticTags: synthetic })
    proxy = await startFlakyProxy({
      target: UPSTREAM,
      tokenAuth: { username: 'fault-user', password },
      paginateTags: 100,
      syntheticTags: synthetic,
      linkOrigin: elsewhere.url
    })
    result = await publishThrough(proxy, prefix, 'refs/tags/v1.0.0', { targets: 'api', password })
  })
  afterAll(async () => {
    await proxy?.close()
    await elsewhere?.close()
  })

  it('reads every page and publishes; the other origin never gets a credential', async () => {
    ok(result)
    const pages = elsewhere.requests.filter(r => r.path.includes('/tags/list'))
    expect(pages.length).toBeGreaterThanOrEqual(2)
    expect(elsewhere.requests.map(r => r.auth)).toEqual(elsewhere.requests.map(() => 'none'))
    const api = imagesOutput(result).api
    const wrong = await wronglyMoved(
      `${registry}/${prefix}/api`,
      api.tags.map((t: string) => t.slice(t.lastIndexOf(':') + 1)),
      api.digest
    )
    expect(wrong).toEqual([])
    counts.push({
      scenario: 'cross-origin Links',
      injected: pages.length,
      survived: pages.length,
      movedWrongly: wrong.length
    })
  })
})
