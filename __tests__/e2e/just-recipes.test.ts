// The justfile's recipes, run as a developer runs them (`npx just bake-target api` at the repository root, with
// the rust-just binary from node_modules), against the e2e fixture on the real engine: each must print what
// the CLI prints for the same call (`node dist/cli.js publish --push false --targets api`), apart from temp
// paths and timestamps, and bake-push must land the tags the plan announced.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { REPO_ROOT, e2eEnv, registryTags, uniqueName, workspaceFrom } from '../../scripts/harness/e2e.mjs'

let workspace: string
let flags: string[]
let registry: string
const prefix = uniqueName('just')

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
    // No GitHub context from this machine's environment: the CLI reads the fixture's Git checkout.
    env: { ...process.env, GITHUB_TOKEN: '', GITHUB_ACTIONS: '', GITHUB_REPOSITORY: '' }
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const just = (...args: string[]) => run('npx', ['just', ...args])
const cli = (...args: string[]) => run(process.execPath, ['dist/cli.js', ...args])

/** The CLI's output with what differs between two identical runs (temp directories, clock, build progress) taken out. */
function normalized(out: string): string {
  return out
    .split('\n')
    .filter(l => !/^#\d+ /.test(l) && !/^\s*$/.test(l))
    .join('\n')
    .replace(/\/multiarch-[A-Za-z0-9]{6}/g, '/multiarch-TMP')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
    .replace(/\b\d+(\.\d+)?s\b/g, 'Ns')
}

interface Result {
  targets: { target: string; platforms: string[]; requestedTags: string[]; tags: string[]; pushed: boolean }[]
}

/**
 * The CLI's result (`--json`), without what two identical builds do not share: digests (a build's created time
 * differs).
 */
function result(out: string): Result {
  return JSON.parse(out.replace(/sha256:[0-9a-f]{64}/g, 'sha256:DIGEST')) as Result
}

const ok = (r: Run) =>
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-3000) }).toEqual({
    status: 0,
    stderr: ''
  })

beforeAll(async () => {
  const e = await e2eEnv()
  registry = e.E2E_REGISTRY
  workspace = await workspaceFrom('basic')
  // The CLI takes its context from a Git checkout, as on a laptop.
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'fixture']
  ]) {
    const r = spawnSync('git', ['-C', workspace, ...args], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  }
  flags = [
    '--workdir',
    workspace,
    '--registry',
    registry,
    '--image-prefix',
    prefix,
    '--driver',
    'docker',
    '--cache',
    'none',
    '--sbom',
    `generator=${e.E2E_SBOM_GENERATOR}`
  ]
})

afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true })
})

describe('just recipes on the fixture', () => {
  it('`npx just plan` prints what `node dist/cli.js plan` prints', () => {
    const viaJust = just('plan', ...flags)
    const viaCli = cli('plan', ...flags)
    ok(viaJust)
    ok(viaCli)
    expect(normalized(viaJust.stdout)).toEqual(normalized(viaCli.stdout))
    // One row per image: what a release of this checkout would move.
    expect(viaJust.stdout).toMatch(/^api +\S+\/api +linux\/amd64, linux\/arm64 +main sha-[0-9a-f]{7}$/m)
  })

  it('`npx just bake-target api` builds api for both platforms, as the CLI does, and pushes nothing', async () => {
    const viaJust = just('bake-target', 'api', ...flags, '--json')
    const viaCli = cli('publish', '--push', 'false', '--targets', 'api', ...flags, '--json')
    ok(viaJust)
    ok(viaCli)
    expect(result(viaJust.stdout)).toEqual(result(viaCli.stdout))
    const { targets } = result(viaJust.stdout)
    expect(targets.map(x => x.target)).toEqual(['api'])
    expect(targets[0]).toMatchObject({ platforms: ['linux/amd64', 'linux/arm64'], pushed: false })
    expect(await registryTags(`${registry}/${prefix}/api`)).toEqual([])
  })

  it('`npx just bake-platform linux/arm64 api` builds one platform, as the CLI does', () => {
    const viaJust = just('bake-platform', 'linux/arm64', 'api', ...flags, '--json')
    const viaCli = cli(
      'publish',
      '--push',
      'false',
      '--platforms',
      'linux/arm64',
      '--targets',
      'api',
      ...flags,
      '--json'
    )
    ok(viaJust)
    ok(viaCli)
    expect(result(viaJust.stdout)).toEqual(result(viaCli.stdout))
    expect(result(viaJust.stdout).targets[0].platforms).toEqual(['linux/arm64'])
  })

  it('`npx just bake-push` pushes and tags what `npx just plan` announced', async () => {
    const plan = just('plan', '--targets', 'api', ...flags, '--json')
    ok(plan)
    const announced = result(plan.stdout).targets[0].requestedTags
    expect(announced).toContain('main')
    const pushed = just('bake-push', '--targets', 'api', ...flags, '--json')
    ok(pushed)
    expect(await registryTags(`${registry}/${prefix}/api`)).toEqual([...announced].sort())
    expect(result(pushed.stdout).targets[0]).toMatchObject({ target: 'api', pushed: true })
  })
})
