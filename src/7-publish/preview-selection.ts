// Which pull requests a preview clean-up takes. On `pull_request` `closed`, that one (not a fork's: it never
// pushed previews); the `pull-request` input names one outright. On any other event (schedule,
// workflow_dispatch) every pull request that still has preview tags is looked up: an open one keeps its previews,
// and a closed one's go once its newest preview image (its `org.opencontainers.image.created`, else the closing
// time) is `older-than` days old.
import * as core from '@actions/core'
import type { RunContext } from '../1-context/context.js'
import { pullState } from '../1-context/pull-state.js'
import { isForkPullRequest, pullRequestNumber } from '../1-context/push-decision.js'
import { planImage, previewNumbersOf, type CleanupAccess, type CleanupImage } from './preview-cleanup.js'

const DAY = 24 * 60 * 60 * 1000

/**
 * The pull request of this event, or `scheduled` when the event names none (look them all up with
 * closedAndOld); undefined, with a notice saying why, when this event has nothing to clean.
 */
export function eventPullRequests(ctx: RunContext, pullRequest?: number): number[] | 'scheduled' | undefined {
  if (pullRequest) return [pullRequest]
  const number = pullRequestNumber(ctx)
  if (number === undefined) return 'scheduled'
  if (ctx.payload?.action !== 'closed') {
    core.notice(
      `Pull request #${number} is not closed (event action '${ctx.payload?.action}'): its previews stay.`
    )
    return undefined
  }
  if (isForkPullRequest(ctx)) {
    core.notice(
      `Pull request #${number} comes from a fork: it never pushed previews, so there is nothing to remove.`
    )
    return undefined
  }
  return [number]
}

export interface ScheduledOptions {
  ctx: RunContext
  /** Reads the pull requests' state. */
  githubToken: string
  olderThanDays: number
  now: Date
  access: CleanupAccess
  /** Why a pull request's previews stay, for the summary. */
  notes: string[]
}

/** Scheduled mode: the closed pull requests whose newest preview image is older than the limit. */
export async function closedAndOld(images: CleanupImage[], o: ScheduledOptions): Promise<number[]> {
  const found = new Set<number>()
  for (const { image } of images) {
    for (const n of await previewNumbersOf(o.access.client, image, o.access.packagesFor(image))) found.add(n)
  }
  const cutoff = o.now.getTime() - o.olderThanDays * DAY
  const { owner, repo } = o.ctx.repository
  const out: number[] = []
  for (const n of [...found].sort((a, b) => a - b)) {
    const pr = await pullState({ token: o.githubToken, owner, repo, apiUrl: o.ctx.apiUrl }, n)
    if (!pr) {
      o.notes.push(`#${n}: no such pull request in ${owner}/${repo}; its previews are left alone`)
      continue
    }
    if (pr.state === 'open') {
      o.notes.push(`#${n}: open; previews kept`)
      continue
    }
    let newest: Date | undefined
    for (const { target, image } of images) {
      const p = await planImage({
        target,
        image,
        numbers: [n],
        client: o.access.client,
        packages: o.access.packagesFor(image)
      })
      if (p.plan.newest && (!newest || p.plan.newest > newest)) newest = p.plan.newest
    }
    const at = newest ?? pr.closedAt
    const age = at ? Math.floor((o.now.getTime() - at.getTime()) / DAY) : undefined
    if (at && at.getTime() <= cutoff) {
      out.push(n)
      core.info(`#${n}: closed; newest preview ${age} day(s) old: removed`)
    } else {
      o.notes.push(
        `#${n}: closed, but its newest ${newest ? 'preview image' : 'closing'} is ${age ?? '?'} day(s) old ` +
          `(< ${o.olderThanDays}); previews kept for now`
      )
    }
  }
  return out
}
