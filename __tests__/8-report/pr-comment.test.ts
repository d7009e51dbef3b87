import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../scripts/harness/github-api.mjs'
import { emptyReport, type RunReport } from '../../src/7-publish/results.js'
import {
  commentMarker,
  defaultMarkerKey,
  renderComment,
  writePreviewComment,
  type PreviewImage
} from '../../src/8-report/pr-comment.js'
import { upsertPrComment } from '../../src/8-report/sticky-comment.js'
import { loadContext } from '../2-tags/helpers.js'

const images: PreviewImage[] = [
  {
    image: 'localhost:5000/blacklake/api',
    tags: ['pr-12', 'pr-12-abc1234'],
    digest: 'sha256:' + 'a'.repeat(64),
    platforms: ['linux/amd64', 'linux/arm64'],
    attestations: true
  },
  {
    image: 'localhost:5000/blacklake/web',
    tags: ['pr-12'],
    digest: 'sha256:' + 'b'.repeat(64),
    platforms: ['linux/amd64'],
    attestations: false
  }
]
const marker = commentMarker('CI/build')

describe('renderComment', () => {
  const body = renderComment(marker, images, {
    sha: 'abc1234def',
    runUrl: 'https://github.com/o/r/actions/runs/1'
  })

  it('starts with the marker and has a table, pull line and check commands per image', () => {
    expect(body.startsWith('<!-- blacklake/multiarch-action:CI/build -->\n')).toBe(true)
    expect(body).toContain('| tags | <code>pr-12</code> <code>pr-12-abc1234</code> |')
    expect(body).toContain(`| digest | <code>sha256:${'a'.repeat(64)}</code> |`)
    expect(body).toContain('| platforms | linux/amd64, linux/arm64 |')
    expect(body).toContain(`docker pull localhost:5000/blacklake/api@sha256:${'a'.repeat(64)}`)
    expect(body).toContain(
      `docker buildx imagetools inspect localhost:5000/blacklake/api@sha256:${'a'.repeat(64)} --format '{{json .Provenance}}'`
    )
    expect(body).not.toContain(`imagetools inspect localhost:5000/blacklake/web`)
    expect(body).toContain(
      'Built from commit <code>abc1234</code> · [workflow run](https://github.com/o/r/actions/runs/1).'
    )
  })

  it('keeps the marker a well-formed HTML comment whatever the key', () => {
    expect(commentMarker('a --> b <x>')).toBe('<!-- blacklake/multiarch-action:a - b x -->')
    expect(defaultMarkerKey({ GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'images' })).toBe('CI/images')
  })
})

describe('upsertPrComment against the local GitHub API', () => {
  let api: GitHubApi
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  beforeEach(async () => {
    api = await startGitHubApi({
      writeTokens: ['write-token', 'mallory-token', 'pat'],
      identities: {
        'mallory-token': { login: 'mallory', type: 'User' },
        pat: { login: 'release-bot', type: 'User' }
      }
    })
  })
  afterEach(async () => {
    await api.close()
  })
  const base = () => ({
    owner: 'blacklake',
    repo: 'demo',
    number: 12,
    marker,
    apiUrl: api.url,
    token: 'write-token'
  })
  const logged = () => stdout.mock.calls.map(c => String(c[0])).join('')

  it('creates once, then updates the same comment in place', async () => {
    const first = await upsertPrComment({ ...base(), body: renderComment(marker, images) })
    expect(first).toMatchObject({ action: 'created', id: 1000 })
    const second = await upsertPrComment({ ...base(), body: renderComment(marker, images.slice(0, 1)) })
    expect(second).toMatchObject({ action: 'updated', id: 1000 })
    const third = await upsertPrComment({ ...base(), body: renderComment(marker, images.slice(0, 1)) })
    expect(third).toMatchObject({ action: 'unchanged', id: 1000 })

    const list = api.comments.get('blacklake/demo#12')!
    expect(list).toHaveLength(1)
    expect(list[0].body).not.toContain('blacklake/web')
    expect(api.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/blacklake/demo/issues/12/comments',
      'POST /repos/blacklake/demo/issues/12/comments',
      'GET /repos/blacklake/demo/issues/12/comments',
      'POST /graphql',
      'PATCH /repos/blacklake/demo/issues/comments/1000',
      'GET /repos/blacklake/demo/issues/12/comments',
      'POST /graphql'
    ])
    expect(api.calls[0].query).toContain('per_page=100')
    expect(api.calls.every(c => c.token === 'write-token')).toBe(true)
  })

  it('leaves comments of other jobs and quotes of the marker alone', async () => {
    const other = commentMarker('CI/other')
    await upsertPrComment({ ...base(), marker: other, body: renderComment(other, images) })
    await upsertPrComment({ ...base(), marker: other, body: `> ${marker}\nquoted by a human` })
    const r = await upsertPrComment({ ...base(), body: renderComment(marker, images) })
    expect(r.action).toBe('created')
    expect(api.comments.get('blacklake/demo#12')).toHaveLength(2)
  })

  it('a marked comment someone else wrote is left alone: the action writes and then keeps its own', async () => {
    const planted = `${marker}\nPreview images: pull evil.example/api (planted)`
    await upsertPrComment({ ...base(), token: 'mallory-token', body: planted })
    const first = await upsertPrComment({ ...base(), body: renderComment(marker, images) })
    expect(first.action).toBe('created')
    const second = await upsertPrComment({ ...base(), body: renderComment(marker, images.slice(0, 1)) })
    expect(second).toMatchObject({ action: 'updated', id: first.action === 'created' ? first.id : -1 })
    const list = api.comments.get('blacklake/demo#12')!
    expect(list.map(c => [c.user.login, c.body === planted])).toEqual([
      ['mallory', true],
      ['github-actions[bot]', false]
    ])
    // The identity comes from GraphQL: GET /user answers 403 to an installation token.
    expect(api.calls.filter(c => c.path === '/graphql')).toHaveLength(2)
    expect(logged()).toMatch(/written by mallory, not by github-actions\[bot\]: left alone/)
  })

  it('a personal access token is recognised as its own user', async () => {
    await upsertPrComment({ ...base(), token: 'pat', body: `${marker}\nfirst` })
    const r = await upsertPrComment({ ...base(), token: 'pat', body: `${marker}\nsecond` })
    expect(r.action).toBe('updated')
    expect(api.comments.get('blacklake/demo#12')!.map(c => [c.user.login, c.body])).toEqual([
      ['release-bot', `${marker}\nsecond`]
    ])
  })

  it('a token without pull-requests: write gets a notice, not a failure', async () => {
    const r = await upsertPrComment({ ...base(), token: 'read-only', body: renderComment(marker, images) })
    expect(r.action).toBe('skipped')
    expect(r.action === 'skipped' && r.reason).toMatch(/pull-requests: write/)
    expect(logged()).toMatch(/::notice::.*pull-requests: write/)
    expect(api.calls.map(c => c.method)).toEqual(['GET', 'POST'])
  })

  it('a fork PR makes no API call', async () => {
    const r = await upsertPrComment({ ...base(), fork: true, body: renderComment(marker, images) })
    expect(r).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/fork/) })
    expect(api.calls).toEqual([])
    expect(logged()).toMatch(/::notice::pull request from a fork/)
  })

  it('server errors are retried, then surface', async () => {
    const failing = await startGitHubApi({ failStatus: 502 })
    try {
      await expect(
        upsertPrComment({
          ...base(),
          apiUrl: failing.url,
          body: 'x',
          retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 }
        })
      ).rejects.toMatchObject({ status: 502 })
      expect(failing.calls).toHaveLength(3)
      expect(logged()).toMatch(/::warning::list comments of #12: attempt 1 failed/)
    } finally {
      await failing.close()
    }
  })
})

describe('writePreviewComment: the comment of a finished run (main action and merge)', () => {
  let api: GitHubApi
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  beforeEach(async () => {
    api = await startGitHubApi({ writeTokens: ['write-token'] })
  })
  afterEach(async () => api.close())
  const ctx = () => loadContext('pull_request', { GITHUB_API_URL: api.url })
  const published = (over: Partial<RunReport> = {}): RunReport => ({
    ...emptyReport(),
    push: { push: true, reason: 'pull request from a branch of this repository' },
    targets: [
      {
        target: 'api',
        image: 'localhost:5000/blacklake/api',
        platforms: ['linux/amd64', 'linux/arm64'],
        requestedTags: ['localhost:5000/blacklake/api:pr-15'],
        tags: ['localhost:5000/blacklake/api:pr-15'],
        withheld: [],
        platformDigests: {},
        digest: images[0].digest,
        pushed: true,
        status: 'pushed',
        reason: 'tagged'
      }
    ],
    ...over
  })
  const write = (report: RunReport, token = 'write-token') =>
    writePreviewComment({ ctx: ctx(), report, enabled: true, token, attestations: true })

  it('comments on the PR with the job marker, the bare tags and the index digest', async () => {
    await write(published())
    const [c] = api.comments.get('octocat/Hello-World#15')!
    expect(c.body.startsWith(`${commentMarker(defaultMarkerKey())}\n`)).toBe(true)
    expect(c.body).toContain('| tags | <code>pr-15</code> |')
    expect(c.body).toContain(`docker pull localhost:5000/blacklake/api@${images[0].digest}`)
    expect(c.body).toContain('Built from commit <code>a9b8c7d</code>')
  })

  it('a digest-only build leg writes none (merge does), nor does a run that pushed nothing', async () => {
    await write(published({ digestOnly: true }))
    await write(published({ push: { push: false, reason: 'push: false' } }))
    await writePreviewComment({
      ctx: ctx(),
      report: published(),
      enabled: false,
      token: '',
      attestations: true
    })
    expect(api.calls).toEqual([])
  })

  it('a token without pull-requests: write: a note in the summary, no failure', async () => {
    const report = published()
    await write(report, 'read-only')
    expect(report.notes).toEqual([expect.stringMatching(/^No PR comment: .*pull-requests: write/)])
  })
})
