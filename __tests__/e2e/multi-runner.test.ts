// Multi-runner publish on the real engine: plan → one main-action run per target × platform with
// digest-only: true (linux/arm64 under QEMU here, standing in for the native arm64 runner) → merge. The
// registry must hold what the single-job path publishes for the same release: the same tags, platforms and
// one attestation manifest (SBOM + provenance) per platform. Then a release whose arm64 legs never reported
// a digest: merge fails naming them, and no tag of either image moves. On a same-repository pull request merge
// writes the sticky preview comment (created, then updated in place; the digest-only legs write none); a fork
// PR makes no comment API call.
import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  type EventContext,
  type ImageDescription,
  describeImage,
  imagesOutput,
  publish,
  pullRequestContext,
  pushContext,
  registryManifest,
  registryTags,
  uniqueName,
  workspaceFrom
} from '../../scripts/harness/e2e.mjs'
import { multiRunner } from '../../scripts/harness/multi-runner.mjs'
import type { RunResult } from '../../scripts/harness/runner.mjs'
import { e2eSetup, failureOutput } from '../helpers/e2e-setup.js'

const e2e = e2eSetup()

const TARGETS = ['api', 'worker']
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const RELEASE = ['latest', 'v1', 'v1.2', 'v1.2.3']

let multi: Awaited<ReturnType<typeof multiRunner>>
let single: RunResult
let context: EventContext
const prefixes = { multi: uniqueName('e2e-multi'), single: uniqueName('e2e-single') }
const image = (kind: 'multi' | 'single', target: string) => `${e2e.registry}/${prefixes[kind]}/${target}`
const short = (sha: string) => `sha-${sha.slice(0, 7)}`

beforeAll(async () => {
  context = pushContext('refs/tags/v1.2.3')
  const env = { GITHUB_API_URL: e2e.api.url }
  const inputs = { targets: TARGETS.join(','), platforms: PLATFORMS.join(',') }
  multi = await multiRunner({
    workspace: await workspaceFrom('basic'),
    context,
    env,
    inputs: { ...inputs, 'image-prefix': prefixes.multi }
  })
  single = await publish({
    workspace: await workspaceFrom('basic'),
    context,
    api: e2e.api,
    inputs: { ...inputs, 'image-prefix': prefixes.single }
  })
})

describe('plan → build by digest → merge (release v1.2.3, two targets)', () => {
  it('plans one leg per target × platform, arm64 on the arm runner, none emulated', () => {
    expect(multi.plan.result.main.exitCode).toBe(0)
    expect(multi.plan.matrix.include.map(e => [e.target, e.platform, e.runner, e.qemu])).toEqual([
      ['api', 'linux/amd64', 'ubuntu-24.04', false],
      ['api', 'linux/arm64', 'ubuntu-24.04-arm', false],
      ['worker', 'linux/amd64', 'ubuntu-24.04', false],
      ['worker', 'linux/arm64', 'ubuntu-24.04-arm', false]
    ])
    expect(JSON.parse(multi.plan.result.main.outputs.tags)).toEqual(
      expect.arrayContaining([...RELEASE, short(context.sha)])
    )
  })

  it('every leg succeeds', () => {
    for (const l of multi.legs) expect([l.leg.slug, failureOutput(l.result)]).toEqual([l.leg.slug, ''])
    expect(multi.legs).toHaveLength(4)
  })

  it('merge succeeds and reports every image pushed', () => {
    const { main } = multi.merge.result
    expect(failureOutput(multi.merge.result)).toBe('')
    expect(main.outputs.pushed).toBe('true')
    expect(main.outputs.version).toBe('v1.2.3')
  })

  it.each(TARGETS)('%s: the same tags as the single-job path', async target => {
    expect(failureOutput(single)).toBe('')
    const multiTags = await registryTags(image('multi', target))
    expect(multiTags).toEqual([...RELEASE, short(context.sha)].sort())
    expect(multiTags).toEqual(await registryTags(image('single', target)))
  })

  it.each(TARGETS)('%s: same platforms and one SBOM + provenance attestation per platform', async target => {
    const m = (await describeImage(image('multi', target), 'v1.2.3')) as ImageDescription
    const s = (await describeImage(image('single', target), 'v1.2.3')) as ImageDescription
    expect(m.platforms.map(p => p.platform)).toEqual(PLATFORMS)
    expect(m.platforms.map(p => p.platform)).toEqual(s.platforms.map(p => p.platform))
    expect(m.attestations).toHaveLength(s.attestations.length)
    expect(m.attestations.map(a => a.refersTo).sort()).toEqual(m.platforms.map(p => p.digest).sort())
    const types = (d: ImageDescription) => d.attestations.map(a => a.predicateTypes.join(' ')).sort()
    expect(types(m)).toEqual(types(s))
    for (const a of m.attestations) {
      expect(a.predicateTypes).toContain('https://spdx.dev/Document')
      expect(a.predicateTypes.some(p => /^https:\/\/slsa\.dev\/provenance\//.test(p))).toBe(true)
    }
  })

  it.each(TARGETS)(
    '%s: every tag resolves to the index merge reports; both platforms share the labels',
    async t => {
      const d = (await describeImage(image('multi', t), 'v1.2.3')) as ImageDescription
      for (const tag of [...RELEASE, short(context.sha)]) {
        expect((await describeImage(image('multi', t), tag))?.digest).toBe(d.digest)
      }
      const out = imagesOutput(multi.merge.result)[t]
      expect(out.digest).toBe(d.digest)
      expect(out.pushed).toBe(true)
      // The legs got the plan's labels: one `created` date across runners, as a single build has.
      const [amd, arm] = d.platforms.map(p => p.labels)
      expect(amd['org.opencontainers.image.created']).toBeTruthy()
      expect(arm['org.opencontainers.image.created']).toBe(amd['org.opencontainers.image.created'])
      expect(amd['org.opencontainers.image.version']).toBe('v1.2.3')
      // Merge puts the plan's annotations on the index.
      const index = await registryManifest(image('multi', t), 'v1.2.3')
      expect((index?.json.annotations as Record<string, string>)['org.opencontainers.image.version']).toBe(
        'v1.2.3'
      )
    }
  )
})

describe('a release whose linux/arm64 legs reported no digest', () => {
  let failed: Awaited<ReturnType<typeof multiRunner>>
  const before: Record<string, string[]> = {}
  const digestBefore: Record<string, string | undefined> = {}

  beforeAll(async () => {
    for (const t of TARGETS) {
      before[t] = await registryTags(image('multi', t))
      digestBefore[t] = (await describeImage(image('multi', t), 'latest'))?.digest
    }
    failed = await multiRunner({
      workspace: await workspaceFrom('basic'),
      context: pushContext('refs/tags/v1.2.4'),
      env: { GITHUB_API_URL: e2e.api.url },
      inputs: { targets: TARGETS.join(','), platforms: PLATFORMS.join(','), 'image-prefix': prefixes.multi },
      only: leg => leg.platform === 'linux/amd64'
    })
  })

  it('merge fails naming every missing target/platform', () => {
    const { main } = failed.merge.result
    expect(main.exitCode).not.toBe(0)
    expect(main.stdout).toContain('api linux/arm64: no digest')
    expect(main.stdout).toContain('worker linux/arm64: no digest')
    expect(main.outputs.pushed).toBe('false')
  })

  it.each(TARGETS)('%s: no tag moved (latest still on v1.2.3, no v1.2.4)', async t => {
    expect(await registryTags(image('multi', t))).toEqual(before[t])
    expect((await describeImage(image('multi', t), 'latest'))?.digest).toBe(digestBefore[t])
  })
})

describe('the release rules hold in merge', () => {
  it('v1.2.2 after v1.2.3: v1.2.2 and its sha tag move; latest, v1 and v1.2 are withheld with the reason', async () => {
    const latest = (await describeImage(image('multi', 'api'), 'latest'))?.digest
    const m = await multiRunner({
      workspace: await workspaceFrom('basic'),
      context: pushContext('refs/tags/v1.2.2'),
      env: { GITHUB_API_URL: e2e.api.url },
      inputs: { targets: 'api', platforms: PLATFORMS.join(','), 'image-prefix': prefixes.multi }
    })
    expect(failureOutput(m.merge.result)).toBe('')
    const v122 = (await describeImage(image('multi', 'api'), 'v1.2.2'))?.digest
    expect(v122).toBeDefined()
    expect(v122).not.toBe(latest)
    for (const tag of ['latest', 'v1', 'v1.2']) {
      expect((await describeImage(image('multi', 'api'), tag))?.digest).toBe(latest)
    }
    expect(m.merge.result.main.summary).toContain('v1.2.2 &lt; v1.2.3')
  })

  it('re-releasing v1.2.3 with new content fails before any tag moves, naming image and tag', async () => {
    const before = await registryTags(image('multi', 'api'))
    const v123 = (await describeImage(image('multi', 'api'), 'v1.2.3'))?.digest
    const m = await multiRunner({
      workspace: await workspaceFrom('basic'),
      context: pushContext('refs/tags/v1.2.3'),
      env: { GITHUB_API_URL: e2e.api.url },
      inputs: { targets: 'api', platforms: PLATFORMS.join(','), 'image-prefix': prefixes.multi }
    })
    expect(m.merge.result.main.exitCode).not.toBe(0)
    expect(m.merge.result.main.stdout).toContain(`${image('multi', 'api')}:v1.2.3 already exists`)
    expect(await registryTags(image('multi', 'api'))).toEqual(before)
    expect((await describeImage(image('multi', 'api'), 'v1.2.3'))?.digest).toBe(v123)
  })
})

describe('PR previews: merge writes the sticky comment', () => {
  const prefix = uniqueName('e2e-multi-pr')
  const api9 = () => `${e2e.registry}/${prefix}/api`
  const calls = () => e2e.api.calls.filter(c => /\/issues\/(\d+\/)?comments/.test(c.path))
  const prRun = async (ctx: EventContext) =>
    multiRunner({
      workspace: await workspaceFrom('basic'),
      context: ctx,
      env: { GITHUB_API_URL: e2e.api.url },
      inputs: { targets: 'api', platforms: PLATFORMS.join(','), 'image-prefix': prefix }
    })
  let first: Awaited<ReturnType<typeof multiRunner>>
  let second: Awaited<ReturnType<typeof multiRunner>>
  let ctx2: EventContext
  beforeAll(async () => {
    first = await prRun(pullRequestContext(9))
    ctx2 = pullRequestContext(9)
    second = await prRun(ctx2)
  })

  it('both runs merge pr-9 and pr-9-<short head sha>', async () => {
    for (const m of [first, second]) {
      for (const l of m.legs) expect([l.leg.slug, failureOutput(l.result)]).toEqual([l.leg.slug, ''])
      expect(failureOutput(m.merge.result)).toBe('')
    }
    expect(await registryTags(api9())).toEqual(
      expect.arrayContaining(['pr-9', `pr-9-${(ctx2.headSha as string).slice(0, 7)}`])
    )
  })

  it('one comment: created by the first merge, updated in place by the second; the legs wrote none', () => {
    expect(calls().map(c => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/blacklake/demo/issues/9/comments',
      'POST /repos/blacklake/demo/issues/9/comments',
      'GET /repos/blacklake/demo/issues/9/comments',
      expect.stringMatching(/^PATCH \/repos\/blacklake\/demo\/issues\/comments\/\d+$/)
    ])
    const list = e2e.api.comments.get('blacklake/demo#9') ?? []
    expect(list).toHaveLength(1)
    const { digest } = imagesOutput(second.merge.result).api
    expect(digest).toMatch(/^sha256:/)
    expect(list[0].body).toContain(`docker pull ${api9()}@${digest}`)
    expect(list[0].body).toContain(`pr-9-${(ctx2.headSha as string).slice(0, 7)}`)
    expect(list[0].body).toContain('| platforms | linux/amd64, linux/arm64 |')
    // The merge job's own marker (workflow/job), apart from a single job's comment in another workflow.
    expect(list[0].body).toMatch(/^<!-- blacklake\/multiarch-action:publish\/merge -->/)
  })

  it('a fork PR: nothing pushed, no comment API call, and the summary says why', async () => {
    const before = calls().length
    const m = await prRun(pullRequestContext(10, { fork: true }))
    expect(failureOutput(m.merge.result)).toBe('')
    expect(m.merge.result.main.outputs.pushed).toBe('false')
    expect(calls()).toHaveLength(before)
    expect(m.merge.result.main.summary).toMatch(/No PR comment: pull request from a fork/)
  })
})
