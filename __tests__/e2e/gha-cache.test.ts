// The gha cache through the engine's BuildKit against the local Actions cache service v2
// (scripts/harness/gha-cache.mjs), with the variables GitHub's runners set (ACTIONS_CACHE_SERVICE_V2,
// ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN): a cold default-branch build writes one scope per target; after
// pruning the builder's cache a warm build reads them back and its RUN steps come from the cache (their layers in
// the registry are byte-identical to the cold build's, although the step writes a fresh random id when it runs);
// a pull request build reads them and writes nothing; without the runner's variables the build runs uncached and
// says so.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type ImageDescription,
  annotations,
  describeImage,
  docker,
  isolateBuild,
  publish,
  pullRequestContext,
  pushContext,
  registryTags,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { type GhaCache, startGhaCache } from '../../scripts/harness/gha-cache.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

const TARGETS = ['api', 'worker']
const SCOPE_PREFIX = 'e2e-'
let cache: GhaCache
let prefix: string
let workspace: string
const image = (t: string) => `${e2e.registry}/${prefix}/${t}`
const cold: Record<string, ImageDescription> = {}

beforeAll(async () => {
  prefix = uniqueName('e2e-gha')
  workspace = await workspaceFrom('basic')
  await isolateBuild(workspace, prefix)
  cache = await startGhaCache()
})
afterAll(async () => {
  await cache?.close()
})

function build(context: ReturnType<typeof pushContext>, scopes: string[]): Promise<RunResult> {
  return publish({
    workspace,
    context,
    api: e2e.api,
    env: cache.env(scopes),
    inputs: {
      'image-prefix': prefix,
      cache: 'gha',
      'cache-scope': SCOPE_PREFIX,
      sbom: 'false',
      provenance: 'false'
    }
  })
}

function expectOk(result: RunResult) {
  if (result.main.exitCode !== 0) console.log(result.main.stdout, result.main.stderr)
  expect(result.main.exitCode).toBe(0)
}

/** On a mismatch, what the cache service saw (op, key, hit/status), so a red run says why. */
function explain(mark: number, actual: string[], expected: string[], result: RunResult) {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return
  for (const e of cache.since(mark)) console.log(`${e.op} ${e.key ?? ''} ${e.hit ?? ''} ${e.status ?? ''}`)
  console.log(result.main.stdout.replace(/^::debug::.*\n/gm, ''))
}

const runLayer = (d: ImageDescription, platform: string) =>
  d.platforms.find(p => p.platform === platform)?.layers[1]

describe('gha cache', () => {
  it('cold build on main writes one scope per target', async () => {
    await docker(['buildx', 'prune', '-af'])
    const mark = cache.mark()
    const result = await build(pushContext('refs/heads/main'), ['refs/heads/main:rw'])
    expectOk(result)
    const scopes = TARGETS.map(t => `${SCOPE_PREFIX}${t}`)
    explain(mark, cache.writtenScopes(mark), scopes, result)
    expect(cache.writtenScopes(mark)).toEqual(scopes)
    // Through the v2 endpoints, with the job's token accepted on every call.
    expect(cache.since(mark).filter(e => e.op === 'unauthorized' || e.op === 'error')).toEqual([])
    expect(cache.since(mark).some(e => e.op === 'upload' && e.kind === 'blob')).toBe(true)
    for (const t of TARGETS) cold[t] = (await describeImage(image(t), 'main')) as ImageDescription
  })

  it('after pruning the builder, a warm build reads both scopes and its RUN steps come from the cache', async () => {
    await docker(['buildx', 'prune', '-af'])
    const mark = cache.mark()
    const result = await build(pushContext('refs/heads/main'), ['refs/heads/main:rw'])
    expectOk(result)
    explain(
      mark,
      cache.readScopes(mark),
      TARGETS.map(t => `${SCOPE_PREFIX}${t}`),
      result
    )
    expect(cache.readScopes(mark)).toEqual(TARGETS.map(t => `${SCOPE_PREFIX}${t}`))
    // The index was downloaded; layer bytes are fetched lazily, and not at all when the registry has them.
    expect(cache.since(mark).some(e => e.op === 'download' && e.kind === 'index')).toBe(true)
    for (const t of TARGETS) {
      const warm = (await describeImage(image(t), 'main')) as ImageDescription
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        expect(runLayer(warm, platform)).toBeDefined()
        expect(runLayer(warm, platform)).toBe(runLayer(cold[t], platform))
      }
    }
  })

  it('control: without the gha cache the same build after pruning runs its RUN steps again', async () => {
    await docker(['buildx', 'prune', '-af'])
    const mark = cache.mark()
    const result = await publish({
      workspace,
      context: pushContext('refs/heads/control'),
      api: e2e.api,
      inputs: { 'image-prefix': prefix, cache: 'none', sbom: 'false', provenance: 'false' }
    })
    expectOk(result)
    expect(cache.since(mark)).toEqual([])
    for (const t of TARGETS) {
      const d = (await describeImage(image(t), 'control')) as ImageDescription
      expect(runLayer(d, 'linux/amd64')).not.toBe(runLayer(cold[t], 'linux/amd64'))
    }
  })

  it('a pull request build reads the scopes and writes nothing', async () => {
    await docker(['buildx', 'prune', '-af'])
    const mark = cache.mark()
    const entriesBefore = cache.entries.length
    const pr = pullRequestContext(7, { headRef: 'feature/cache' })
    // What the runner gives a pull request job: write on the PR's merge ref, read on the base branch.
    const result = await build(pr, ['refs/heads/main:r', 'refs/pull/7/merge:rw'])
    expectOk(result)
    expect(cache.readScopes(mark)).toEqual(TARGETS.map(t => `${SCOPE_PREFIX}${t}`))
    expect(cache.writeAttempts(mark)).toEqual([])
    expect(cache.entries.length).toBe(entriesBefore)
    for (const t of TARGETS) {
      expect(await registryTags(image(t))).toContain('pr-7')
      const d = (await describeImage(image(t), 'pr-7')) as ImageDescription
      if (runLayer(d, 'linux/amd64') !== runLayer(cold[t], 'linux/amd64')) {
        for (const e of cache.since(mark))
          console.log(`${e.op} ${e.key ?? ''} ${e.hit ?? ''} ${e.status ?? ''} ${e.bytes ?? ''}`)
        console.log(
          result.main.stdout
            .split('\n')
            .filter(l => /cache|RUN|CACHED|ERROR|DONE/i.test(l))
            .join('\n')
        )
      }
      expect(runLayer(d, 'linux/amd64')).toBe(runLayer(cold[t], 'linux/amd64'))
    }
  })
  it('without the runner’s cache variables the build runs uncached, with a warning saying why', async () => {
    const mark = cache.mark()
    const result = await publish({
      workspace,
      context: pushContext('refs/heads/no-cache-env'),
      api: e2e.api,
      inputs: { 'image-prefix': prefix, cache: 'gha', sbom: 'false', provenance: 'false' }
    })
    expectOk(result)
    expect(annotations(result, 'warning').join('\n')).toMatch(
      /cache: gha was requested but the runner gave no cache service/
    )
    expect(cache.since(mark)).toEqual([])
    expect(await registryTags(image('api'))).toContain('no-cache-env')
  })
})
