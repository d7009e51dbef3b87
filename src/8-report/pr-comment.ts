// The PR preview comment: one sticky comment per workflow job (sticky-comment.ts finds it again by a hidden
// marker at its start and by its author, and updates it in place), so a PR shows what its latest run published
// instead of one comment per push. Per image: tags, index digest, platforms, a pull line and the commands that
// show the attestations.
//
// Attestation check command: BuildKit stores SBOM and provenance as attestation manifests inside the image index
// in the registry; `docker buildx imagetools inspect --format` reads exactly those. `gh attestation verify` checks
// Sigstore bundles stored by GitHub's attestations API (actions/attest-build-provenance), which BuildKit does not
// create, so it would report "no attestations found" for these images.
import * as core from '@actions/core'
import type { RunContext } from '../1-context/context.js'
import { isForkPullRequest, pullRequestNumber } from '../1-context/push-decision.js'
import { tagOf } from '../6-registry/reference.js'
import type { RunReport } from '../7-publish/results.js'
import { cell, code } from './markdown.js'
import { upsertPrComment } from './sticky-comment.js'

export interface PreviewImage {
  /** `ghcr.io/o/api` */
  image: string
  tags: string[]
  /** Index digest. */
  digest: string
  platforms: string[]
  /** SBOM/provenance attached. */
  attestations: boolean
  /** `cosign verify …` when the index was signed. */
  verify?: string
}

/** A stable marker for one job of one workflow (a matrix job can add its own key). */
export function commentMarker(key: string): string {
  // Keep the HTML comment well-formed whatever the workflow is called.
  const safe = key.replace(/--+/g, '-').replace(/[<>]/g, '').trim()
  return `<!-- blacklake/multiarch-action:${safe} -->`
}

/** The default key: workflow and job, from the runner's environment. */
export function defaultMarkerKey(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.GITHUB_WORKFLOW ?? 'workflow'}/${env.GITHUB_JOB ?? 'job'}`
}

/** The comment body: marker, then one table per image with pull and attestation commands. */
export function renderComment(
  marker: string,
  images: PreviewImage[],
  { sha, runUrl }: { sha?: string; runUrl?: string } = {}
): string {
  const lines = [marker, '### Preview images', '']
  const where = [sha ? `commit ${code(sha.slice(0, 7))}` : '', runUrl ? `[workflow run](${runUrl})` : '']
    .filter(Boolean)
    .join(' · ')
  if (where) lines.push(`Built from ${where}.`, '')
  if (images.length === 0) lines.push('No image was pushed.')
  for (const i of images) {
    const ref = `${i.image}@${i.digest}`
    lines.push(
      `#### ${code(i.image)}`,
      '',
      '| | |',
      '|---|---|',
      `| tags | ${i.tags.map(t => code(t)).join(' ') || '–'} |`,
      `| digest | ${code(i.digest)} |`,
      `| platforms | ${cell(i.platforms.join(', ')) || '–'} |`,
      `| attestations | ${i.attestations ? 'SBOM and provenance' : 'none'} |`,
      '',
      '```sh',
      `docker pull ${ref}`
    )
    if (i.attestations) {
      lines.push(
        `docker buildx imagetools inspect ${ref} --format '{{json .Provenance}}'`,
        `docker buildx imagetools inspect ${ref} --format '{{json .SBOM}}'`
      )
    }
    if (i.verify) lines.push(i.verify)
    lines.push('```', '')
  }
  const body = lines.join('\n')
  // GitHub rejects comments over 65536 characters.
  return body.length > 65000 ? `${body.slice(0, 64900)}\n\n… (truncated; see the job summary)` : body
}

export interface PreviewCommentOptions {
  ctx: RunContext
  /** The run's report: its pushed targets go in the comment, a skipped comment's reason into its notes. */
  report: RunReport
  /** The `pr-comment` input. */
  enabled: boolean
  token: string
  /** SBOM and provenance attached to the pushed images. */
  attestations: boolean
}

/**
 * The sticky preview comment of a finished run, as the main action (afterPublish) and the merge sub-action
 * write it: only on a pull request, not for a dry run or a digest-only build leg (merge writes that run's
 * comment), and only when something was pushed, except that a fork PR gets its notice and summary note.
 * The marker is the workflow and job (defaultMarkerKey), so each job that publishes keeps its own comment.
 */
export async function writePreviewComment(o: PreviewCommentOptions): Promise<void> {
  const { ctx, report } = o
  const number = pullRequestNumber(ctx)
  if (number === undefined || !o.enabled || report.dryRun) return
  if (report.digestOnly) {
    core.info('No PR comment from a digest-only build: the merge job writes it.')
    return
  }
  const fork = isForkPullRequest(ctx)
  const pushed = report.targets.filter(t => t.pushed && t.digest)
  if (!fork && (!report.push.push || !pushed.length)) return
  const { owner, repo } = ctx.repository
  const marker = commentMarker(defaultMarkerKey())
  const result = await upsertPrComment({
    token: o.token,
    owner,
    repo,
    number,
    fork,
    apiUrl: ctx.apiUrl,
    marker,
    body: renderComment(
      marker,
      pushed.map(t => ({
        image: t.image,
        tags: t.tags.map(r => tagOf(t.image, r)),
        digest: t.digest as string,
        platforms: t.platforms,
        attestations: o.attestations,
        verify: t.signature?.verifyCommand
      })),
      {
        sha: ctx.payload?.pull_request?.head?.sha ?? ctx.sha,
        runUrl: ctx.runId ? `${ctx.serverUrl}/${owner}/${repo}/actions/runs/${ctx.runId}` : undefined
      }
    )
  })
  if (result.action === 'skipped') {
    report.notes.push(`No PR comment: ${result.reason}`)
  } else {
    core.info(`PR comment ${result.action}${'url' in result && result.url ? `: ${result.url}` : ''}`)
  }
}
