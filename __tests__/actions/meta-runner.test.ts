// The meta sub-action as the GitHub runner runs it: dist/meta/index.js under Node 24 with INPUT_*, GITHUB_*,
// an event payload file and a local GitHub API; outputs read back from the GITHUB_OUTPUT file.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

interface StepResult {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  envFile: Record<string, string>
}
interface Harness {
  runAction(o: Record<string, unknown>): Promise<{ main: StepResult; temp: string }>
}
interface Api {
  url: string
  calls: Array<{ method: string; path: string; token: string }>
  close(): Promise<void>
}

const root = process.cwd()
const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37'
let harness: Harness
let api: Api

beforeAll(async () => {
  // CI runs unit tests before its build step: build the bundles this test executes.
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' })
  harness = (await import(path.join(root, 'scripts/harness/runner.mjs') as string)) as Harness
  const gh = await import(path.join(root, 'scripts/harness/github-api.mjs') as string)
  api = await gh.startGitHubApi({
    repos: {
      'octocat/Hello-World': gh.repoFixture('octocat/Hello-World', {
        name: 'Hello-World',
        description: 'This your first repo!',
        license: { spdx_id: 'MIT' },
        default_branch: 'master'
      })
    }
  })
}, 120_000)
afterAll(async () => api?.close())

function run(o: {
  ref?: string
  sha?: string
  eventName?: string
  payload?: object
  inputs?: object
  env?: object
  workspace?: string
}) {
  return harness.runAction({
    action: path.join(root, 'meta'),
    workspace: o.workspace,
    eventName: o.eventName ?? 'push',
    payload: o.payload ?? { repository: { default_branch: 'master' } },
    token: 'ghs_runnerTestToken',
    inputs: o.inputs ?? {},
    env: {
      GITHUB_REPOSITORY: 'octocat/Hello-World',
      GITHUB_API_URL: api.url,
      ...(o.ref !== undefined ? { GITHUB_REF: o.ref } : {}),
      ...(o.sha !== undefined ? { GITHUB_SHA: o.sha } : {}),
      ...o.env
    }
  })
}

describe('meta sub-action under the runner', () => {
  it('produces metadata-action outputs for a semver tag', async () => {
    const { main } = await run({
      ref: 'refs/tags/v1.2.3',
      sha: SHA,
      inputs: {
        images: 'name/app\nghcr.io/Name/App',
        tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha'
      }
    })
    expect(main.exitCode).toBe(0)
    const o = main.outputs
    expect(o.version).toBe('1.2.3')
    expect(o.tags.split('\n')).toEqual([
      'name/app:1.2.3',
      'name/app:1.2',
      'name/app:sha-860c190',
      'name/app:latest',
      'ghcr.io/name/app:1.2.3',
      'ghcr.io/name/app:1.2',
      'ghcr.io/name/app:sha-860c190',
      'ghcr.io/name/app:latest'
    ])
    expect(o['tag-names']).toBe('1.2.3\n1.2\nsha-860c190\nlatest')
    const labels = o.labels.split('\n')
    expect(labels.map(l => l.split('=')[0])).toEqual([...labels.map(l => l.split('=')[0])].sort())
    expect(labels).toContain('org.opencontainers.image.title=Hello-World')
    expect(labels).toContain('org.opencontainers.image.licenses=MIT')
    expect(labels).toContain(`org.opencontainers.image.revision=${SHA}`)
    expect(o.annotations.split('\n').every(a => a.startsWith('manifest:org.opencontainers.image.'))).toBe(
      true
    )
    const json = JSON.parse(o.json)
    expect(json.tags).toEqual(o.tags.split('\n'))
    expect(json['tag-names']).toEqual(['1.2.3', '1.2', 'sha-860c190', 'latest'])
    expect(json.labels['org.opencontainers.image.version']).toBe('1.2.3')
    // Bake files exist after the step and hold the same data.
    for (const name of ['bake-file-tags', 'bake-file-labels', 'bake-file-annotations', 'bake-file']) {
      expect(existsSync(o[name])).toBe(true)
    }
    const bake = JSON.parse(readFileSync(o['bake-file'], 'utf8'))
    expect(bake.target['docker-metadata-action'].tags).toEqual(json.tags)
    expect(bake.target['docker-metadata-action'].args).toEqual({
      DOCKER_META_IMAGES: 'name/app,ghcr.io/name/app',
      DOCKER_META_VERSION: '1.2.3'
    })
    expect(path.basename(o['bake-file-tags'])).toBe('docker-metadata-action-bake-tags.json')
    // Outputs are mirrored as environment variables, and the token reached the API.
    expect(main.envFile.DOCKER_METADATA_OUTPUT_VERSION).toBe('1.2.3')
    expect(main.envFile.DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe(o['tag-names'])
    expect(main.envFile.DOCKER_METADATA_OUTPUT_BAKE_FILE).toBe(o['bake-file'])
    expect(
      api.calls.some(c => c.path === '/repos/octocat/Hello-World' && c.token === 'ghs_runnerTestToken')
    ).toBe(true)
    for (const group of [
      'Context info',
      'Docker image version',
      'Docker tags',
      'Docker labels',
      'Annotations',
      'JSON output'
    ])
      expect(main.stdout).toContain(`::group::${group}`)
  }, 60_000)

  it('keeps separators untrimmed, honours the env switches and bake-target', async () => {
    const { main } = await run({
      eventName: 'pull_request',
      ref: 'refs/pull/2/merge',
      sha: SHA,
      payload: { number: 2, pull_request: { head: { sha: 'a'.repeat(40) }, base: { ref: 'master' } } },
      inputs: {
        images: 'name/app',
        tags: 'type=ref,event=pr\ntype=sha',
        'sep-tags': ', ',
        'sep-labels': ' ; ',
        'bake-target': 'meta-target',
        labels: 'maintainer=BlackLake\norg.opencontainers.image.title=Custom'
      },
      env: {
        DOCKER_METADATA_PR_HEAD_SHA: 'true',
        DOCKER_METADATA_SHORT_SHA_LENGTH: '10',
        DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index',
        DOCKER_METADATA_SET_OUTPUT_ENV: 'false'
      }
    })
    expect(main.exitCode).toBe(0)
    expect(main.outputs.tags).toBe('name/app:pr-2, name/app:sha-aaaaaaaaaa')
    expect(main.outputs.labels.split(' ; ')).toContain('org.opencontainers.image.title=Custom')
    expect(main.outputs.labels.split(' ; ')[0]).toBe('maintainer=BlackLake')
    expect(main.outputs.annotations.split('\n').filter(a => a.startsWith('index:')).length).toBeGreaterThan(0)
    expect(Object.keys(main.envFile)).toEqual([])
    const bake = JSON.parse(readFileSync(main.outputs['bake-file-tags'], 'utf8'))
    expect(Object.keys(bake.target)).toEqual(['meta-target'])
  }, 60_000)

  it('warns but succeeds when no tag is produced, even without GITHUB_SHA/GITHUB_REF', async () => {
    const { main } = await run({ payload: {}, inputs: { images: 'name/app' } })
    expect(main.exitCode).toBe(0)
    expect(main.stdout).toContain('::warning::No Docker tag has been generated. Check tags input.')
    expect(main.outputs.version).toBe('')
    expect(main.outputs.tags).toBe('')
    expect(
      JSON.parse(readFileSync(main.outputs['bake-file-tags'], 'utf8')).target['docker-metadata-action'].args
    ).toEqual({
      DOCKER_META_IMAGES: 'name/app'
    })
  }, 60_000)

  it('fails the step with a message naming the bad line', async () => {
    const { main } = await run({
      ref: 'refs/heads/main',
      sha: SHA,
      inputs: { images: 'name/app', tags: 'type=ref,event=branch\ntype=bogus' }
    })
    expect(main.exitCode).toBe(1)
    expect(main.stdout).toContain('::error::Unknown tag type attribute: bogus in tags line 2')
    expect(main.outputs).toEqual({})
  }, 60_000)
  it('takes ref and sha from the checkout with context: git', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meta-git-'))
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e.x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e.x'
        }
      })
        .toString()
        .trim()
    git('init', '-q', '-b', 'feature/Git-Ctx')
    git('commit', '-q', '--allow-empty', '-m', 'one')
    const { main } = await run({
      ref: 'refs/heads/main',
      sha: SHA,
      workspace: dir,
      inputs: { context: 'git', images: 'name/app', tags: 'type=ref,event=branch\ntype=sha' }
    })
    expect(main.exitCode).toBe(0)
    expect(main.outputs['tag-names']).toBe(`feature-Git-Ctx\nsha-${git('rev-parse', 'HEAD').slice(0, 7)}`)
  }, 60_000)
})
