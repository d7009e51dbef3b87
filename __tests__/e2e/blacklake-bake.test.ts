// BlackLake's bake file as buildx resolves it (`docker buildx bake --print`, no build, no base image needed),
// the fixture twin the end-to-end suite builds, and one real build of that twin for both platforms.
// Needs Docker + Buildx (scripts/e2e-env.sh); the static checks that need neither are in __tests__/blacklake/.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseEntry } from '../../src/3-plan/definition.js'
import { finalStage, parseDockerfile, parseKeyValues } from '../blacklake/dockerfile.js'

const REPO = path.resolve(import.meta.dirname, '../..')
const FIXTURE = path.join(REPO, '__tests__/e2e/fixtures/blacklake')
const CORE = ['api', 'ui', 'gateway', 'jobrunner']
const ALL = [...CORE, 'otel-collector', 'mlflow']
const BAKE_VARS = ['REGISTRY', 'IMAGE_PREFIX', 'VERSION', 'PLATFORMS', 'CACHE_REF']

interface BakeTarget {
  context: string
  dockerfile: string
  tags?: string[]
  platforms?: string[]
  labels?: Record<string, string>
  'cache-from'?: unknown[]
  'cache-to'?: unknown[]
}
interface BakePrint {
  group: Record<string, { targets: string[] }>
  target: Record<string, BakeTarget>
}

/** `docker buildx bake --print` in `cwd` with exactly the given bake variables set (none inherited). */
function bakePrint(cwd: string, targets: string[], vars: Record<string, string> = {}): BakePrint {
  const env: Record<string, string | undefined> = { ...process.env, ...vars }
  for (const v of BAKE_VARS) if (!(v in vars)) delete env[v]
  const r = spawnSync('docker', ['buildx', 'bake', '--print', ...targets], { cwd, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`bake --print ${targets.join(' ')} failed in ${cwd}: ${r.stderr}`)
  return JSON.parse(r.stdout) as BakePrint
}

function dockerfileLabels(root: string, name: string): Record<string, string> {
  const df = parseDockerfile(readFileSync(path.join(root, 'dockerfiles', `Dockerfile.${name}`), 'utf8'))
  return Object.assign(
    {},
    ...finalStage(df)
      .instructions.filter(i => i.keyword === 'LABEL')
      .map(i => parseKeyValues(i.args))
  ) as Record<string, string>
}

const MYORG = { REGISTRY: 'my-registry.com', IMAGE_PREFIX: 'myorg' }

describe.each([
  ['docker-bake.hcl', REPO],
  ['fixture docker-bake.hcl', FIXTURE]
])('%s resolved by buildx', (_label, root) => {
  it('resolves `all` to the six images, each for both platforms, with the expected tags and labels', () => {
    const print = bakePrint(root, ['all'], MYORG)
    expect(print.group.all.targets).toEqual(ALL)
    expect(Object.keys(print.target).sort()).toEqual([...ALL].sort())
    for (const name of ALL) {
      const t = print.target[name]
      expect(t.tags).toEqual([`my-registry.com/myorg/${name}:latest`])
      expect(t.platforms).toEqual(['linux/amd64', 'linux/arm64'])
      expect(t.context).toBe('.')
      expect(t.dockerfile).toBe(`dockerfiles/Dockerfile.${name}`)
      expect(existsSync(path.join(root, t.dockerfile))).toBe(true)
      expect(t.labels).toEqual({
        'org.opencontainers.image.title': `blacklake-${name}`,
        'org.opencontainers.image.description': expect.stringMatching(/\S/),
        'org.opencontainers.image.vendor': 'BlackLake',
        'org.opencontainers.image.licenses': 'Apache-2.0'
      })
      // The Dockerfile's own labels (used by a plain `docker build`) say the same.
      const own = dockerfileLabels(root, name)
      for (const key of ['org.opencontainers.image.title', 'org.opencontainers.image.description']) {
        expect({ name, key, value: own[key] }).toEqual({ name, key, value: t.labels![key] })
      }
      // No cache settings unless asked for: the action writes per-target cache itself.
      expect(t['cache-from']).toBeUndefined()
      expect(t['cache-to']).toBeUndefined()
    }
  })

  it('builds the four core images by default', () => {
    const print = bakePrint(root, [], MYORG)
    // Group order is bake's own (buildx 0.29 sorts it); what matters is which targets it holds.
    expect([...print.group.default.targets].sort()).toEqual([...CORE].sort())
    expect(Object.keys(print.target).sort()).toEqual([...CORE].sort())
  })

  it('uses the documented defaults when no variable is set', () => {
    const print = bakePrint(root, ['api', 'mlflow'])
    expect(print.target.api.tags).toEqual(['ghcr.io/blacklake/api:latest'])
    expect(print.target.mlflow.tags).toEqual(['ghcr.io/blacklake/mlflow:latest'])
  })

  it('takes VERSION, PLATFORMS (comma-separated, spaces ignored) and CACHE_REF from the environment', () => {
    const print = bakePrint(root, ['api', 'otel-collector'], {
      ...MYORG,
      VERSION: '1.2.3',
      PLATFORMS: ' linux/arm64 , linux/amd64',
      CACHE_REF: 'my-registry.com/myorg/cache'
    })
    expect(print.target.api.tags).toEqual(['my-registry.com/myorg/api:1.2.3'])
    expect(print.target['otel-collector'].tags).toEqual(['my-registry.com/myorg/otel-collector:1.2.3'])
    expect(print.target.api.platforms).toEqual(['linux/arm64', 'linux/amd64'])
    // Read in either print format (buildx >= 0.19 prints cache entries as objects).
    const entries = (name: string, key: 'cache-from' | 'cache-to') =>
      (print.target[name][key] ?? []).map(e => parseEntry(key, e))
    expect(entries('api', 'cache-from')).toEqual([
      { type: 'registry', ref: 'my-registry.com/myorg/cache:api' }
    ])
    expect(entries('api', 'cache-to')).toEqual([
      { type: 'registry', ref: 'my-registry.com/myorg/cache:api', mode: 'max', 'ignore-error': 'true' }
    ])
    expect(entries('otel-collector', 'cache-from')).toEqual([
      { type: 'registry', ref: 'my-registry.com/myorg/cache:otel-collector' }
    ])
  })
})

describe.each([
  ['dockerfiles/', REPO],
  ['fixture dockerfiles/', FIXTURE]
])('%s parsed by BuildKit', (_label, root) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'blacklake-parse-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  // `--print=targets` runs the Dockerfile frontend's parser only: no base image is resolved, so the real
  // Dockerfiles can be checked here although their bases are unreachable. The `# syntax=` line is dropped
  // because its frontend image cannot be pulled here either; BuildKit's built-in frontend parses the same 1.x
  // language.
  it.each(ALL)('Dockerfile.%s parses, with the stages the static checks saw', name => {
    const text = readFileSync(path.join(root, 'dockerfiles', `Dockerfile.${name}`), 'utf8')
    const file = path.join(tmp, `Dockerfile.${name}`)
    writeFileSync(file, text.replace(/^# syntax=.*\n/, ''))
    const r = spawnSync(
      'docker',
      ['buildx', 'build', '--builder', 'default', '--print=targets', '-f', file, tmp],
      {
        encoding: 'utf8',
        env: { ...process.env, BUILDX_EXPERIMENTAL: '1' }
      }
    )
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({
      status: 0,
      stderr: ''
    })
    const listed = r.stdout
      .split('\n')
      .slice(1)
      .map(l => l.trim().split(/\s+/)[0])
      .filter(Boolean)
    const stages = parseDockerfile(text).stages.map(s => s.name)
    expect(listed).toEqual(stages)
    expect(r.stdout).toMatch(new RegExp(`^${stages[stages.length - 1]}\\s+\\(default\\)`, 'm'))
  })
})

describe('fixture twin', () => {
  it('resolves to the same structure as the real bake file (only Dockerfile contents differ)', () => {
    const vars = { ...MYORG, VERSION: '9.9.9', CACHE_REF: 'r.example/c' }
    const real = bakePrint(REPO, ['all'], vars)
    const twin = bakePrint(FIXTURE, ['all'], vars)
    expect(twin).toEqual(real)
  })
})

describe('fixture build (docker driver, both platforms)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'blacklake-fixture-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('compiles on the build platform for each target platform, and runs the final stage on the target', () => {
    const serverArch = execFileSync('docker', ['version', '--format', '{{.Server.Arch}}'], {
      encoding: 'utf8'
    }).trim()
    const sets = ALL.map(t => ['--set', `${t}.output=type=local,dest=${path.join(out, t)}`]).flat()
    const env: Record<string, string | undefined> = {
      ...process.env,
      REGISTRY: 'localhost:5000',
      IMAGE_PREFIX: 'e2e'
    }
    for (const v of ['VERSION', 'PLATFORMS', 'CACHE_REF']) delete env[v]
    // bake (buildx >= 0.20) writes outside its directory only where --allow grants it.
    const args = ['buildx', 'bake', '--builder', 'default', `--allow=fs.write=${out}`, 'all', ...sets]
    const r = spawnSync('docker', args, {
      cwd: FIXTURE,
      env,
      encoding: 'utf8'
    })
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-3000) }).toEqual({
      status: 0,
      stderr: ''
    })
    const unameOf: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' }
    for (const name of ALL) {
      for (const arch of ['amd64', 'arm64']) {
        const rootfs = path.join(out, name, `linux_${arch}`, 'opt/blacklake')
        expect(readFileSync(path.join(rootfs, 'build-info'), 'utf8')).toBe(
          `${name} built on linux/${serverArch} for linux/${arch}\n`
        )
        expect(readFileSync(path.join(rootfs, 'runtime-arch'), 'utf8').trim()).toBe(unameOf[arch])
      }
    }
  })
})

describe('recipes on the real bake file', () => {
  it('`npm run bake-plan` resolves all six images through the action CLI for a release tag', () => {
    const r = spawnSync(
      'npm',
      [
        'run',
        '-s',
        'bake-plan',
        '--',
        '--ref',
        'refs/tags/v1.2.3',
        '--registry',
        'my-registry.com',
        '--image-prefix',
        'myorg',
        '--targets',
        'all',
        '--driver',
        'docker',
        '--cache',
        'none',
        '--json'
      ],
      { cwd: REPO, encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: '' } }
    )
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-3000) }).toEqual({
      status: 0,
      stderr: ''
    })
    // The CLI's result as one JSON document (--json); its log went to stderr.
    const plan = JSON.parse(r.stdout) as {
      dryRun: boolean
      targets: { target: string; image: string; platforms: string[]; requestedTags: string[] }[]
    }
    expect(plan.targets.map(t => t.target).sort()).toEqual([...ALL].sort())
    for (const t of plan.targets) {
      expect(t.image).toBe(`my-registry.com/myorg/${t.target}`)
      expect(t.platforms).toEqual(['linux/amd64', 'linux/arm64'])
      // The release's semver tags (BlackLake's default scheme).
      expect(t.requestedTags).toEqual(expect.arrayContaining(['v1.2.3', 'v1.2', 'v1']))
    }
    expect(plan.dryRun).toBe(true)
  })
})
