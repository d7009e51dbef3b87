// One sticky pull-request comment per workflow job: found again by a hidden marker at its start and updated in
// place, so a PR shows what its latest run published instead of one comment per push. GitHub API at
// GITHUB_API_URL. Fork PRs get no API call (their token is read-only anyway), and a token without
// `pull-requests: write` (403) is a notice, never a failure: the images were published either way.
//
// Attestation check command: BuildKit stores SBOM and provenance as attestation manifests inside the image index
// in the registry; `docker buildx imagetools inspect --format` reads exactly those. `gh attestation verify` checks
// Sigstore bundles stored by GitHub's attestations API (actions/attest-build-provenance), which BuildKit does not
// create, so it would report "no attestations found" for these images.
import * as core from '@actions/core'
import * as github from '@actions/github'
import type { RunContext } from '../1-context/context.js'
import { isForkPullRequest } from '../1-context/push-decision.js'
import type { RunReport } from './summary.js'
import { HttpError, parseRetryAfter, withRetry, type RetryOptions } from '../lib/retry.js'

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

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``

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

export interface UpsertOptions {
  token: string
  owner: string
  repo: string
  /** Pull request number. */
  number: number
  marker: string
  body: string
  /** The PR comes from a fork: no API call. */
  fork?: boolean
  /** GitHub API base URL (default GITHUB_API_URL, then https://api.github.com). */
  apiUrl?: string
  retry?: RetryOptions
}

export type UpsertResult =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url?: string }
  | { action: 'skipped'; reason: string }

/** Turns Octokit's RequestError into the HttpError the retry policy understands. */
function asHttpError(e: unknown): unknown {
  const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string> } }
  if (typeof err?.status !== 'number') return e
  return new HttpError(
    err.message ?? `HTTP ${err.status}`,
    err.status,
    parseRetryAfter(err.response?.headers?.['retry-after'])
  )
}

async function call<T>(what: string, fn: () => Promise<T>, retry?: RetryOptions): Promise<T> {
  return withRetry(
    what,
    async () => {
      try {
        return await fn()
      } catch (e) {
        throw asHttpError(e)
      }
    },
    retry
  )
}

/** Creates or updates the sticky comment. Never throws for a fork or a missing permission: returns `skipped`. */
export async function upsertPrComment(o: UpsertOptions): Promise<UpsertResult> {
  if (o.fork) {
    const reason = 'pull request from a fork: its token cannot comment, so no preview comment was written'
    core.notice(reason)
    return { action: 'skipped', reason }
  }
  const octokit = github.getOctokit(o.token, {
    baseUrl: o.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com'
  })
  const where = { owner: o.owner, repo: o.repo, issue_number: o.number }
  try {
    const comments = await call(
      `list comments of #${o.number}`,
      () => octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100 }),
      o.retry
    )
    const existing = comments.find(c => (c.body ?? '').startsWith(o.marker))
    if (existing) {
      if (existing.body === o.body) return { action: 'unchanged', id: existing.id, url: existing.html_url }
      const res = await call(
        `update comment ${existing.id}`,
        () =>
          octokit.rest.issues.updateComment({
            owner: o.owner,
            repo: o.repo,
            comment_id: existing.id,
            body: o.body
          }),
        o.retry
      )
      return { action: 'updated', id: res.data.id, url: res.data.html_url }
    }
    const res = await call(
      `comment on #${o.number}`,
      () => octokit.rest.issues.createComment({ ...where, body: o.body }),
      o.retry
    )
    return { action: 'created', id: res.data.id, url: res.data.html_url }
  } catch (e) {
    if (e instanceof HttpError && (e.status === 403 || e.status === 404)) {
      const reason =
        `no preview comment: the token may not write to pull request #${o.number} (HTTP ${e.status}). ` +
        'Grant `permissions: pull-requests: write` to the job (or pass a token that has it).'
      core.notice(reason)
      return { action: 'skipped', reason }
    }
    throw e
  }
}

/** The pull request number of a pull_request(_target) event, if any. */
export function pullRequestNumber(ctx: RunContext): number | undefined {
  const n = Number(ctx.payload?.pull_request?.number ?? ctx.payload?.number)
  return /^pull_request/.test(ctx.eventName) && Number.isInteger(n) && n > 0 ? n : undefined
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
  const bare = (image: string, ref: string) => ref.slice(image.length + 1)
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
        tags: t.tags.map(r => bare(t.image, r)),
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
