// The image recipes (`npm run bake | bake-target | bake-platform | bake-push | bake-plan`) call the action's
// CLI, so a laptop build runs the same code as CI. Each recipe is run here through the real npm with a stand-in
// `node` on PATH that prints its arguments: the test sees exactly the CLI call a user's command produces.
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
const scripts = (
  JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts
const inputs = new Set(
  Object.keys((yaml.load(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as { inputs: object }).inputs)
)

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
  writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
  chmodSync(path.join(fakeBin, 'node'), 0o755)
})

afterAll(() => rmSync(fakeBin, { recursive: true, force: true }))

/** Runs `npm run -s <recipe> -- <args>` and returns the argv the CLI would get (or the failure). */
function recipe(name: string, ...args: string[]): { status: number | null; argv: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [npmCli, 'run', '-s', name, '--', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakeBin}${path.delimiter}${process.env.PATH}` }
  })
  return { status: r.status, argv: r.stdout.split('\n').filter(Boolean), stderr: r.stderr }
}

describe('image recipes', () => {
  it('exist as npm scripts calling the bundled CLI', () => {
    for (const name of ['bake', 'bake-target', 'bake-platform', 'bake-push', 'bake-plan']) {
      expect(scripts[name]).toContain('node dist/cli.js ')
    }
  })

  it.each([
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
    ['bake-push', [], ['publish', '--push', 'true']],
    ['bake-plan', ['--ref', 'refs/tags/v1.2.3'], ['plan', '--ref', 'refs/tags/v1.2.3']]
  ])('npm run %s -- %j', (name, args, expected) => {
    const r = recipe(name, ...args)
    expect(r.status).toBe(0)
    expect(r.argv).toEqual(['dist/cli.js', ...expected])
  })

  it('pass only options that are action inputs', () => {
    for (const name of ['bake', 'bake-target', 'bake-platform', 'bake-push']) {
      for (const m of scripts[name].matchAll(/--([a-z-]+)/g)) expect(inputs).toContain(m[1])
    }
  })

  it.each([
    ['bake-target', [], /usage: npm run bake-target -- TARGET/],
    ['bake-platform', ['linux/arm64'], /usage: npm run bake-platform -- PLATFORM TARGET/]
  ])('npm run %s without its arguments fails with a usage line', (name, args, usage) => {
    const r = recipe(name, ...args)
    expect(r.status).not.toBe(0)
    expect(r.argv).toEqual([])
    expect(r.stderr).toMatch(usage)
  })
})
