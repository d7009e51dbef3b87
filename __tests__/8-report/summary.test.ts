import { describe, expect, it } from '@jest/globals'
import { plans } from '../helpers/target-plans.js'
import { readFileSync } from 'node:fs'
import * as yaml from 'js-yaml'
import { parseDigestText } from '../../src/7-publish/merge-digests.js'
import { emptyReport, plannedTargets, type RunReport } from '../../src/7-publish/results.js'
import { cell } from '../../src/8-report/markdown.js'
import { digestsOutput, glance, outputs, renderSummary } from '../../src/8-report/summary.js'

const push = { push: true, reason: 'push event' }

interface ActionYml {
  outputs: Record<string, { description: string }>
}

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
  it('digests output: target → {platform: manifest digest, index: index digest}, as action.yml says', () => {
    const report = publishedReport()
    expect(JSON.parse(outputs(report).digests)).toEqual({
      api: {
        'linux/amd64': 'sha256:' + 'b'.repeat(64),
        'linux/arm64': 'sha256:' + 'c'.repeat(64),
        index: 'sha256:' + 'a'.repeat(64)
      },
      worker: expect.objectContaining({ index: 'sha256:' + 'a'.repeat(64) })
    })
    expect(digestsOutput({ ...emptyReport(), targets: plannedTargets(plans, push, false) })).toEqual({})
    const described = (yaml.load(readFileSync('action.yml', 'utf8')) as ActionYml).outputs.digests.description
    expect(described).toContain('{target: {platform: manifest digest, "index": index digest}}')
  })

  it("digests output: what merge reads back is each leg's index, the one that holds the attestations", () => {
    const report = publishedReport()
    report.targets = report.targets.slice(0, 1)
    report.targets[0].platforms = ['linux/arm64']
    const records = parseDigestText(outputs(report).digests, 'leg')
    expect(records).toEqual([
      {
        target: 'api',
        platform: 'linux/arm64',
        image: undefined,
        digest: 'sha256:' + 'a'.repeat(64),
        source: 'leg'
      }
    ])
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
