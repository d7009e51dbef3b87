import { describe, expect, it } from '@jest/globals'
import {
  decideFloatingTags,
  findImmutableConflicts,
  immutableConflictMessage,
  isExactVersionTag
} from '../../src/7-publish/tag-rules.js'

const tags = (s: string) => s.split(/\s+/).filter(Boolean)

describe('decideFloatingTags', () => {
  it.each([
    // name, version, candidates, existing, apply, withheld
    [
      'first release',
      'v1.3.0',
      'v1.3.0 v1.3 v1 latest sha-abc1234',
      '',
      'v1.3.0 v1.3 v1 latest sha-abc1234',
      []
    ],
    [
      'old minor gets a patch: v1.2 moves, v1 and latest stay',
      'v1.2.9',
      'v1.2.9 v1.2 v1 latest sha-abc1234',
      'v1.2.8 v1.2 v1.3.0 v1.3 v1 latest',
      'v1.2.9 v1.2 sha-abc1234',
      [
        ['v1', 'v1.2.9 < v1.3.0'],
        ['latest', 'v1.2.9 < v1.3.0']
      ]
    ],
    [
      'old major gets a patch: only its own lines move',
      '1.4.1',
      '1.4.1 1.4 1 latest',
      '1.4.0 2.0.0 2.1.0',
      '1.4.1 1.4 1',
      [['latest', 'v1.4.1 < 2.1.0']]
    ],
    [
      'old patch re-released in its own minor line: nothing floating moves',
      'v1.2.3',
      'v1.2.3 v1.2 v1 latest',
      'v1.2.4',
      'v1.2.3',
      [
        ['v1.2', 'v1.2.3 < v1.2.4'],
        ['v1', 'v1.2.3 < v1.2.4'],
        ['latest', 'v1.2.3 < v1.2.4']
      ]
    ],
    [
      'same version again moves everything (equal is not lower)',
      'v1.3.0',
      'v1.3.0 v1.3 v1 latest',
      'v1.3.0 v1.3 v1 latest',
      'v1.3.0 v1.3 v1 latest',
      []
    ],
    [
      'pre-releases never move floating tags',
      'v2.0.0-rc.1',
      'v2.0.0-rc.1 v2.0 v2 latest sha-1',
      'v1.3.0',
      'v2.0.0-rc.1 sha-1',
      [
        ['v2.0', 'v2.0.0-rc.1 is a pre-release'],
        ['v2', 'v2.0.0-rc.1 is a pre-release'],
        ['latest', 'v2.0.0-rc.1 is a pre-release']
      ]
    ],
    [
      'existing pre-releases do not count as higher',
      'v1.3.0',
      'v1.3.0 v1 latest',
      'v2.0.0-rc.1 v1.3.0-rc.2 latest',
      'v1.3.0 v1 latest',
      []
    ],
    [
      'non-version existing tags are ignored',
      'v1.0.0',
      'v1.0.0 latest',
      'main pr-12 sha-abc1234 buildcache latest 2024',
      'v1.0.0 latest',
      []
    ],
    [
      'floating tags of another line pass through as raw tags',
      'v1.2.0',
      'v1.2.0 v2 stable',
      'v2.0.0',
      'v1.2.0 v2 stable',
      []
    ],
    [
      'flavor suffix: only that flavor line counts',
      '1.2.0',
      '1.2.0-alpine 1.2-alpine 1-alpine latest',
      '1.3.0 1.2.0-alpine',
      '1.2.0-alpine 1.2-alpine 1-alpine latest',
      []
    ],
    [
      'flavor suffix: a higher release of the same flavor holds the line',
      '1.2.0',
      '1.2.0-alpine 1.2-alpine 1-alpine latest-alpine',
      '1.3.0-alpine',
      '1.2.0-alpine 1.2-alpine',
      [
        ['1-alpine', 'v1.2.0 < 1.3.0-alpine'],
        ['latest-alpine', 'v1.2.0 < 1.3.0-alpine']
      ]
    ]
  ])('%s', (_name, version, candidates, existing, apply, withheld) => {
    const suffix = candidates.includes('-alpine') ? '-alpine' : undefined
    const decision = decideFloatingTags(version, tags(candidates), tags(existing), { suffix })
    expect(decision.apply).toEqual(tags(apply))
    expect(decision.withheld).toEqual(withheld.map(([tag, reason]) => ({ tag, reason })))
  })

  it('flavor prefix', () => {
    const d = decideFloatingTags('v1.2.9', ['app-v1.2.9', 'app-v1.2', 'app-v1'], ['app-v1.3.0', 'v9.0.0'], {
      prefix: 'app-'
    })
    expect(d.apply).toEqual(['app-v1.2.9', 'app-v1.2'])
    expect(d.withheld).toEqual([{ tag: 'app-v1', reason: 'v1.2.9 < app-v1.3.0' }])
  })

  it('can be turned off', () => {
    const d = decideFloatingTags('v1.2.9', ['v1.2.9', 'latest'], ['v1.3.0'], { enabled: false })
    expect(d).toEqual({
      apply: ['v1.2.9', 'latest'],
      withheld: [],
      note: 'monotonic floating tags are turned off'
    })
  })

  it('passes everything through when the version is not semver (branch builds)', () => {
    const d = decideFloatingTags('main', ['main', 'latest', 'sha-1'], ['v1.3.0'])
    expect(d.apply).toEqual(['main', 'latest', 'sha-1'])
    expect(d.withheld).toEqual([])
    expect(d.note).toMatch(/not semver/)
  })
})

describe('immutable release tags', () => {
  it.each([
    ['v1.2.3', true],
    ['1.2.3', true],
    ['v2.0.0-rc.1', true],
    ['v1.2', false],
    ['v1', false],
    ['latest', false],
    ['sha-abc1234', false],
    ['pr-12', false]
  ])('isExactVersionTag(%p) = %p', (tag, expected) => {
    expect(isExactVersionTag(tag)).toBe(expected)
  })

  it('flavored exact versions are exact versions', () => {
    expect(isExactVersionTag('1.2.3-alpine', { suffix: '-alpine' })).toBe(true)
    expect(isExactVersionTag('app-v1.2.3', { prefix: 'app-' })).toBe(true)
    expect(isExactVersionTag('app-v1.2', { prefix: 'app-' })).toBe(false)
  })

  const existing = { 'v1.2.3': 'sha256:aaa', v1: 'sha256:aaa', latest: 'sha256:bbb' }

  it('before building, any existing exact version tag is a conflict; floating tags never are', () => {
    expect(
      findImmutableConflicts('localhost:5000/x/api', ['v1.2.3', 'v1.2', 'v1', 'latest'], existing)
    ).toEqual([{ image: 'localhost:5000/x/api', tag: 'v1.2.3', existingDigest: 'sha256:aaa' }])
  })

  it('after pushing by digest, the same digest is not a conflict, another one is', () => {
    const map = new Map(Object.entries(existing))
    expect(findImmutableConflicts('i', ['v1.2.3'], map, 'sha256:aaa')).toEqual([])
    expect(findImmutableConflicts('i', ['v1.2.3'], map, 'sha256:ccc')).toHaveLength(1)
  })

  it('a new version is never a conflict', () => {
    expect(findImmutableConflicts('i', ['v1.2.4', 'v1.2', 'latest'], existing)).toEqual([])
  })

  it('message names image, tag, digest and the opt-in', () => {
    const msg = immutableConflictMessage(
      [{ image: 'localhost:5000/x/api', tag: 'v1.2.3', existingDigest: 'sha256:aaa' }],
      { input: 'overwrite' }
    )
    expect(msg).toContain('localhost:5000/x/api:v1.2.3 already exists (sha256:aaa)')
    expect(msg).toContain('nothing was pushed')
    expect(msg).toContain('`overwrite: true`')
    expect(immutableConflictMessage([], { afterPush: true })).toContain('no tag was moved')
  })
})
