// One sticky comment on a pull request, through the GitHub API at GITHUB_API_URL: created once, then updated in
// place. It is found again by its marker AND its author: anyone who can comment can post a comment starting with
// the marker, so a marked comment counts as ours only when the identity this token acts as wrote it; otherwise
// the action writes its own. The identity comes from GraphQL's `viewer`, which answers for a job's GITHUB_TOKEN
// (an app installation token, acting as `github-actions[bot]`) where REST `GET /user` answers 403; `GET /user`
// is the fallback (some GitHub Enterprise Server versions), and with neither the action never edits a comment.
// Fork PRs get no API call (their token is read-only anyway); a token without `pull-requests: write` (403) is a
// notice, never a failure: the images were published either way.
import * as core from '@actions/core'
import { githubCall, githubClient, type Octokit } from '../lib/github-api.js'
import { HttpError, type RetryOptions } from '../lib/retry.js'

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

/** The login the token acts as; undefined when GitHub tells neither through GraphQL nor through GET /user. */
export async function tokenLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    const r = await octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }')
    if (r.viewer?.login) return r.viewer.login
  } catch (e) {
    core.debug(`GraphQL viewer: ${(e as Error).message}`)
  }
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login
  } catch (e) {
    core.debug(`GET /user: ${(e as Error).message}`)
    return undefined
  }
}

/** Creates or updates the sticky comment. Never throws for a fork or a missing permission: returns `skipped`. */
export async function upsertPrComment(o: UpsertOptions): Promise<UpsertResult> {
  if (o.fork) {
    const reason = 'pull request from a fork: its token cannot comment, so no preview comment was written'
    core.notice(reason)
    return { action: 'skipped', reason }
  }
  const octokit = await githubClient(o.token, o.apiUrl)
  const where = { owner: o.owner, repo: o.repo, issue_number: o.number }
  try {
    const comments = await githubCall(
      `list comments of #${o.number}`,
      () => octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100 }),
      o.retry
    )
    const marked = comments.filter(c => (c.body ?? '').startsWith(o.marker))
    // Only asked when a marked comment exists: the first run of a PR needs no identity.
    const login = marked.length ? (await tokenLogin(octokit))?.toLowerCase() : undefined
    const existing = marked.find(c => login !== undefined && c.user?.login.toLowerCase() === login)
    const foreign = marked.filter(c => c !== existing)
    if (foreign.length) {
      core.info(
        `PR comment: ${foreign.length} comment(s) carry the marker but were written by ` +
          `${[...new Set(foreign.map(c => c.user?.login ?? 'unknown'))].join(', ')}, not by ` +
          `${login ?? 'this token (its identity is unknown)'}: left alone`
      )
    }
    if (existing) {
      if (existing.body === o.body) return { action: 'unchanged', id: existing.id, url: existing.html_url }
      const res = await githubCall(
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
    const res = await githubCall(
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
