// Whether this run publishes. `push: auto` publishes for events whose code the repository owns (pushes,
// releases, manual and scheduled runs, pull requests from a branch of the same repository) and never for a
// pull request from a fork: its code is untrusted, and the token GitHub gives such a run cannot write packages
// anyway. The reason is returned so the log and the summary can say why nothing was pushed.
import type { RunContext } from './context.js'
import type { PushMode } from './inputs.js'

export interface PushDecision {
  push: boolean
  reason: string
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])
const PUBLISHING_EVENTS = new Set(['push', 'release', 'workflow_dispatch', 'schedule'])

/**
 * True when the pull request's head lives in another repository than its base. Not `head.repo.fork`: that flag
 * says the head repository is a fork of something, which is true of every branch of a repository that is itself
 * a GitHub fork, same-repository pull requests included.
 */
export function isForkPullRequest(ctx: RunContext): boolean {
  const pr = ctx.payload?.pull_request
  if (!pr) return false
  const head = pr.head?.repo?.full_name
  const base = pr.base?.repo?.full_name ?? `${ctx.repository.owner}/${ctx.repository.repo}`
  if (head === undefined || head === null) return true // deleted fork: treat as untrusted
  return String(head).toLowerCase() !== String(base).toLowerCase()
}

/** The pull request number of a pull_request(_target) event, if any. */
export function pullRequestNumber(ctx: RunContext): number | undefined {
  const n = Number(ctx.payload?.pull_request?.number ?? ctx.payload?.number)
  return /^pull_request/.test(ctx.eventName) && Number.isInteger(n) && n > 0 ? n : undefined
}

/** What a real run would do; a dry run plans with this decision and then builds nothing. */
export function decidePush(mode: PushMode, ctx: RunContext): PushDecision {
  if (mode === 'true') return { push: true, reason: 'push: true' }
  if (mode === 'false') return { push: false, reason: 'push: false' }
  if (PR_EVENTS.has(ctx.eventName)) {
    if (isForkPullRequest(ctx)) {
      return { push: false, reason: 'pull request from a fork: built only, never pushed' }
    }
    return { push: true, reason: 'pull request from a branch of this repository' }
  }
  if (PUBLISHING_EVENTS.has(ctx.eventName)) {
    if (ctx.eventName === 'push' && ctx.payload?.deleted === true) {
      return { push: false, reason: 'push event of a deleted ref' }
    }
    return { push: true, reason: `${ctx.eventName} event` }
  }
  return {
    push: false,
    reason: `${ctx.eventName} events do not publish with push: auto (set push: true to publish)`
  }
}
