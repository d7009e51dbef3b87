// The release policy and the tagging of a release against what the real engine pushes and the real registry
// holds: one two-platform target with SBOM and provenance built once by `docker buildx bake` into several
// repositories of the local registry; releases are then variants of its index (the same manifests, other index
// annotations, so other digests) pushed by digest, as a build pushes them. Faults come from flaky-proxy.mjs in
// front of the registry. Also: verification and metrics read back from that push.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { e2eEnv, registryTags } from '../../../scripts/harness/e2e.mjs'
import { startFlakyProxy, type FlakyProxy } from '../../../scripts/harness/flaky-proxy.mjs'
import { RegistryClient } from '../../../src/6-registry/client.js'
import { sha256 } from '../../../src/6-registry/upload.js'
import {
  checkBeforePush,
  decideTags,
  REVISION_ANNOTATION,
  VERSION_ANNOTATION,
  type ReleasePolicy
} from '../../../src/7-publish/release-policy.js'
import { plannedTarget, pushedByDigest, type TargetResult } from '../../../src/7-publish/results.js'
import { tagRelease } from '../../../src/7-publish/tagging.js'
import { verifyImage } from '../../../src/7-publish/verify.js'
import { addSizes, parseProgress, platformSizes } from '../../../src/8-report/metrics.js'

const exec = promisify(execFile)
const env = await e2eEnv()
const project = path.join(process.cwd(), '__tests__/fixtures/progress/bake-src')
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`
const repo = (name: string) => `e2e-release/${run}-${name}`
const image = `${env.E2E_REGISTRY}/${repo('api')}`
const released = ['v1.3.0', 'v1.3', 'v1', 'latest']
const PLATFORMS = ['linux/amd64', 'linux/arm64']
/** Repositories the one build also pushes to (a `seed` tag each), so releases there have their manifests. */
const SEEDED = ['race', 'fault-api', 'fault-worker', 'nodelete-api', 'nodelete-worker']
const fast = { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 50 }
const client = new RegistryClient({ retry: fast })

let digest = ''
let progress = ''

beforeAll(async () => {
  const args = ['buildx', 'bake', '--file', 'docker-bake.hcl', 'api', '--push', '--progress=plain']
  args.push('--provenance=mode=max', `--sbom=generator=${env.E2E_SBOM_GENERATOR}`)
  for (const t of released) args.push('--set', `api.tags=${image}:${t}`)
  for (const r of SEEDED) args.push('--set', `api.tags=${env.E2E_REGISTRY}/${repo(r)}:seed`)
  const { stderr } = await exec('docker', args, { cwd: project, maxBuffer: 64 * 1024 * 1024 })
  progress = stderr
  digest = (await client.headDigest(`${image}:v1.3.0`)) ?? ''
}, 300_000)

const policy = (version: string, o: Partial<ReleasePolicy> = {}): ReleasePolicy => ({
  version,
  revision: `rev-${version}`,
  affixes: {},
  monotonic: true,
  overwrite: false,
  attestations: true,
  ...o
})

/**
 * A release's index as a build would push it: the built index with this release's version and revision
 * annotations (and a nonce: every build is new content), pushed by digest into `image`.
 */
async function pushRelease(target: string, version: string, c = client): Promise<string> {
  const base = await c.getManifest(`${target}@${digest}`)
  if (!base) throw new Error(`${target}@${digest} missing`)
  const json = {
    ...base.json,
    annotations: {
      [VERSION_ANNOTATION]: version,
      [REVISION_ANNOTATION]: `rev-${version}`,
      'test.nonce': randomBytes(8).toString('hex')
    }
  }
  const raw = Buffer.from(JSON.stringify(json))
  await c.pushManifest(target, sha256(raw), { mediaType: base.mediaType, raw })
  return sha256(raw)
}

/** The target row of a release pushed by digest, asking for `tags`. */
function row(target: string, img: string, indexDigest: string, tags: string[]): TargetResult {
  const t = plannedTarget(
    { target, image: img, platforms: PLATFORMS, requestedTags: tags.map(x => `${img}:${x}`) },
    'planned'
  )
  pushedByDigest(t, indexDigest, 'pushed by digest, not tagged yet')
  return t
}

/** tag → digest, for every tag of an image. */
async function state(img: string, c = client): Promise<Record<string, string | undefined>> {
  const tags = (await c.listTags(img)) ?? []
  const out: Record<string, string | undefined> = {}
  for (const t of tags.sort()) out[t] = await c.headDigest(`${img}:${t}`)
  return out
}

describe('release policy against the registry', () => {
  it('a first release of a new repository moves everything, floating tags last', async () => {
    const d = await decideTags(
      client,
      `${image}-new`,
      ['latest', 'v1.0.0', 'v1', 'sha-1', 'v1.0'],
      policy('v1.0.0')
    )
    expect(d).toMatchObject({
      moves: ['v1.0.0', 'sha-1', 'latest', 'v1', 'v1.0'],
      withheld: [],
      conflicts: []
    })
    expect([...d.current.values()]).toEqual([undefined, undefined, undefined, undefined, undefined])
  })

  it('v1.2.9 after v1.3.0: v1.2 moves, v1 and latest stay', async () => {
    const d = await decideTags(
      client,
      image,
      ['v1.2.9', 'v1.2', 'v1', 'latest', 'sha-abc1234'],
      policy('v1.2.9')
    )
    expect(d.moves).toEqual(['v1.2.9', 'sha-abc1234', 'v1.2'])
    expect(d.withheld).toEqual([
      { tag: 'v1', reason: 'v1.2.9 < v1.3.0' },
      { tag: 'latest', reason: 'v1.2.9 < v1.3.0' }
    ])
    expect(d.current.get('latest')).toBe(digest)
  })

  it('re-releasing v1.3.0 with other content is refused before anything is pushed, unless overwrite', async () => {
    await expect(checkBeforePush(client, [{ image, tags: released }], policy('v1.3.0'))).rejects.toThrow(
      `${image}:v1.3.0 already exists (${digest})`
    )
    const d = await decideTags(client, image, released, policy('v1.3.0', { overwrite: true }))
    expect(d.conflicts).toEqual([])
    // At tag time, the digest v1.3.0 already holds is no conflict; another one is.
    expect((await decideTags(client, image, released, policy('v1.3.0'), digest)).conflicts).toEqual([])
    const other = 'sha256:' + '0'.repeat(64)
    expect((await decideTags(client, image, released, policy('v1.3.0'), other)).conflicts).toEqual([
      { image, tag: 'v1.3.0', existingDigest: digest }
    ])
  })
})

describe('floating tags are decided again right before they move', () => {
  const img = `${env.E2E_REGISTRY}/${repo('race')}`
  const tags = (v: string) => [v, v.replace(/\.\d+$/, ''), v.replace(/\.\d+\.\d+$/, ''), 'latest']
  it('v2.1.0 released while v2.0.9 built: v2 and latest stay on v2.1.0', async () => {
    const v200 = await pushRelease(img, 'v2.0.0')
    await tagRelease(client, [row('race', img, v200, tags('v2.0.0'))], policy('v2.0.0'))
    // Our v2.0.9: checked before the build (nothing withheld yet), then built and pushed by digest.
    const [before] = await checkBeforePush(client, [{ image: img, tags: tags('v2.0.9') }], policy('v2.0.9'))
    expect(before.withheld).toEqual([])
    const v209 = await pushRelease(img, 'v2.0.9')
    // Meanwhile another job releases v2.1.0.
    const v210 = await pushRelease(img, 'v2.1.0')
    await tagRelease(client, [row('race', img, v210, tags('v2.1.0'))], policy('v2.1.0'))
    const ours = row('race', img, v209, tags('v2.0.9'))
    await tagRelease(client, [ours], policy('v2.0.9'))
    const s = await state(img)
    expect([s['v2.0.9'], s['v2.0'], s.v2, s.latest]).toEqual([v209, v209, v210, v210])
    expect(ours.withheld).toEqual([
      { tag: `${img}:v2`, reason: 'v2.0.9 < v2.1.0' },
      { tag: `${img}:latest`, reason: 'v2.0.9 < v2.1.0' }
    ])
    expect(ours).toMatchObject({ status: 'pushed', pushed: true })
  })
})

describe('fault matrix: a 5xx on the Nth tag move of a two-target release', () => {
  let proxy: FlakyProxy
  const seen: string[] = []
  const calls = new Map<string, number>()
  let failAt = 0
  beforeAll(async () => {
    // Fails every attempt (first try and retries) of the Nth distinct tag PUT; the put-back that follows passes.
    proxy = await startFlakyProxy({
      target: 'http://127.0.0.1:5000',
      failures: 1_000_000,
      status: 500,
      match: req => {
        if (req.method !== 'PUT' || !/\/manifests\/(?!sha256:)/.test(req.url ?? '')) return false
        const url = req.url as string
        if (!seen.includes(url)) seen.push(url)
        calls.set(url, (calls.get(url) ?? 0) + 1)
        return failAt > 0 && seen.indexOf(url) === failAt - 1 && (calls.get(url) ?? 0) <= fast.retries + 1
      }
    })
  })
  afterAll(async () => proxy?.close())

  const images = () => ['fault-api', 'fault-worker'].map(r => `${proxy.host}/${repo(r)}`)
  const v31 = ['v3.1.0', 'v3.1', 'v3', 'latest', 'sha-bbbbbbb']

  it('every position: the registry ends with exactly the tags it had; the re-run then completes', async () => {
    const c = new RegistryClient({ retry: fast })
    // Before: both images released v3.0.0.
    const v300 = await Promise.all(images().map(img => pushRelease(img, 'v3.0.0', c)))
    await tagRelease(
      c,
      images().map((img, i) => row(`t${i}`, img, v300[i], ['v3.0.0', 'v3.0', 'v3', 'latest', 'sha-aaaaaaa'])),
      policy('v3.0.0')
    )
    const before = await Promise.all(images().map(img => state(img, c)))
    const moves = v31.length * images().length
    let injected = 0
    for (let n = 1; n <= moves; n++) {
      const v310 = await Promise.all(images().map(img => pushRelease(img, 'v3.1.0', c)))
      seen.length = 0
      calls.clear()
      failAt = n
      const targets = images().map((img, i) => row(`t${i}`, img, v310[i], v31))
      const failed = tagRelease(c, targets, policy('v3.1.0'))
      await expect(failed).rejects.toThrow(/Tagging \S+ failed: .*500/)
      await expect(failed).rejects.toThrow('Every tag this run moved was put back')
      injected += fast.retries + 1
      expect([n, await Promise.all(images().map(img => state(img, c)))]).toEqual([n, before])
      for (const t of targets) expect(t).toMatchObject({ pushed: false, status: 'untagged', tags: [] })
    }
    failAt = 0
    const v310 = await Promise.all(images().map(img => pushRelease(img, 'v3.1.0', c)))
    await tagRelease(
      c,
      images().map((img, i) => row(`t${i}`, img, v310[i], v31)),
      policy('v3.1.0')
    )
    for (const [i, img] of images().entries()) {
      const s = await state(img, c)
      for (const t of v31) expect([img, t, s[t]]).toEqual([img, t, v310[i]])
      expect(s['v3.0.0']).toBe(before[i]['v3.0.0'])
    }
    expect(proxy.injected).toBe(injected)
    console.log(`fault matrix: ${moves} positions, ${injected} faults injected, 0 tags moved wrongly`)
  })
})

describe('a registry that deletes nothing (no tag, no manifest)', () => {
  let proxy: FlakyProxy
  let failPut = ''
  beforeAll(async () => {
    proxy = await startFlakyProxy({
      target: 'http://127.0.0.1:5000',
      failures: 1_000_000,
      status: 405,
      match: req =>
        req.method === 'DELETE' || (req.method === 'PUT' && !!failPut && (req.url ?? '').endsWith(failPut))
    })
  })
  afterAll(async () => proxy?.close())

  it('a failed release leaves its new tags on its own index and says so; the re-run completes on that index', async () => {
    const c = new RegistryClient({ retry: fast })
    const img = `${proxy.host}/${repo('nodelete-api')}`
    const first = await pushRelease(img, 'v4.0.0', c)
    failPut = '/manifests/latest'
    const targets = [row('api', img, first, ['v4.0.0', 'v4.0', 'v4', 'latest'])]
    await expect(tagRelease(c, targets, policy('v4.0.0'))).rejects.toThrow(
      /left on sha256:[0-9a-f]{64}: the registry deletes neither the tag nor the index/
    )
    expect(targets[0].tags.sort()).toEqual([`${img}:v4`, `${img}:v4.0`, `${img}:v4.0.0`])
    failPut = ''
    // The re-run builds again (new content), recognises v4.0.0 as this release and completes it there.
    const second = await pushRelease(img, 'v4.0.0', c)
    expect(second).not.toBe(first)
    const again = [row('api', img, second, ['v4.0.0', 'v4.0', 'v4', 'latest'])]
    await tagRelease(c, again, policy('v4.0.0'))
    const s = await state(img, c)
    expect([s['v4.0.0'], s['v4.0'], s.v4, s.latest]).toEqual([first, first, first, first])
    expect(again[0]).toMatchObject({ digest: first, pushed: true })
    // Another revision of the same version is another release: refused.
    const other = await pushRelease(img, 'v4.0.0', c)
    await expect(
      tagRelease(c, [row('api', img, other, ['v4.0.0'])], policy('v4.0.0', { revision: 'rev-other' }))
    ).rejects.toThrow(`${img}:v4.0.0 already exists (${first})`)
    expect(await registryTags(`${env.E2E_REGISTRY}/${repo('nodelete-api')}`)).toEqual(
      ['latest', 'seed', 'v4', 'v4.0', 'v4.0.0'].sort()
    )
  })
})

describe('verification of a real BuildKit push', () => {
  const check = async (platforms: string[], tags: string[]) => {
    const index = await client.getManifest(`${image}@${digest}`)
    return verifyImage({
      image,
      digest,
      index: index?.json ?? {},
      platforms,
      attestations: true,
      tags: await client.resolveTags(image, tags)
    })
  }

  it('holds: both platforms, one attestation manifest each, every tag on the index', async () => {
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await check(PLATFORMS, released)).toEqual([])
  })

  it('reports a missing platform and a tag that does not exist', async () => {
    expect(await check([...PLATFORMS, 'linux/s390x'], ['v1.3.0', 'v1.3.1'])).toEqual([
      expect.stringMatching(/platform linux\/s390x is missing \(index has linux\/amd64, linux\/arm64\)$/),
      expect.stringMatching(/:v1\.3\.1 does not exist/)
    ])
  })
})

describe('metrics of a real build', () => {
  it('progress per platform plus sizes from the registry', async () => {
    const sizes = await platformSizes(client, image, digest)
    expect([...sizes.keys()].sort()).toEqual(PLATFORMS)
    const metrics = addSizes(
      parseProgress(progress, { targets: ['api'], defaultTarget: 'api' }),
      'api',
      sizes
    )
    if (metrics.length !== 2) console.log(progress)
    expect(metrics.map(m => m.platform).sort()).toEqual(PLATFORMS)
    for (const m of metrics) {
      expect(m.steps).toBe(3)
      expect(m.failed).toBe(false)
      expect(m.layers).toBe(4)
      // busybox-static is about a megabyte compressed; the three small layers and the config add little.
      expect(m.sizeBytes).toBeGreaterThan(500_000)
      expect(m.sizeBytes).toBeLessThan(5_000_000)
    }
  })
})
