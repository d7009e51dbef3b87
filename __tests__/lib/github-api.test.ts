import { describe, expect, it, jest } from '@jest/globals'
import { asHttpError, githubCall } from '../../src/lib/github-api.js'
import { HttpError } from '../../src/lib/retry.js'

/** What Octokit throws for a failed request (a RequestError: status, message, response headers). */
const requestError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(status === 502 ? 'Bad Gateway' : 'Not Found'), { status, response: { headers } })

describe('GitHub API calls', () => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const fast = { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 }

  it("turn Octokit's errors into HttpErrors naming the call, with Retry-After", () => {
    const e = asHttpError('read pull request #7', requestError(502, { 'retry-after': '3' })) as HttpError
    expect(e).toBeInstanceOf(HttpError)
    expect(e).toMatchObject({
      status: 502,
      retryAfterMs: 3000,
      message: 'read pull request #7: HTTP 502 Bad Gateway'
    })
    const other = new TypeError('fetch failed')
    expect(asHttpError('x', other)).toBe(other)
  })

  it('retry a 5xx and give up on a 4xx at once', async () => {
    let calls = 0
    const flaky = () => (++calls < 3 ? Promise.reject(requestError(502)) : Promise.resolve('ok'))
    await expect(githubCall('list comments of #12', flaky, fast)).resolves.toBe('ok')
    expect(calls).toBe(3)
    calls = 0
    const missing = () => (++calls, Promise.reject(requestError(404)))
    await expect(githubCall('list comments of #12', missing, fast)).rejects.toMatchObject({ status: 404 })
    expect(calls).toBe(1)
  })
})
