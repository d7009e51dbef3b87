import { describe, expect, it } from '@jest/globals'
import type { RunContext } from '../../src/1-context/context.js'
import { parseInputs, type InputName } from '../../src/1-context/inputs.js'
import { resolveMeta } from '../../src/2-tags/action-tags.js'
import { runContext } from '../helpers/run-context.js'

function ctx(eventName: string, ref: string, payload: Record<string, unknown> = {}): RunContext {
  return runContext({
    eventName,
    ref,
    repository: { owner: 'acme', repo: 'demo' },
    apiUrl: 'http://127.0.0.1:9',
    payload: { repository: { default_branch: 'main' }, ...payload }
  })
}

const inputs = (values: Partial<Record<InputName, string>> = {}) => parseInputs(name => values[name] ?? '')

describe('tags the main action computes (tag engine with BlackLake defaults)', () => {
  it.each<[string, RunContext, string, string[]]>([
    [
      'release tag',
      ctx('push', 'refs/tags/v1.2.3'),
      'v1.2.3',
      ['v1.2.3', 'v1.2', 'v1', 'sha-a1b2c3d', 'latest']
    ],
    [
      'v0 release: no bare v0',
      ctx('push', 'refs/tags/v0.3.0'),
      'v0.3.0',
      ['v0.3.0', 'v0.3', 'sha-a1b2c3d', 'latest']
    ],
    ['branch', ctx('push', 'refs/heads/feature/login'), 'feature-login', ['feature-login', 'sha-a1b2c3d']],
    ['pull request', ctx('pull_request', 'refs/pull/42/merge'), 'pr-42', ['pr-42', 'sha-a1b2c3d']]
  ])('%s', (_name, c, version, tags) => {
    const meta = resolveMeta(inputs(), c, undefined)
    expect(meta.version).toBe(version)
    expect(meta.tagNames).toEqual(tags)
    expect(meta.labels).toContain(
      'org.opencontainers.image.revision=a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
    )
  })

  it('uses the tags input instead of the defaults when given', () => {
    const meta = resolveMeta(
      inputs({ tags: 'type=raw,value=nightly' }),
      ctx('schedule', 'refs/heads/main'),
      undefined
    )
    expect(meta.tagNames).toEqual(['nightly'])
  })

  it('turns a hostile branch name into a safe tag', () => {
    const meta = resolveMeta(inputs(), ctx('push', 'refs/heads/x/$(id)`rm -rf /`;a|b'), undefined)
    for (const t of meta.tagNames) expect(t).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
  })
})

describe('pr-<N>-<short head sha>: the head a reviewer sees, not the merge commit', () => {
  const head = '0123456789abcdef0123456789abcdef01234567'
  const pr = (fork: boolean) =>
    ctx('pull_request', 'refs/pull/42/merge', {
      pull_request: {
        number: 42,
        head: { sha: head, repo: { full_name: fork ? 'someone/demo' : 'acme/demo', fork } },
        base: { repo: { full_name: 'acme/demo' } }
      }
    })

  it('adds pr-42-<7 of the head, not the merge commit> with the default tags', () => {
    expect(resolveMeta(inputs(), pr(false), undefined).tagNames).toEqual([
      'pr-42',
      'sha-a1b2c3d',
      'pr-42-0123456'
    ])
  })

  it('not for a fork, not when the user wrote the tags', () => {
    expect(resolveMeta(inputs(), pr(true), undefined).tagNames).toEqual(['pr-42', 'sha-a1b2c3d'])
    expect(resolveMeta(inputs({ tags: 'type=ref,event=pr' }), pr(false), undefined).tagNames).toEqual([
      'pr-42'
    ])
  })

  it('strips monotonic= from the flavor before the tag engine (which rejects unknown keys)', () => {
    const meta = resolveMeta(
      inputs({ flavor: 'latest=false,monotonic=false' }),
      ctx('push', 'refs/tags/v1.2.3'),
      undefined
    )
    expect(meta.tagNames).toEqual(['v1.2.3', 'v1.2', 'v1', 'sha-a1b2c3d'])
  })
})
