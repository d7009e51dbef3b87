// BlackLake's default scheme for the main action.
import { describe, expect, it } from '@jest/globals'
import { BLACKLAKE_DEFAULTS, BLACKLAKE_OPTIONS, computeMeta } from '../../src/2-tags/index.js'
import { loadContext, NOW, REPO } from './helpers.js'

describe('BLACKLAKE_DEFAULTS', () => {
  it.each([
    [
      'stable tag',
      'push_tag',
      { GITHUB_REF: 'refs/tags/v1.2.3' },
      ['v1.2.3', 'v1.2', 'v1', 'sha-860c190', 'latest']
    ],
    ['pre-release', 'push_tag', { GITHUB_REF: 'refs/tags/v2.0.0-rc.1' }, ['v2.0.0-rc.1', 'sha-860c190']],
    [
      'major zero',
      'push_tag',
      { GITHUB_REF: 'refs/tags/v0.4.1' },
      ['v0.4.1', 'v0.4', 'sha-860c190', 'latest']
    ],
    ['branch', 'push_branch', { GITHUB_REF: 'refs/heads/feature/login' }, ['feature-login', 'sha-860c190']],
    ['default branch', 'push_default_branch', {}, ['master', 'sha-860c190']],
    ['pull request', 'pull_request', { GITHUB_REF: 'refs/pull/42/merge' }, ['pr-42', 'sha-860c190']]
  ])('%s', (_name, fixture, env, expected) => {
    const meta = computeMeta(
      { images: 'ghcr.io/blacklake/app', labels: '', annotations: '', ...BLACKLAKE_DEFAULTS },
      loadContext(fixture, env),
      REPO,
      { now: NOW, env: {}, ...BLACKLAKE_OPTIONS }
    )
    expect(meta.tagNames).toEqual(expected)
  })
})
