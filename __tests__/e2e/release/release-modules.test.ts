// The release modules against what the real engine pushes: one two-platform target with SBOM and provenance
// built by `docker buildx bake` into the local registry, then tag policy, verification and metrics read back
// through the registry client.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { e2eEnv } from '../../../scripts/harness/e2e.mjs'
import { addSizes, parseProgress, platformSizes } from '../../../src/8-report/metrics.js'
import { RegistryClient } from '../../../src/6-registry/client.js'
import { planImageTags, recheckImmutableTags } from '../../../src/7-publish/tag-policy.js'
import { verifyPushed } from '../../../src/7-publish/verify.js'

const exec = promisify(execFile)
const env = await e2eEnv()
const project = path.join(process.cwd(), '__tests__/fixtures/progress/bake-src')
const image = `${env.E2E_REGISTRY}/e2e-release/${Date.now().toString(36)}-api`
const released = ['v1.3.0', 'v1.3', 'v1', 'latest']
const client = new RegistryClient({ retry: { minTimeoutMs: 200, maxTimeoutMs: 1000 } })

let digest = ''
let progress = ''

beforeAll(async () => {
  const args = ['buildx', 'bake', '--file', 'docker-bake.hcl', 'api', '--push', '--progress=plain']
  args.push('--provenance=mode=max', `--sbom=generator=${env.E2E_SBOM_GENERATOR}`)
  for (const t of released) args.push('--set', `api.tags=${image}:${t}`)
  const { stderr } = await exec('docker', args, { cwd: project, maxBuffer: 64 * 1024 * 1024 })
  progress = stderr
  digest = (await client.headDigest(`${image}:v1.3.0`)) ?? ''
}, 300_000)

describe('tag policy against the registry', () => {
  it('a first release of a new repository moves everything', async () => {
    const plan = await planImageTags(client, `${image}-new`, 'v1.0.0', ['v1.0.0', 'v1.0', 'v1', 'latest'])
    expect(plan).toMatchObject({
      apply: ['v1.0.0', 'v1.0', 'v1', 'latest'],
      withheld: [],
      conflicts: [],
      existing: []
    })
  })

  it('v1.2.9 after v1.3.0: v1.2 moves, v1 and latest stay', async () => {
    const plan = await planImageTags(client, image, 'v1.2.9', [
      'v1.2.9',
      'v1.2',
      'v1',
      'latest',
      'sha-abc1234'
    ])
    expect(plan.apply).toEqual(['v1.2.9', 'v1.2', 'sha-abc1234'])
    expect(plan.withheld).toEqual([
      { tag: 'v1', reason: 'v1.2.9 < v1.3.0' },
      { tag: 'latest', reason: 'v1.2.9 < v1.3.0' }
    ])
    expect(plan.conflicts).toEqual([])
  })

  it('re-releasing v1.3.0 is a conflict naming the digest it holds, unless overwrite', async () => {
    const plan = await planImageTags(client, image, 'v1.3.0', released)
    expect(plan.conflicts).toEqual([{ image, tag: 'v1.3.0', existingDigest: digest }])
    expect((await planImageTags(client, image, 'v1.3.0', released, { overwrite: true })).conflicts).toEqual(
      []
    )
  })

  it('after a push by digest: the same digest may be tagged, another may not', async () => {
    expect(await recheckImmutableTags(client, image, released, digest)).toEqual([])
    const other = 'sha256:' + '0'.repeat(64)
    expect(await recheckImmutableTags(client, image, released, other)).toEqual([
      { image, tag: 'v1.3.0', existingDigest: digest }
    ])
  })
})

describe('post-push verification of a real BuildKit push', () => {
  it('holds: both platforms, one attestation manifest each, every tag on the index', async () => {
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    const diffs = await verifyPushed(client, {
      image,
      digest,
      platforms: ['linux/amd64', 'linux/arm64'],
      attestations: true,
      tags: released
    })
    expect(diffs).toEqual([])
  })

  it('reports a missing platform and a tag that does not exist', async () => {
    const diffs = await verifyPushed(client, {
      image,
      digest,
      platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
      attestations: true,
      tags: ['v1.3.0', 'v1.3.1']
    })
    expect(diffs).toEqual([
      expect.stringMatching(/platform linux\/s390x is missing \(index has linux\/amd64, linux\/arm64\)$/),
      expect.stringMatching(/:v1\.3\.1 does not exist/)
    ])
  })
})

describe('metrics of a real build', () => {
  it('progress per platform plus sizes from the registry', async () => {
    const sizes = await platformSizes(client, image, digest)
    expect([...sizes.keys()].sort()).toEqual(['linux/amd64', 'linux/arm64'])
    const metrics = addSizes(
      parseProgress(progress, { targets: ['api'], defaultTarget: 'api' }),
      'api',
      sizes
    )
    if (metrics.length !== 2) console.log(progress)
    expect(metrics.map(m => m.platform).sort()).toEqual(['linux/amd64', 'linux/arm64'])
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
