import { describe, expect, it } from '@jest/globals'
import { parseDefinition, type BakeDefinition } from '../../src/3-plan/definition.js'
import {
  assertLinkedPlatforms,
  classifyTargets,
  describeEntry,
  linkedTargets,
  requestedTargets
} from '../../src/3-plan/selection.js'
import { captured, corpusCases } from '../helpers/corpus.js'

const corpus = (name: string, version: '0.13' | '0.29' = '0.29') =>
  parseDefinition(
    captured(
      corpusCases().find(c => c.name === name)!,
      'print',
      version
    )
  )

describe('requested targets', () => {
  it('expand groups of groups and matrix blocks (printed as groups)', () => {
    expect(requestedTargets(corpus('groups-of-groups'), ['all'])).toEqual(['api', 'bundle', 'web', 'worker'])
    expect(requestedTargets(corpus('monorepo'), ['default'])).toEqual(['api', 'docs', 'web', 'worker'])
    expect(requestedTargets(corpus('os-variants'), ['app'])).toEqual(['app-alpine', 'app-debian'])
  })

  it('treat a name that bake prints as both its default group and a target as the target', () => {
    // Requesting target `default` prints `"default": {"targets": ["default"]}` (0.29) or no group (0.13).
    expect(requestedTargets(corpus('platform-local'), ['default'])).toEqual(['default'])
    expect(requestedTargets(corpus('platform-local', '0.13'), ['default'])).toEqual(['default'])
  })
})

describe('roles', () => {
  it('stages are what only target: contexts reach; requested ones stay images', () => {
    for (const v of ['0.13', '0.29'] as const) {
      const roles = classifyTargets(corpus('base-chain', v), ['default'])
      expect(Object.fromEntries(roles)).toEqual({
        app: { kind: 'image' },
        os: { kind: 'stage', of: ['runtime'] },
        runtime: { kind: 'stage', of: ['app', 'toolchain'] },
        toolchain: { kind: 'image' }
      })
    }
    expect(linkedTargets({ contexts: { a: 'target:x', b: 'docker-image://y', c: 'target:z' } })).toEqual([
      'x',
      'z'
    ])
  })

  it('a call other than build, and outputs with no image among them, are not images', () => {
    const roles = classifyTargets(corpus('call-check'), ['default'])
    expect(roles.get('lint')).toEqual({ kind: 'call', call: 'check' })
    const d = corpus('declared-outputs')
    // `type=image` next to `type=docker`, or `type=registry`: pushed under --push, so images.
    expect([...classifyTargets(d, ['default']).values()]).toEqual([{ kind: 'image' }, { kind: 'image' }])
    expect(classifyTargets(corpus('local-default'), ['default', 'artifacts']).get('artifacts')).toEqual({
      kind: 'output',
      outputs: ['type=local,dest=out']
    })
    expect(describeEntry({ dest: 'x', type: 'tar' })).toBe('type=tar,dest=x')
  })
})

describe('platforms of linked targets', () => {
  const def: BakeDefinition = {
    target: {
      base: { platforms: ['linux/amd64', 'linux/arm64/v8'] },
      mid: { contexts: { base: 'target:base' } },
      app: { contexts: { mid: 'target:mid' } }
    }
  }

  it('pass when every planned platform is one the stage builds (transitively, spellings normalized)', () => {
    expect(() => assertLinkedPlatforms(def, new Map([['app', ['linux/arm64']]]))).not.toThrow()
  })

  it('are refused before building when bake would refuse them, saying what to change', () => {
    expect(() => assertLinkedPlatforms(def, new Map([['app', ['linux/amd64', 'linux/s390x']]]))).toThrow(
      "Target 'app' is planned for linux/amd64, linux/s390x but builds on target 'base' (a target: context), " +
        'which is built for linux/amd64, linux/arm64/v8 only: buildx would refuse (not a subset). Declare ' +
        "platforms on 'app' within those of 'base', widen 'base', or set the platforms input."
    )
  })

  it("read a stage's `local` as this machine's platform", () => {
    const local: BakeDefinition = {
      target: { base: { platforms: ['local'] }, app: { contexts: { b: 'target:base' } } }
    }
    expect(() =>
      assertLinkedPlatforms(local, new Map([['app', ['linux/arm64']]]), () => 'linux/arm64')
    ).not.toThrow()
    expect(() =>
      assertLinkedPlatforms(local, new Map([['app', ['linux/amd64']]]), () => 'linux/arm64')
    ).toThrow(/built for local only/)
  })

  it("use a linked image target's planned platforms, not its own", () => {
    const planned = new Map([
      ['base', ['linux/amd64']],
      ['app', ['linux/amd64', 'linux/arm64']]
    ])
    expect(() => assertLinkedPlatforms(def, planned)).toThrow(/builds on target 'base'.*linux\/amd64 only/)
  })
})
