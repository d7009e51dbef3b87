import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  contextFromGit,
  contextFromWorkflow,
  detachedRef,
  fetchCommitDate,
  fetchRepo,
  isDefaultBranch,
  repositoryFromRemote
} from '../../src/1-context/context.js'
import { loadContext, REPO } from '../2-tags/helpers.js'

describe('contextFromWorkflow', () => {
  it('reads the runner environment and the payload', () => {
    const ctx = loadContext('push_branch')
    expect(ctx).toMatchObject({
      eventName: 'push',
      ref: 'refs/heads/dev',
      sha: '860c1904a1ce19322e91ac35af1ab07466440c37',
      repository: { owner: 'octocat', repo: 'Hello-World' },
      runId: '123456789',
      runNumber: '3',
      apiUrl: 'https://api.github.com'
    })
    expect(ctx.commitDate?.toISOString()).toBe('2020-01-10T00:02:03.000Z')
  })

  it('uses the PR merge ref for pull_request_target', () => {
    expect(loadContext('pull_request_target').ref).toBe('refs/pull/15/merge')
  })

  it.each([
    ['true', 'a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0'],
    ['TRUE', 'a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0'],
    ['false', '860c1904a1ce19322e91ac35af1ab07466440c37'],
    [undefined, '860c1904a1ce19322e91ac35af1ab07466440c37']
  ])('DOCKER_METADATA_PR_HEAD_SHA=%s', (value, sha) => {
    expect(loadContext('pull_request', { DOCKER_METADATA_PR_HEAD_SHA: value }).sha).toBe(sha)
  })

  it('does not crash without GITHUB_SHA, GITHUB_REF or payload', () => {
    const ctx = contextFromWorkflow({})
    expect(ctx).toMatchObject({
      sha: '',
      ref: '',
      eventName: '',
      payload: {},
      serverUrl: 'https://github.com'
    })
    expect(ctx.commitDate).toBeUndefined()
  })
})

describe('isDefaultBranch', () => {
  it.each([
    ['push_default_branch', true],
    ['push_branch', false],
    ['push_tag', false],
    ['pull_request', false]
  ])('%s -> %s', (fixture, expected) => {
    expect(isDefaultBranch(loadContext(fixture), REPO)).toBe(expected)
  })

  it('falls back to the repository API data', () => {
    const ctx = { ...loadContext('empty'), ref: 'refs/heads/master' }
    expect(isDefaultBranch(ctx, REPO)).toBe(true)
    expect(isDefaultBranch(ctx)).toBe(false)
  })
})

describe('helpers', () => {
  it.each([
    ['HEAD, tag: v1.0.0', 'refs/tags/v1.0.0'],
    ['grafted, HEAD, tag: v2.0.0, origin/main', 'refs/tags/v2.0.0'],
    ['HEAD, pull/12/merge', 'refs/pull/12/merge'],
    ['HEAD, origin/feature/x, feature/x', 'refs/heads/feature/x'],
    ['HEAD, origin/main, main', 'refs/heads/main'],
    ['HEAD, origin/main', 'refs/heads/main']
  ])('detachedRef(%j)', (decoration, ref) => {
    expect(detachedRef(decoration)).toBe(ref)
  })

  it('detachedRef fails clearly on an unknown decoration', () => {
    expect(() => detachedRef('nothing here')).toThrow('Cannot find the ref of the detached HEAD')
  })

  it.each([
    ['https://github.com/octocat/Hello-World.git', { owner: 'octocat', repo: 'Hello-World' }],
    ['git@github.com:octocat/Hello-World.git', { owner: 'octocat', repo: 'Hello-World' }],
    ['https://github.com/octocat/Hello-World', { owner: 'octocat', repo: 'Hello-World' }]
  ])('repositoryFromRemote(%j)', (url, expected) => {
    expect(repositoryFromRemote(url)).toEqual(expected)
  })
})

describe('contextFromGit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ctx-git-'))
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_COMMITTER_DATE: '2021-03-04T05:06:07Z',
        GIT_AUTHOR_DATE: '2021-03-04T05:06:07Z'
      }
    })
      .toString()
      .trim()
  beforeAll(() => {
    git('init', '-q', '-b', 'feature/x')
    git('commit', '-q', '--allow-empty', '-m', 'one')
    git('remote', 'add', 'origin', 'https://github.com/blacklake/demo.git')
  })

  it('reads branch, sha, commit date and repository from the checkout', async () => {
    const ctx = await contextFromGit({ cwd: dir })
    expect(ctx.ref).toBe('refs/heads/feature/x')
    expect(ctx.sha).toBe(git('rev-parse', 'HEAD'))
    expect(ctx.commitDate?.toISOString()).toBe('2021-03-04T05:06:07.000Z')
    expect(ctx.repository).toEqual({ owner: 'blacklake', repo: 'demo' })
  })

  it('resolves a detached tag checkout and honours explicit overrides', async () => {
    git('tag', 'v1.0.0')
    git('checkout', '-q', '--detach', 'v1.0.0')
    expect((await contextFromGit({ cwd: dir })).ref).toBe('refs/tags/v1.0.0')
    const pr = await contextFromGit({ cwd: dir, pullRequest: 7, sha: 'abc' })
    expect(pr).toMatchObject({ ref: 'refs/pull/7/merge', eventName: 'pull_request', sha: 'abc' })
  })
})

describe('fetchRepo / fetchCommitDate', () => {
  const calls: Array<{ url: string; auth: string }> = []
  let server: http.Server
  let apiUrl = ''
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      calls.push({ url: req.url ?? '', auth: String(req.headers.authorization ?? '') })
      res.setHeader('content-type', 'application/json')
      if (req.url === '/repos/octocat/Hello-World') return res.end(JSON.stringify(REPO))
      if (req.url?.startsWith('/repos/octocat/Hello-World/commits/'))
        return res.end(JSON.stringify({ commit: { committer: { date: '2022-02-02T02:02:02Z' } } }))
      res.statusCode = 404
      res.end('{"message":"Not Found"}')
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>(r => server.close(() => r())))

  it('reads the repository with the token', async () => {
    const ctx = { ...loadContext('push_branch'), apiUrl }
    expect(await fetchRepo(ctx, 'tok')).toEqual(REPO)
    expect(calls.at(-1)).toEqual({ url: '/repos/octocat/Hello-World', auth: 'token tok' })
    expect((await fetchCommitDate(ctx, 'tok'))?.toISOString()).toBe('2022-02-02T02:02:02.000Z')
  })

  it('warns and returns undefined when the API says no', async () => {
    const warnings: string[] = []
    const ctx = { ...loadContext('push_branch'), apiUrl, repository: { owner: 'x', repo: 'y' } }
    expect(await fetchRepo(ctx, '', m => warnings.push(m))).toBeUndefined()
    expect(warnings[0]).toContain('HTTP 404')
  })
})
