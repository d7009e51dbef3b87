// The run's context: what happened (event, ref, sha, payload) and where (repository, API), read either from
// the runner's environment (GITHUB_*) or from a local Git checkout. Also the repository API lookup.
import { readFileSync, existsSync } from 'node:fs'
import type http from 'node:http'
import { createRequire } from 'node:module'
import { run } from '../lib/exec.js'

export interface RunContext {
  eventName: string
  /** Commit SHA; '' when missing. */
  sha: string
  /** Full Git ref (refs/heads/…, refs/tags/…, refs/pull/N/merge); '' when missing. */
  ref: string
  repository: { owner: string; repo: string }
  actor: string
  runId: string
  runNumber: string
  /** Default https://github.com. */
  serverUrl: string
  /** GITHUB_API_URL, default https://api.github.com. */
  apiUrl: string
  /** Parsed GITHUB_EVENT_PATH; {} when absent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: Record<string, any>
  commitDate?: Date
}

export interface RepoInfo {
  name: string
  full_name?: string
  description: string | null
  html_url: string
  default_branch: string
  license: { spdx_id: string | null } | null
  [k: string]: unknown
}

function readPayload(eventPath: string | undefined): Record<string, unknown> {
  if (!eventPath || !existsSync(eventPath)) return {}
  try {
    const parsed = JSON.parse(readFileSync(eventPath, 'utf8'))
    return parsed && typeof parsed === 'object' ? parsed : {}
  } catch (error) {
    throw new Error(`Cannot read the event payload ${eventPath}: ${(error as Error).message}`, {
      cause: error
    })
  }
}

function splitRepository(full: string | undefined): { owner: string; repo: string } {
  const [owner = '', repo = ''] = (full ?? '').split('/')
  return { owner, repo }
}

/**
 * The context as the runner gives it (GITHUB_* variables and the event payload), with docker/metadata-action's
 * adjustments: pull_request_target uses the PR's merge ref, DOCKER_METADATA_PR_HEAD_SHA=true uses the PR head
 * SHA, and the commit date comes from the push payload when it carries it.
 */
export function contextFromWorkflow(env: NodeJS.ProcessEnv = process.env): RunContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH) as RunContext['payload']
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const ctx: RunContext = {
    eventName,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    repository: env.GITHUB_REPOSITORY
      ? splitRepository(env.GITHUB_REPOSITORY)
      : splitRepository(payload.repository?.full_name),
    actor: env.GITHUB_ACTOR ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    payload
  }
  if (/pull_request_target/.test(eventName)) ctx.ref = `refs/pull/${payload.number}/merge`
  if (/true/i.test(env.DOCKER_METADATA_PR_HEAD_SHA ?? '') && /pull_request/.test(eventName)) {
    const head = payload.pull_request?.head?.sha
    if (head != undefined) ctx.sha = String(head)
  }
  ctx.commitDate = commitDateFromPayload(payload, ctx.sha)
  return ctx
}

/** The commit date the push payload carries for `sha` (branch pushes list commits; tags carry head_commit). */
export function commitDateFromPayload(payload: RunContext['payload'], sha: string): Date | undefined {
  const commits = payload.commits as Array<{ id?: string; timestamp?: string }> | undefined
  const fromCommits = Array.isArray(commits) ? commits.find(c => c?.id === sha)?.timestamp : undefined
  if (fromCommits) return new Date(fromCommits)
  if (payload.head_commit?.id === sha && payload.head_commit?.timestamp)
    return new Date(payload.head_commit.timestamp)
  return undefined
}

async function git(cwd: string, args: string[]): Promise<string> {
  return (await run('git', args, { cwd, silent: true })).stdout.trim()
}

/** The ref of a detached HEAD, from `git show -s --pretty=%D` ("HEAD, tag: v1.0.0", "HEAD, origin/main, main"). */
export function detachedRef(decoration: string): string {
  const m = decoration.match(/^(?:grafted, )?HEAD, (.*)$/)
  if (!m || !m[1]) throw new Error(`Cannot find the ref of the detached HEAD in "${decoration}"`)
  const refs = m[1].split(',').map(r => r.trim())
  const tag = refs.find(r => r.startsWith('tag: '))
  if (tag) return `refs/tags/${tag.slice('tag: '.length)}`
  const pr = refs.find(r => /^pull\/\d+\/(head|merge)$/.test(r))
  if (pr) return `refs/${pr}`
  const local = refs.find(r => !r.includes('/'))
  if (local) return `refs/heads/${local}`
  const remote = refs.find(r => /^[^/]+\/.+$/.test(r))
  if (remote) return `refs/heads/${remote.replace(/^[^/]+\//, '')}`
  throw new Error(`Unsupported detached HEAD ref in "${decoration}"`)
}

/** owner/repo of a GitHub remote URL (https, ssh or git@ forms); undefined for anything else. */
export function repositoryFromRemote(url: string): { owner: string; repo: string } | undefined {
  const m = url.trim().match(/[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/)
  return m ? { owner: m[1], repo: m[2] } : undefined
}

/**
 * The context of a local checkout: ref and sha from Git (explicit `ref`/`sha` win), the commit date from
 * `git log`, the repository from the `origin` remote. With `pullRequest`, the ref is refs/pull/N/merge and the
 * event pull_request. `base` (e.g. the workflow context for `context: git`) supplies everything else.
 */
export async function contextFromGit(options: {
  cwd: string
  ref?: string
  sha?: string
  eventName?: string
  pullRequest?: number
  base?: RunContext
}): Promise<RunContext> {
  const { cwd } = options
  // The sha is positional to `git log`: hexadecimal only, so it can never read as an option.
  if (options.sha !== undefined && !/^[0-9a-f]{1,64}$/i.test(options.sha)) {
    throw new Error(`Invalid sha '${options.sha}'. Expected a commit SHA (hexadecimal).`)
  }
  const sha = options.sha ?? (await git(cwd, ['rev-parse', 'HEAD']))
  let ref = options.ref
  if (options.pullRequest !== undefined) ref = `refs/pull/${options.pullRequest}/merge`
  if (ref === undefined) {
    const symbolic = await run('git', ['symbolic-ref', '-q', 'HEAD'], {
      cwd,
      silent: true,
      ignoreReturnCode: true
    })
    ref =
      symbolic.exitCode === 0
        ? symbolic.stdout.trim()
        : detachedRef(await git(cwd, ['show', '-s', '--pretty=%D', 'HEAD']))
  }
  let commitDate: Date | undefined
  const date = await run('git', ['log', '-1', '--format=%cI', sha], {
    cwd,
    silent: true,
    ignoreReturnCode: true
  })
  if (date.exitCode === 0 && date.stdout.trim()) commitDate = new Date(date.stdout.trim())
  let repository = options.base?.repository
  if (!repository?.owner) {
    const remote = await run('git', ['remote', 'get-url', 'origin'], {
      cwd,
      silent: true,
      ignoreReturnCode: true
    })
    repository =
      (remote.exitCode === 0 && repositoryFromRemote(remote.stdout)) ||
      splitRepository(process.env.GITHUB_REPOSITORY)
  }
  const base = options.base ?? contextFromWorkflow({ ...process.env, GITHUB_EVENT_PATH: '' })
  return {
    ...base,
    eventName:
      options.eventName ?? (options.pullRequest !== undefined ? 'pull_request' : base.eventName || 'push'),
    sha,
    ref,
    repository,
    commitDate
  }
}

/** GET {apiUrl}/repos/{owner}/{repo}. Warns (through `warn`) and returns undefined when it cannot be read. */
export async function fetchRepo(
  ctx: RunContext,
  token: string,
  warn: (message: string) => void = m => console.warn(m)
): Promise<RepoInfo | undefined> {
  const { owner, repo } = ctx.repository
  if (!owner || !repo) {
    warn('No repository in the context (GITHUB_REPOSITORY); repository labels stay empty')
    return undefined
  }
  const url = `${ctx.apiUrl.replace(/\/+$/, '')}/repos/${owner}/${repo}`
  try {
    const res = await getJson(url, token)
    if (res.status !== 200) {
      warn(
        `Cannot read repository ${owner}/${repo} from ${url}: HTTP ${res.status}; repository labels stay empty`
      )
      return undefined
    }
    return res.body as RepoInfo
  } catch (error) {
    warn(`Cannot read repository ${owner}/${repo} from ${url}: ${(error as Error).message}`)
    return undefined
  }
}

/** The committer date of `sha` from GET {apiUrl}/repos/{owner}/{repo}/commits/{sha}; undefined on any failure. */
export async function fetchCommitDate(ctx: RunContext, token: string): Promise<Date | undefined> {
  const { owner, repo } = ctx.repository
  if (!owner || !repo || !ctx.sha) return undefined
  try {
    const res = await getJson(
      `${ctx.apiUrl.replace(/\/+$/, '')}/repos/${owner}/${repo}/commits/${ctx.sha}`,
      token
    )
    const body = res.body as { commit?: { committer?: { date?: string } } } | undefined
    const date = res.status === 200 ? body?.commit?.committer?.date : undefined
    return date ? new Date(date) : undefined
  } catch {
    return undefined
  }
}

// node:http(s) are loaded with require() when first needed, not imported: on Node 24 an ESM import of
// node:http builds its ESM facade by reading every export, which loads the bundled undici through the lazy
// `WebSocket`/`fetch` getters (~35 ms measured with --cpu-prof, a quarter of the meta sub-action's run).
const nodeRequire = createRequire(import.meta.url)

/**
 * GET a JSON document from the GitHub API. node:http(s) rather than global fetch: loading fetch's HTTP stack
 * costs more start-up time than the whole meta sub-action needs.
 */
function getJson(url: string, token: string, timeoutMs = 20_000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const client: typeof http = nodeRequire(url.startsWith('https:') ? 'node:https' : 'node:http')
    const req = client.get(url, { headers: apiHeaders(token), timeout: timeoutMs }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined })
        } catch {
          resolve({ status: res.statusCode ?? 0, body: undefined })
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)))
    req.on('error', reject)
  })
}

function apiHeaders(token: string): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'user-agent': 'blacklake-multiarch-action',
    'x-github-api-version': '2022-11-28'
  }
  if (token) headers.authorization = `token ${token}`
  return headers
}

/** Whether the context's branch is the repository's default branch (payload first, then the API's answer). */
export function isDefaultBranch(ctx: RunContext, repo?: RepoInfo): boolean {
  if (!ctx.ref.startsWith('refs/heads/')) return false
  const branch = ctx.ref.slice('refs/heads/'.length)
  const defaultBranch = ctx.payload?.repository?.default_branch ?? repo?.default_branch
  return defaultBranch !== undefined && defaultBranch === branch
}
