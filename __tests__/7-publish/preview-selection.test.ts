// Which pull requests a clean-up run takes from its event (the scheduled look-up runs against the registry and
// the GitHub API fake in the e2e suite, preview-cleanup.test.ts).
import { describe, expect, it, jest } from '@jest/globals'
import { eventPullRequests } from '../../src/7-publish/preview-selection.js'
import { loadContext } from '../2-tags/helpers.js'

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
const notices = () => stdout.mock.calls.map(c => String(c[0])).filter(l => l.startsWith('::notice::'))

/** The captured pull_request context (PR 15 from a branch of octocat/Hello-World) with another action. */
function pullRequest(action: string, headRepo = 'octocat/Hello-World') {
  const ctx = loadContext('pull_request')
  const payload = ctx.payload as { action: string; pull_request: { head: { repo: { full_name: string } } } }
  payload.action = action
  payload.pull_request.head.repo.full_name = headRepo
  return ctx
}

describe('the pull requests of a clean-up run', () => {
  it('a closed pull request: that one', () => {
    expect(eventPullRequests(pullRequest('closed'))).toEqual([15])
  })

  it('an open one, or one from a fork: none, with a notice saying why', () => {
    stdout.mockClear()
    expect(eventPullRequests(pullRequest('synchronize'))).toBeUndefined()
    expect(eventPullRequests(pullRequest('closed', 'mallory/Hello-World'))).toBeUndefined()
    expect(notices()).toEqual([
      expect.stringMatching(/#15 is not closed \(event action 'synchronize'\): its previews stay/),
      expect.stringMatching(/#15 comes from a fork: it never pushed previews/)
    ])
  })

  it('no pull request in the event: every one is looked up; the pull-request input wins over both', () => {
    expect(eventPullRequests(loadContext('schedule'))).toBe('scheduled')
    expect(eventPullRequests(loadContext('schedule'), 42)).toEqual([42])
    expect(eventPullRequests(pullRequest('opened'), 42)).toEqual([42])
  })
})
