// Each target's row through the build: what was pushed, built, left untagged or not built, and why.
import { describe, expect, it } from '@jest/globals'
import { plan, plans } from '../helpers/target-plans.js'
import type { BakeRunResult, TargetMetadata } from '../../src/5-build/bake-run.js'
import { plannedTargets, recordBuild } from '../../src/7-publish/results.js'
import { fixture, jsonFixture } from '../helpers/bake-fixtures.js'

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
})
