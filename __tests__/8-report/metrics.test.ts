import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  formatBytes,
  imageSize,
  metricsByPlatform,
  metricsTable,
  parseProgress,
  parseVertexName,
  addSizes
} from '../../src/8-report/metrics.js'

const fixture = (...p: string[]) => readFileSync(path.join(process.cwd(), '__tests__/fixtures', ...p), 'utf8')
const byKey = (list: ReturnType<typeof parseProgress>) =>
  Object.fromEntries(list.map(m => [`${m.target} ${m.platform}`, m]))

describe('parseVertexName', () => {
  it.each([
    ['[api linux/amd64 2/4] RUN echo', {}, { target: 'api', platform: 'linux/amd64', from: false }],
    ['[api linux/arm64/v8 1/4] FROM x', {}, { target: 'api', platform: 'linux/arm64', from: true }],
    [
      '[linux/arm64 builder 3/5] COPY . .',
      { defaultTarget: 'api' },
      { target: 'api', platform: 'linux/arm64', from: false }
    ],
    ['[api linux/amd64 builder 3/5] RUN x', {}, { target: 'api', platform: 'linux/amd64', from: false }],
    [
      '[2/4] RUN x',
      { defaultTarget: 'api', defaultPlatform: 'linux/arm64' },
      { target: 'api', platform: 'linux/arm64', from: false }
    ],
    [
      '[builder 2/4] RUN x',
      { targets: ['api'], defaultTarget: 'api' },
      { target: 'api', platform: 'unknown', from: false }
    ],
    [
      '[web builder 2/4] RUN x',
      { targets: ['api', 'web'] },
      { target: 'web', platform: 'unknown', from: false }
    ],
    ['[api linux/amd64->arm64 build 3/3] RUN x', {}, { target: 'api', platform: 'linux/arm64', from: false }],
    [
      '[linux/amd64->arm/v7 build 2/3] COPY . .',
      { defaultTarget: 'api' },
      { target: 'api', platform: 'linux/arm/v7', from: false }
    ],
    [
      '[api linux/amd64->windows/amd64 build 2/3] RUN x',
      {},
      { target: 'api', platform: 'windows/amd64', from: false }
    ],
    ['[api internal] load build definition from Dockerfile', {}, undefined],
    ['[web linux/amd64 internal] load metadata for x', {}, undefined],
    ['[api linux/amd64] generating sbom using x', {}, undefined],
    ['[web] exporting to image', {}, undefined]
  ])('%s', (name, options, expected) => {
    expect(parseVertexName(name, options)).toEqual(expected)
  })
})

describe('parseProgress on captured Buildx 0.13 output', () => {
  it('cold build: nothing but FROM cached; step time per platform (values checked by hand against the file)', () => {
    const m = byKey(parseProgress(fixture('progress', 'bake-2targets-2platforms-cold.txt')))
    expect(Object.keys(m).sort()).toEqual([
      'api linux/amd64',
      'api linux/arm64',
      'web linux/amd64',
      'web linux/arm64'
    ])
    // api amd64: FROM 0.1 + RUN 0.9 + COPY 0.2 + RUN 0.6
    expect(m['api linux/amd64']).toMatchObject({
      steps: 3,
      cached: 0,
      cacheHitRate: 0,
      stepSeconds: 1.8,
      failed: false
    })
    // web arm64: RUN 1.0 + COPY 0.1 + RUN 1.6 (its FROM is api's vertex #9, never named for web)
    expect(m['web linux/arm64']).toMatchObject({ steps: 3, cached: 0, stepSeconds: 2.7 })
    expect(m['api linux/arm64'].stepSeconds).toBe(2.2)
    expect(m['web linux/amd64'].stepSeconds).toBe(2.4)
  })

  it('warm build: every step cached', () => {
    const list = parseProgress(fixture('progress', 'bake-2targets-2platforms-warm.txt'))
    expect(list).toHaveLength(4)
    for (const m of list) expect(m).toMatchObject({ steps: 3, cached: 3, cacheHitRate: 1, failed: false })
  })

  it('single target and platform: names come from the caller', () => {
    const list = parseProgress(fixture('progress', 'bake-1target-1platform.txt'), {
      defaultTarget: 'api',
      defaultPlatform: 'linux/arm64'
    })
    expect(list).toEqual([
      {
        target: 'api',
        platform: 'linux/arm64',
        steps: 3,
        cached: 3,
        cacheHitRate: 1,
        stepSeconds: 0,
        failed: false
      }
    ])
  })

  it('cross-stage steps (build platform -> target platform) count for the target platform, never `unknown`', () => {
    const m = byKey(parseProgress(fixture('progress', 'bake-cross-stage-2targets-2platforms.txt')))
    expect(Object.keys(m).sort()).toEqual([
      'api linux/amd64',
      'api linux/arm64',
      'ui linux/amd64',
      'ui linux/arm64'
    ])
    // api arm64: `[api linux/amd64->arm64 build 3/3] RUN` 0.7 + runtime COPY 0.0 + RUN 0.9
    expect(m['api linux/arm64']).toMatchObject({ steps: 3, cached: 0, stepSeconds: 1.6 })
    // ui arm64: `[ui linux/amd64->arm64 build 2/3] COPY` 0.0 and `… 3/3] RUN` 1.0 + runtime COPY 0.0 + RUN 0.7
    expect(m['ui linux/arm64']).toMatchObject({ steps: 4, cached: 0, stepSeconds: 1.7 })
    // api amd64 also owns the build stage's COPY BuildKit shared with arm64 (#12, named once, for amd64).
    expect(m['api linux/amd64']).toMatchObject({ steps: 4, stepSeconds: 1.7 })
    expect(m['ui linux/amd64']).toMatchObject({ steps: 3, stepSeconds: 1.6 })
  })

  it('a failing step marks its target and platform only', () => {
    const m = byKey(parseProgress(fixture('bake', 'progress-failure-multi-platform.txt')))
    expect(m['worker linux/arm64'].failed).toBe(true)
    expect(m['worker linux/amd64'].failed).toBe(false)
    expect(m['api linux/amd64']).toMatchObject({ failed: false, cached: 1, steps: 1 })
  })

  it('a status after a re-name belongs to the new name (shared vertex)', () => {
    const text = [
      '#10 [api linux/amd64 2/4] RUN x',
      '#10 DONE 2.0s',
      '#10 [web linux/amd64 2/4] RUN x',
      '#10 CACHED'
    ].join('\n')
    const m = byKey(parseProgress(text))
    expect(m['api linux/amd64']).toMatchObject({ cached: 0, stepSeconds: 2 })
    expect(m['web linux/amd64']).toMatchObject({ cached: 1, stepSeconds: 0 })
  })

  it('drops names borrowed from concurrent builds: FROM-only entries and targets not built here', () => {
    const text = [
      '#5 [1/2] FROM localhost:5000/base/busybox:latest@sha256:abc',
      '#5 DONE 0.1s',
      '#6 [other linux/amd64 2/2] RUN true',
      '#6 CACHED',
      '#7 [api linux/amd64 2/4] RUN x',
      '#7 DONE 1.0s'
    ].join('\n')
    expect(parseProgress(text, { targets: ['api'] }).map(m => `${m.target} ${m.platform}`)).toEqual([
      'api linux/amd64'
    ])
    expect(parseProgress(text).map(m => `${m.target} ${m.platform}`)).toEqual([
      'other linux/amd64',
      'api linux/amd64'
    ])
  })

  it('no steps: rate undefined', () => {
    expect(parseProgress('#1 [internal] load local bake definitions\n#1 DONE 0.0s')).toEqual([])
  })
})

describe('sizes from the registry', () => {
  const manifest = JSON.parse(fixture('registry', 'manifest-linux-amd64.json'))

  it('sums config and layers of a captured manifest', () => {
    expect(imageSize(manifest)).toEqual({ sizeBytes: 1225 + 1069682 + 121 + 109 + 122, layers: 4 })
  })

  it('joins sizes onto progress metrics and renders a table', () => {
    const list = addSizes(
      parseProgress(fixture('progress', 'bake-2targets-2platforms-warm.txt')),
      'api',
      new Map([['linux/amd64', imageSize(manifest)]])
    )
    const api = list.find(m => m.target === 'api' && m.platform === 'linux/amd64')
    expect(api).toMatchObject({ sizeBytes: 1071259, layers: 4 })
    expect(list.find(m => m.target === 'web')?.sizeBytes).toBeUndefined()
    const table = metricsTable(list)
    expect(table).toContain('| api | linux/amd64 | built | 0.1 s | 100% (3/3) | 1.07 MB | 4 |')
    expect(table).toContain('| web | linux/arm64 | built | 0.1 s | 100% (3/3) | – | – |')
    // Every row has as many cells as the header, rows sorted by target then platform.
    const lines = table.split('\n')
    for (const line of lines) expect(line.split('|').length).toBe(lines[0].split('|').length)
    expect(lines.slice(2).map(l => l.split('|')[1].trim())).toEqual(['api', 'api', 'web', 'web'])
    expect(metricsByPlatform(list, 'api')['linux/amd64']).toEqual({
      steps: 3,
      cached: 3,
      cacheHitRate: 1,
      stepSeconds: 0.1,
      failed: false,
      sizeBytes: 1071259,
      layers: 4
    })
    expect(Object.keys(metricsByPlatform(list, 'web')).sort()).toEqual(['linux/amd64', 'linux/arm64'])
  })

  it.each([
    [0, '0 B'],
    [121, '121 B'],
    [1071259, '1.07 MB'],
    [52_400_000, '52.4 MB'],
    [undefined, '–']
  ])('formatBytes(%p) = %s', (n, s) => expect(formatBytes(n)).toBe(s))
})
