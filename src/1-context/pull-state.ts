// The state of a pull request from the GitHub API (https://docs.github.com/rest/pulls/pulls#get-a-pull-request):
// whether it is closed, when, and whether it was merged. The scheduled preview clean-up asks this for every
// pull request that still has preview images.
import { githubCall, githubClient } from '../lib/github-api.js'
import { HttpError } from '../lib/retry.js'

export interface PullState {
  number: number
  state: 'open' | 'closed'
  closedAt?: Date
  merged: boolean
}

/** One pull request's state; undefined when there is no such pull request (or it is not visible to the token). */
export async function pullState(
  o: { token: string; owner: string; repo: string; apiUrl?: string },
  number: number
): Promise<PullState | undefined> {
  const octokit = await githubClient(o.token, o.apiUrl)
  try {
    const { data } = await githubCall(`read pull request #${number}`, () =>
      octokit.rest.pulls.get({ owner: o.owner, repo: o.repo, pull_number: number })
    )
    return {
      number,
      state: data.state === 'closed' ? 'closed' : 'open',
      closedAt: data.closed_at ? new Date(data.closed_at) : undefined,
      merged: !!data.merged_at
    }
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return undefined
    throw e
  }
}
