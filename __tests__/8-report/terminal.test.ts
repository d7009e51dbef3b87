import { describe, expect, it } from '@jest/globals'
import { emptyReport, plannedTarget, type RunReport } from '../../src/7-publish/results.js'
import { renderLine, renderResult, resultJson } from '../../src/8-report/terminal.js'

describe('renderLine (workflow commands for a terminal)', () => {
  it.each([
    ['::group::Context and tags', false, '\n── Context and tags'],
    ['::endgroup::', false, undefined],
    ['::debug::input driver: "docker"', false, undefined],
    ['::debug::input driver: "docker"', true, 'debug: input driver: "docker"'],
    ['::warning::No repository%0Aon two lines', false, 'warning: No repository\non two lines'],
    ['::error file=x,line=1::100%25 broken', false, 'error: 100% broken'],
    ['::notice::Not pushing: fork', false, 'notice: Not pushing: fork'],
    ['::add-mask::s3cr3t', false, undefined],
    ['plain log line with :: inside', false, 'plain log line with :: inside']
  ])('%j (verbose %p) -> %j', (line, verbose, expected) => {
    expect(renderLine(line, verbose ? 'verbose' : 'normal')).toBe(expected)
  })
})

describe('renderLine levels', () => {
  it('quiet keeps only what needs attention; verbose adds debug', () => {
    expect(renderLine('Version: v1.2.3', 'quiet')).toBeUndefined()
    expect(renderLine('::group::Context and tags', 'quiet')).toBeUndefined()
    expect(renderLine('::warning::careful', 'quiet')).toBe('warning: careful')
    expect(renderLine('::debug::x', 'normal')).toBeUndefined()
    expect(renderLine('::debug::x', 'verbose')).toBe('debug: x')
  })
})

const image = 'localhost:5000/acme/api'
const dryRun = (): RunReport => ({
  ...emptyReport(),
  version: 'v1.2.9',
  dryRun: true,
  push: { push: true, reason: 'push event' },
  targets: [
    {
      ...plannedTarget(
        {
          target: 'api',
          image,
          platforms: ['linux/amd64', 'linux/arm64'],
          requestedTags: ['v1.2.9', 'v1.2', 'v1', 'latest'].map(t => `${image}:${t}`)
        },
        'dry run: would push'
      ),
      withheld: [
        { tag: `${image}:v1`, reason: 'v1.2.9 < v1.3.0' },
        { tag: `${image}:latest`, reason: 'v1.2.9 < v1.3.0' }
      ]
    },
    {
      ...plannedTarget({ target: 'docs', image: 'x/docs', platforms: [], requestedTags: [] }, ''),
      status: 'skipped',
      reason: 'its output is type=local'
    }
  ]
})

describe('the CLI result view', () => {
  it('plan: one row per image, tags once, platforms joined, what would stay and why', () => {
    expect(renderResult(dryRun()).split('\n')).toEqual([
      'Version v1.2.9 · would push (push event)',
      '',
      'TARGET  IMAGE                    PLATFORMS                 WOULD MOVE',
      'api     localhost:5000/acme/api  linux/amd64, linux/arm64  v1.2.9 v1.2',
      '',
      'api: v1, latest would stay where they are (v1.2.9 < v1.3.0)',
      'docs: not an image: its output is type=local',
      ''
    ])
  })

  it('publish: what moved and the index, or why nothing was published', () => {
    const r = { ...dryRun(), dryRun: false }
    Object.assign(r.targets[0], {
      tags: [`${image}:v1.2.9`, `${image}:v1.2`],
      pushed: true,
      status: 'pushed',
      digest: `sha256:${'a'.repeat(64)}`
    })
    const text = renderResult(r)
    expect(text).toContain('api     localhost:5000/acme/api  linux/amd64, linux/arm64  v1.2.9 v1.2\n')
    expect(text).toContain('api: v1, latest stayed where they are (v1.2.9 < v1.3.0)')
    expect(text).toContain(`api: ${image}@sha256:${'a'.repeat(64)}`)
    Object.assign(r.targets[0], {
      pushed: false,
      status: 'not-built',
      reason: 'not pushed: the build failed'
    })
    r.error = 'Build of api failed'
    expect(renderResult(r)).toContain('api: not published (not pushed: the build failed)')
    expect(renderResult(r)).toMatch(/\nFailed: Build of api failed\n$/)
    expect(renderResult(r)).not.toMatch(/<code>|\| /)
  })

  it('--json: tag names without the image, withheld tags with their reason', () => {
    const j = resultJson(dryRun()) as { targets: Record<string, unknown>[] }
    expect(j.targets[0]).toMatchObject({
      target: 'api',
      requestedTags: ['v1.2.9', 'v1.2', 'v1', 'latest'],
      withheld: [
        { tag: 'v1', reason: 'v1.2.9 < v1.3.0' },
        { tag: 'latest', reason: 'v1.2.9 < v1.3.0' }
      ],
      digest: null
    })
    expect(JSON.parse(JSON.stringify(j))).toEqual(j)
  })
})
