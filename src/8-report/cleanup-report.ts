// What a preview clean-up reports: the job summary (what went, or in a dry run what would go, and why; what
// stayed and why) and the pull request's sticky preview comments, rewritten to say the previews were removed.
// The comments are the ones the publishing jobs wrote (src/8-report/pr-comment.ts: one per workflow and job,
// found by its marker); each keeps its marker, so a later preview run of a reopened PR updates it again.
import * as core from '@actions/core'
import type { RunContext } from '../1-context/context.js'
import { pullRequestNumber } from '../1-context/push-decision.js'
import { cell, code } from './markdown.js'
import { commentMarker } from './pr-comment.js'
import { tokenLogin, upsertPrComment, type UpsertResult } from './sticky-comment.js'
import { hasWork, type ImageCleanup } from '../7-publish/preview-cleanup.js'
import { previewTagMatcher } from '../7-publish/preview-graph.js'
import { githubCall, githubClient } from '../lib/github-api.js'

/** The job summary of a clean-up run. */
export function renderCleanupSummary(
  results: ImageCleanup[],
  o: { dryRun: boolean; numbers: number[]; notes?: string[] }
): string {
  const prs = o.numbers.map(n => `#${n}`).join(', ') || 'none'
  const lines = [
    `## Preview clean-up${o.dryRun ? ' (dry run: nothing was deleted)' : ''}`,
    '',
    `Pull requests: ${prs}`,
    ''
  ]
  for (const note of o.notes ?? []) lines.push(`- ${cell(note)}`)
  if (o.notes?.length) lines.push('')
  if (results.length) {
    lines.push(
      `| Image | Preview tags | Manifests ${o.dryRun ? 'to delete' : 'deleted'} | Tags removed from kept manifests | Via |`,
      '|---|---|---|---|---|'
    )
    for (const r of results) {
      const deleted = o.dryRun ? r.plan.remove.length : r.removed.length
      const untagged = o.dryRun ? r.plan.untag.map(u => u.tag) : r.untagged
      lines.push(
        `| ${code(r.image)} | ${r.plan.previewTags.map(code).join(' ') || '–'} | ${deleted} | ${untagged.map(code).join(' ') || '–'} | ${r.api} |`
      )
    }
    lines.push('')
  }
  for (const r of results) {
    const items = o.dryRun ? r.plan.remove : r.removed
    if (!items.length && !r.plan.untag.length && !r.problems.length) continue
    lines.push(`### ${code(r.image)}`, '')
    for (const i of items)
      lines.push(`- ${o.dryRun ? 'would delete' : 'deleted'} ${code(i.digest)} — ${cell(i.reason)}`)
    for (const u of r.plan.untag) {
      lines.push(
        `- ${o.dryRun ? 'would remove' : 'removed'} the tag ${code(u.tag)} only: ${code(u.digest)} stays (${cell(u.keptBecause)})`
      )
    }
    for (const p of r.problems) lines.push(`- **not done:** ${cell(p)}`)
    lines.push('')
  }
  if (!results.some(r => r.plan.remove.length || r.plan.untag.length)) lines.push('Nothing to remove.', '')
  return lines.join('\n')
}

/** The `removed` output: per image, the preview tags, the manifests deleted (or to delete) and the tags removed. */
export function removedOutput(
  results: ImageCleanup[],
  dryRun: boolean
): Record<string, { tags: string[]; deleted: string[]; untagged: string[] }> {
  const removed: Record<string, { tags: string[]; deleted: string[]; untagged: string[] }> = {}
  for (const x of results) {
    if (!hasWork(x)) continue
    removed[x.image] = {
      tags: x.plan.previewTags,
      deleted: (dryRun ? x.plan.remove : x.removed).map(i => i.digest),
      untagged: dryRun ? x.plan.untag.map(u => u.tag) : x.untagged
    }
  }
  return removed
}

/** The body that replaces a pull request's preview comment once its previews are gone. */
export function renderRemovedComment(
  marker: string,
  number: number,
  results: ImageCleanup[],
  o: { runUrl?: string; merged?: boolean } = {}
): string {
  const state = o.merged === undefined ? 'closed' : o.merged ? 'merged' : 'closed without merging'
  const lines = [marker, '### Preview images removed', '']
  lines.push(
    `Pull request #${number} was ${state}, so its preview images were removed` +
      `${o.runUrl ? ` ([clean-up run](${o.runUrl}))` : ''}.`,
    ''
  )
  for (const r of results) {
    const tags = r.plan.previewTags.filter(t => r.untagged.includes(t) || r.removed.length > 0)
    if (!r.removed.length && !r.untagged.length) continue
    lines.push(
      `- ${code(r.image)}: ${tags.map(code).join(' ') || 'preview tags'} — ${r.removed.length} manifest(s) deleted` +
        (r.untagged.length
          ? `; ${r.untagged.map(code).join(' ')} removed from images that stay (also released)`
          : '')
    )
  }
  const failed = results.filter(r => r.problems.length)
  if (failed.length) {
    lines.push('', 'Not everything could be removed; see the clean-up run’s summary:')
    for (const r of failed) lines.push(`- ${code(r.image)}: ${cell(r.problems[0])}`)
  }
  return lines.join('\n') + '\n'
}

/** The key of a preview comment (`<!-- blacklake/multiarch-action:KEY -->` at its start, see commentMarker). */
export function previewCommentKey(body: string): string | undefined {
  return /^<!-- blacklake\/multiarch-action:(.+?) -->/.exec(body)?.[1]
}

export interface MarkRemovedOptions {
  token: string
  owner: string
  repo: string
  number: number
  apiUrl?: string
  /** The new body for the comment with this marker. */
  body: (marker: string) => string
}

/**
 * Rewrites every preview comment of the pull request (one per publishing workflow and job) to say the previews
 * were removed. No preview comment: nothing is written. A token that may not comment gets a notice, not a failure.
 */
export async function markPreviewsRemoved(o: MarkRemovedOptions): Promise<UpsertResult[]> {
  const octokit = await githubClient(o.token, o.apiUrl)
  let comments: { body?: string | null; user?: { login?: string } | null }[]
  try {
    comments = await githubCall(`list comments of #${o.number}`, () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner: o.owner,
        repo: o.repo,
        issue_number: o.number,
        per_page: 100
      })
    )
  } catch (e) {
    core.notice(`Preview comment of #${o.number} not updated: ${(e as Error).message}`)
    return []
  }
  // Only the preview comments the token's own identity wrote: a marker anyone can plant names nothing.
  const me = await tokenLogin(octokit)
  const own = me ? comments.filter(c => c.user?.login === me) : comments
  const keys = [...new Set(own.map(c => previewCommentKey(c.body ?? '')).filter((k): k is string => !!k))]
  const results: UpsertResult[] = []
  for (const key of keys) {
    const marker = commentMarker(key)
    results.push(
      await upsertPrComment({
        token: o.token,
        owner: o.owner,
        repo: o.repo,
        number: o.number,
        apiUrl: o.apiUrl,
        marker,
        body: o.body(marker)
      })
    )
  }
  return results
}

/** Rewrites the preview comments of each cleaned pull request that lost something in this run. */
export async function commentPreviewsRemoved(o: {
  ctx: RunContext
  token: string
  numbers: number[]
  results: ImageCleanup[]
}): Promise<void> {
  const { ctx } = o
  const { owner, repo } = ctx.repository
  const runUrl = ctx.runId ? `${ctx.serverUrl}/${owner}/${repo}/actions/runs/${ctx.runId}` : undefined
  const merged = pullRequestNumber(ctx) !== undefined ? !!ctx.payload?.pull_request?.merged : undefined
  for (const n of o.numbers) {
    const mine = previewTagMatcher([n])
    const touched = o.results.filter(
      x => x.plan.previewTags.some(mine) && (x.removed.length || x.untagged.length)
    )
    if (!touched.length) continue
    const results = await markPreviewsRemoved({
      token: o.token,
      owner,
      repo,
      number: n,
      apiUrl: ctx.apiUrl,
      body: marker => renderRemovedComment(marker, n, touched, { runUrl, merged })
    })
    for (const c of results) core.info(`#${n}: preview comment ${c.action}`)
  }
}
