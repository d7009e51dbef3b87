// The GitHub API client every caller uses (pull request state, the Packages API, PR comments, attestations):
// Octokit at the run's API URL (the one given, else GITHUB_API_URL, else https://api.github.com), loaded on first
// use so a run that calls no API does not load it; and calls under the retry policy, with Octokit's errors turned
// into the HttpError the policy reads (status, Retry-After), so a 5xx or 429 is retried and a 4xx is not.
import { HttpError, parseRetryAfter, withRetry, type RetryOptions } from './retry.js'

export type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>

/** An Octokit for this token at the API URL. */
export async function githubClient(token: string, apiUrl?: string): Promise<Octokit> {
  const github = await import('@actions/github')
  return github.getOctokit(token, {
    baseUrl: apiUrl || process.env.GITHUB_API_URL || 'https://api.github.com'
  })
}

/** Octokit's RequestError as an HttpError naming the call (`list comments of #12: HTTP 502 …`); others unchanged. */
export function asHttpError(what: string, e: unknown): unknown {
  const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string> } }
  if (typeof err?.status !== 'number') return e
  return new HttpError(
    `${what}: HTTP ${err.status} ${err.message ?? ''}`.trim(),
    err.status,
    parseRetryAfter(err.response?.headers?.['retry-after'])
  )
}

/** One API call under the retry policy; `what` names it in retries and errors. */
export function githubCall<T>(what: string, fn: () => Promise<T>, retry?: RetryOptions): Promise<T> {
  return withRetry(
    what,
    async () => {
      try {
        return await fn()
      } catch (e) {
        throw asHttpError(what, e)
      }
    },
    retry
  )
}
