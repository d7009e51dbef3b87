// The image recipes of the justfile (`just bake | bake-target | bake-platform | bake-push | plan`, the guide's
// commands) and their npm aliases call the action's CLI, so a laptop build runs the same code as CI. Each recipe
// is run here through the real `just` (the rust-just dev dependency, as `npx just` starts it) and the real npm,
// with a stand-in `node` on PATH that prints the arguments of a `dist/cli.js` call (and runs every other node
// program, such as just's own launcher, with the real node): the test sees exactly the CLI call a command makes.
import { beforeAll, afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as yaml from 'js-yaml'

const repo = path.resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  devDependencies: Record<string, string>
}
const justfile = readFileSync(path.join(repo, 'justfile'), 'utf8')
const inputs = new Set(
  Object.keys((yaml.load(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as { inputs: object }).inputs)
)
/** What `npx just` runs: the bin entry of the rust-just package. */
const justBin = path.join(repo, 'node_modules/.bin/just')

function findNpmCli(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const npm = path.join(dir, 'npm')
    if (existsSync(npm)) return path.join(path.dirname(realpathSync(npm)), 'npm-cli.js')
  }
  throw new Error('npm not found on PATH')
}

let fakeBin: string
const npmCli = findNpmCli()

beforeAll(() => {
  fakeBin = mkdtempSync(path.join(tmpdir(), 'recipes-'))
  writeFileSync(
    path.join(fakeBin, 'node'),
    [
      '#!/bin/sh',
      'if [ "$1" = dist/cli.js ]; then for a in "$@"; do printf "%s\\n" "$a"; done; exit 0; fi',
      `exec "${process.execPath}" "$@"`,
      ''
    ].join('\n')
  )
  chmodSync(path.join(fakeBin, 'node'), 0o755)
})

afterAll(() => rmSync(fakeBin, { recursive: true, force: true }))

interface Outcome {
  status: number | null
  argv: string[]
  stderr: string
}

function spawn(argv: string[], cwd = repo): Outcome {
  const r = spawnSync(process.execPath, argv, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakeBin}${path.delimiter}${process.env.PATH}` }
  })
  return { status: r.status, argv: r.stdout.split('\n').filter(Boolean), stderr: r.stderr }
}

/** `npx just <recipe> <args>`: the CLI argv the recipe produces (or the failure). */
const just = (recipe: string, ...args: string[]): Outcome => spawn([justBin, recipe, ...args])

/** `npm run -s <script> -- <args>`. */
const npmRun = (script: string, ...args: string[]): Outcome =>
  spawn([npmCli, 'run', '-s', script, '--', ...args])

const RECIPES: [string, string[], string[]][] = [
  ['bake', [], ['publish', '--push', 'false']],
  ['bake', ['--targets', 'all'], ['publish', '--push', 'false', '--targets', 'all']],
  ['bake-target', ['api'], ['publish', '--push', 'false', '--targets', 'api']],
  [
    'bake-target',
    ['ui', '--labels', 'team=web ui'],
    ['publish', '--push', 'false', '--targets', 'ui', '--labels', 'team=web ui']
  ],
  [
    'bake-platform',
    ['linux/arm64', 'api'],
    ['publish', '--push', 'false', '--platforms', 'linux/arm64', '--targets', 'api']
  ],
  [
    'bake-platform',
    ['linux/arm64', 'api', '--registry', 'localhost:5000'],
    [
      'publish',
      '--push',
      'false',
      '--platforms',
      'linux/arm64',
      '--targets',
      'api',
      '--registry',
      'localhost:5000'
    ]
  ],
  ['bake-push', [], ['publish', '--push', 'true']],
  ['plan', ['--ref', 'refs/tags/v1.2.3'], ['plan', '--ref', 'refs/tags/v1.2.3']]
]

describe('justfile recipes', () => {
  it('come from the rust-just dev dependency, whose binary arrives without an install script', () => {
    expect(pkg.devDependencies['rust-just']).toBeDefined()
    // npm 11 runs no dependency install script unless approved: the binary must come as a plain package.
    const launcher = JSON.parse(
      readFileSync(path.join(repo, 'node_modules/rust-just/package.json'), 'utf8')
    ) as { scripts?: Record<string, string>; optionalDependencies?: Record<string, string> }
    for (const hook of ['preinstall', 'install', 'postinstall'])
      expect(launcher.scripts?.[hook]).toBeUndefined()
    expect(Object.keys(launcher.optionalDependencies ?? {})).toContain(`rust-just-linux-x64`)
    const r = spawnSync(process.execPath, [justBin, '--version'], { encoding: 'utf8' })
    expect(r.stdout).toMatch(/^just \d+\.\d+\.\d+/)
  })

  it('have a lockfile entry for every platform package, or `npm ci` refuses the lock on a fresh clone', () => {
    // npm records an optional platform package in the lock only when it can read its metadata; a lock written
    // where some are unreachable makes `npm ci` fail everywhere ("Missing: rust-just-darwin-arm64 from lock
    // file"). Each entry carries its os/cpu, so npm skips the other platforms' binaries without fetching them.
    const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { version?: string; optionalDependencies?: Record<string, string>; os?: string[] }
      >
    }
    const launcher = lock.packages['node_modules/rust-just']
    const platforms = Object.entries(launcher.optionalDependencies ?? {})
    expect(platforms.length).toBeGreaterThan(1)
    for (const [name, version] of platforms) {
      expect({ name, version: lock.packages[`node_modules/${name}`]?.version }).toEqual({ name, version })
      expect(lock.packages[`node_modules/${name}`]?.os).toHaveLength(1)
    }
  })

  it('are the guide’s recipes, and `just` alone lists them', () => {
    const r = spawnSync(process.execPath, [justBin, '--summary'], { cwd: repo, encoding: 'utf8' })
    expect(r.stdout.trim().split(/\s+/).sort()).toEqual(
      ['bake', 'bake-platform', 'bake-push', 'bake-target', 'default', 'plan'].sort()
    )
    const list = spawnSync(process.execPath, [justBin], { cwd: repo, encoding: 'utf8' })
    expect(list.stdout).toMatch(/Available recipes:/)
    expect(list.stdout).toMatch(/bake-platform PLATFORM TARGET \*ARGS/)
  })

  it.each(RECIPES)('just %s %j', (recipe, args, expected) => {
    const r = just(recipe, ...args)
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' })
    expect(r.argv).toEqual(['dist/cli.js', ...expected])
  })

  it('keep every argument one argument: spaces, quotes and shell syntax are data, never run', () => {
    const marker = path.join(fakeBin, 'pwned')
    const hostile = [`$(touch ${marker})`, `\`touch ${marker}\``, `a'b"c; touch ${marker}`, '']
    const r = just('bake-platform', 'linux/arm64', 'api', '--labels', ...hostile)
    expect(r.status).toBe(0)
    expect(r.argv.slice(-4)).toEqual(['--labels', ...hostile.slice(0, 3)])
    expect(existsSync(marker)).toBe(false)
  })

  it('run from a sub-directory too (just finds the justfile above and runs at its directory)', () => {
    const r = spawn([justBin, 'bake-target', 'api'], path.join(repo, 'dockerfiles'))
    expect(r.argv).toEqual(['dist/cli.js', 'publish', '--push', 'false', '--targets', 'api'])
  })

  it('pass only options that are action inputs', () => {
    const calls = justfile.split('\n').filter(l => l.startsWith('    ') && l.includes('node dist/cli.js'))
    expect(calls).toHaveLength(5)
    for (const line of calls)
      for (const m of line.matchAll(/--([a-z][a-z-]*)/g)) expect(inputs).toContain(m[1])
  })

  it.each([
    ['bake-target', []],
    ['bake-platform', ['linux/arm64']]
  ])('just %s without its arguments fails with a usage line and runs nothing', (recipe, args) => {
    const r = just(recipe, ...args)
    expect(r.status).not.toBe(0)
    expect(r.argv).toEqual([])
    expect(r.stderr).toMatch(new RegExp(`usage:\\s+just ${recipe} `))
  })
})

describe('npm aliases', () => {
  it('each call the recipe of the same name (bake-plan calls plan)', () => {
    for (const [script, recipe] of [
      ['bake', 'bake'],
      ['bake-target', 'bake-target'],
      ['bake-platform', 'bake-platform'],
      ['bake-push', 'bake-push'],
      ['bake-plan', 'plan']
    ]) {
      expect(pkg.scripts[script]).toBe(`just ${recipe}`)
    }
  })

  it.each([
    ['bake-target', ['api'], ['publish', '--push', 'false', '--targets', 'api']],
    [
      'bake-platform',
      ['linux/arm64', 'api', '--labels', 'team=web ui'],
      [
        'publish',
        '--push',
        'false',
        '--platforms',
        'linux/arm64',
        '--targets',
        'api',
        '--labels',
        'team=web ui'
      ]
    ],
    ['bake-plan', ['--ref', 'refs/tags/v1.2.3'], ['plan', '--ref', 'refs/tags/v1.2.3']]
  ])('npm run %s -- %j gives the recipe’s CLI call', (script, args, expected) => {
    const r = npmRun(script, ...args)
    expect(r.status).toBe(0)
    expect(r.argv).toEqual(['dist/cli.js', ...expected])
  })
})
