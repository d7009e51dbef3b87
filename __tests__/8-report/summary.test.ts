import { describe, expect, it } from '@jest/globals'
import type { TargetPlan } from '../../src/3-plan/targets.js'
import type { BakeRunResult, TargetMetadata } from '../../src/5-build/bake-run.js'
import { plannedTargets, recordBuild } from '../../src/7-publish/publish.js'
import {
  cell,
  digestsOutput,
  emptyReport,
  glance,
  outputs,
  renderSummary,
  type RunReport
} from '../../src/8-report/summary.js'
import { fixture, jsonFixture } from '../helpers/bake-fixtures.js'

const plan = (target: string, image: string, producesImage = true): TargetPlan => ({
  target,
  producesImage,
  skipReason: producesImage
    ? undefined
    : 'its output is type=local, not an image: built as declared, nothing tagged',
  image,
  imageSource: 'registry/image-prefix',
  tags: producesImage ? [`${image}:v1.2.3`, `${image}:latest`] : [],
  platforms: ['linux/amd64', 'linux/arm64'],
  labels: {},
  annotations: [],
  cache: { from: [], to: undefined },
  attest: [],
  output: []
})

const plans = [
  plan('api', 'localhost:5000/dtest/api'),
  plan('worker', 'localhost:5000/dtest/worker'),
  plan('docs', 'localhost:5000/dtest/docs', false)
]
const push = { push: true, reason: 'push event' }

function built(ok: boolean, progressFile?: string): BakeRunResult {
  const metadata = ok ? jsonFixture<Record<string, TargetMetadata>>('metadata-two-targets.json') : {}
  return {
    ok,
    metadata,
    metadataJson: JSON.stringify(metadata),
    progress: progressFile ? fixture(progressFile) : '',
    durationMs: 1
  }
}

describe('recording the build', () => {
  it('a successful push leaves every image target pushed by digest and untagged until the tagging phase', () => {
    const targets = plannedTargets(plans, push, false)
    recordBuild(targets, built(true), true, push.reason)
    expect(targets.map(t => [t.target, t.status, t.pushed, t.digest])).toEqual([
      ['api', 'untagged', false, 'sha256:2d247febe48cc25fd8d10f72586c79cb576871160d2b5cdfd6e5859f36b9de1b'],
      [
        'worker',
        'untagged',
        false,
        'sha256:1db3c87801030ee5e4cc02586acbfdb6566aa935cd2cdde66250f184c6b72b05'
      ],
      ['docs', 'skipped', false, undefined]
    ])
  })

  it('a failed build says what was pushed and left untagged, and what was not built', () => {
    const failedPlans = [
      plan('api', 'localhost:5000/dfail/api'),
      plan('worker', 'localhost:5000/dfail/worker')
    ]
    const targets = plannedTargets(failedPlans, push, false)
    recordBuild(targets, built(false, 'progress-failure-multi-platform.txt'), true, push.reason)
    expect(targets.map(t => [t.target, t.status, t.pushed, t.tags])).toEqual([
      ['api', 'untagged', false, []],
      ['worker', 'not-built', false, []]
    ])
    expect(targets[0].reason).toMatch(/left untagged: another part of the build failed/)
  })

  it('a build-only run keeps the reason it did not push', () => {
    const fork = { push: false, reason: 'pull request from a fork: built only, never pushed' }
    const targets = plannedTargets(plans, fork, false)
    recordBuild(targets, built(true), false, fork.reason)
    expect(targets[0]).toMatchObject({
      status: 'built',
      pushed: false,
      digest: undefined,
      reason: fork.reason
    })
  })

  it('a dry run says what a real run would do', () => {
    expect(plannedTargets(plans, push, true)[0].reason).toBe('dry run: would push')
  })
})

function publishedReport(): RunReport {
  const report = {
    ...emptyReport(),
    version: 'v1.2.3',
    push,
    bakeFile: '/tmp/x/multiarch-override.json',
    metadataJson: '{}'
  }
  report.targets = plannedTargets(plans, push, false)
  for (const t of report.targets.slice(0, 2)) {
    Object.assign(t, {
      status: 'pushed',
      pushed: true,
      digest: 'sha256:' + 'a'.repeat(64),
      tags: t.requestedTags,
      platformDigests: {
        'linux/amd64': 'sha256:' + 'b'.repeat(64),
        'linux/arm64': 'sha256:' + 'c'.repeat(64)
      }
    })
  }
  return report
}

describe('outputs', () => {
  it('list every pushed reference, images keyed by target, and pushed=true only when all were tagged', () => {
    const report = publishedReport()
    const o = outputs(report)
    expect(o.version).toBe('v1.2.3')
    expect(o.tags.split('\n')).toEqual([
      'localhost:5000/dtest/api:v1.2.3',
      'localhost:5000/dtest/api:latest',
      'localhost:5000/dtest/worker:v1.2.3',
      'localhost:5000/dtest/worker:latest'
    ])
    expect(JSON.parse(o.images)).toEqual({
      api: {
        image: 'localhost:5000/dtest/api',
        tags: ['localhost:5000/dtest/api:v1.2.3', 'localhost:5000/dtest/api:latest'],
        platforms: ['linux/amd64', 'linux/arm64'],
        digest: 'sha256:' + 'a'.repeat(64),
        pushed: true
      },
      worker: expect.objectContaining({ pushed: true })
    })
    expect(o['bake-file']).toBe('/tmp/x/multiarch-override.json')
    expect(o.pushed).toBe('true')
    report.targets[1].pushed = false
    expect(outputs(report).pushed).toBe('false')
  })

  it('are still complete after a failure', () => {
    const report = { ...emptyReport(), error: 'Build of worker failed' }
    expect(Object.keys(outputs(report)).sort()).toEqual([
      'bake-file',
      'digests',
      'images',
      'metadata',
      'pushed',
      'tags',
      'version'
    ])
    expect(outputs(report).pushed).toBe('false')
  })
})

describe('summary', () => {
  it('has one row per target × platform with image, tags, digest and pushed', () => {
    const md = renderSummary(publishedReport())
    const rows = md.split('\n').filter(l => l.startsWith('| api') || l.startsWith('| worker'))
    expect(rows).toHaveLength(4)
    expect(rows[1]).toContain('| linux/arm64 |')
    expect(rows[1]).toContain('<code>localhost:5000/dtest/api</code>')
    expect(rows[1]).toContain('<code>v1.2.3</code> <code>latest</code>')
    expect(rows[1]).toContain('sha256:cccccccccccc…')
    expect(rows[1]).toContain('✅ pushed')
    expect(md).toContain('docs: its output is type=local')
  })

  it('says why nothing was pushed, and shows the error', () => {
    const report = publishedReport()
    report.error = 'Build of worker (linux/arm64) failed at `RUN x`'
    report.targets[1].pushed = false
    report.targets[1].reason = 'not pushed: the build failed'
    const md = renderSummary(report)
    expect(md).toContain('> **Failed:** Build of worker (linux/arm64) failed at &#96;RUN x&#96;')
    expect(md).toContain('❌ not pushed: the build failed')
  })

  it('treats hostile text as data', () => {
    const hostile = '<img src=x onerror=alert(1)>|`$(id)`\n| injected |'
    expect(cell(hostile)).toBe(
      '&lt;img src=x onerror=alert(1)&gt;&#124;&#96;$(id)&#96; &#124; injected &#124;'
    )
    const report = publishedReport()
    report.push = { push: false, reason: hostile }
    expect(renderSummary(report)).not.toContain('<img')
  })
})

describe('docker driver (OCI layouts) and digest-only', () => {
  it('a layout target is built, not pushed, until the action uploads it; nothing of it when another failed', () => {
    const targets = plannedTargets(plans, push, false)
    recordBuild(targets, built(true), true, push.reason, new Set(['api', 'worker']))
    expect(targets.map(t => [t.target, t.status, t.pushed])).toEqual([
      ['api', 'built', false],
      ['worker', 'built', false],
      ['docs', 'skipped', false]
    ])
    expect(targets[0].reason).toBe('built; not pushed yet')
    const failed = plannedTargets(plans, push, false)
    // The failure progress shows `pushing manifest` lines of a push-by-digest run: not ours with layouts.
    recordBuild(
      failed,
      built(false, 'progress-failure-multi-platform.txt'),
      true,
      push.reason,
      new Set(['api', 'worker'])
    )
    expect(failed.map(t => t.status)).toEqual(['not-built', 'not-built', 'skipped'])
  })

  it('digests output: target → platform → the pushed index holding that platform', () => {
    const report = publishedReport()
    expect(JSON.parse(outputs(report).digests)).toEqual({
      api: { 'linux/amd64': 'sha256:' + 'a'.repeat(64), 'linux/arm64': 'sha256:' + 'a'.repeat(64) },
      worker: { 'linux/amd64': 'sha256:' + 'a'.repeat(64), 'linux/arm64': 'sha256:' + 'a'.repeat(64) }
    })
    expect(digestsOutput({ ...emptyReport(), targets: plannedTargets(plans, push, false) })).toEqual({})
  })

  it('the summary says at a glance what was published, what was not moved and why', () => {
    const report = publishedReport()
    report.targets[0].tags = ['localhost:5000/dtest/api:v1.2.3']
    report.targets[0].withheld = [{ tag: 'localhost:5000/dtest/api:latest', reason: 'v1.2.3 < v1.3.0' }]
    report.sections.push('### Build metrics\n\n| target |')
    const md = renderSummary(report)
    expect(glance(report)[0]).toBe(
      '- **api** <code>localhost:5000/dtest/api</code>: published <code>v1.2.3</code>; not moved: <code>latest</code> (v1.2.3 &lt; v1.3.0)'
    )
    expect(md.indexOf('published <code>v1.2.3</code>')).toBeLessThan(md.indexOf('| Target |'))
    // Said once: the withheld tag is neither listed again nor shown among the target's tags.
    expect(md.split('v1.2.3 &lt; v1.3.0')).toHaveLength(2)
    expect(md.split('\n').filter(l => l.startsWith('| api'))[0]).not.toContain('<code>latest</code>')
    expect(md).toContain('### Build metrics')
  })

  it('digest-only: pushed by digest, not tagged', () => {
    const report = publishedReport()
    report.digestOnly = true
    for (const t of report.targets) t.tags = []
    expect(glance(report)[0]).toContain('pushed by digest, not tagged')
  })
})
