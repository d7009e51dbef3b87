import { describe, expect, it } from '@jest/globals'
import {
  bakeArgs,
  bakeEnv,
  buildFlags,
  filesRead,
  parseDefinition,
  parseEntry,
  positionals,
  withFile,
  type BakeInvocation
} from '../../src/3-plan/definition.js'
import { fixture } from '../helpers/bake-fixtures.js'
import { captured, corpusCases } from '../helpers/corpus.js'
import { readFileSync } from 'node:fs'

// all-keys/docker-bake.hcl printed by buildx 0.13.1 (strings) and 0.29.1 (objects); see fixtures/bake/README.md.
const v013 = parseDefinition(fixture('all-keys/print.0.13.json'))
const v029 = parseDefinition(fixture('all-keys/print.0.29.json'))

describe('both --print formats', () => {
  it('read output, cache-from, cache-to and attest into the same objects', () => {
    for (const key of ['output', 'cache-from', 'cache-to', 'attest'] as const) {
      expect([key, v013.target.app[key]]).toEqual([key, v029.target.app[key]])
    }
    expect(v029.target.app.output).toEqual([
      { type: 'image', name: 'ghcr.io/acme/app,ghcr.io/acme/app-mirror', push: 'true' },
      { type: 'docker' }
    ])
    expect(v029.target.app['cache-from']).toEqual([
      { type: 'gha', scope: 'app' },
      { type: 'registry', ref: 'user/app:cache' }
    ])
    // 0.29 prints `disabled` as a boolean; both read as the string buildx's CSV form has.
    expect(v029.target.app.attest).toEqual([
      { type: 'sbom', disabled: 'true' },
      { type: 'provenance', mode: 'max' }
    ])
  })

  it('read a bare output path as local and `-` as a tar on stdout, as buildx does', () => {
    expect(v013.target.docs.output).toEqual(v029.target.docs.output)
    expect(v013.target.docs.output).toEqual([
      { type: 'local', dest: './out' },
      { type: 'tar', dest: '-' }
    ])
  })

  it('read secret and ssh entries into objects; keys that kept their shape stay as printed', () => {
    expect(v013.target.app.secret?.map(s => s.id)).toEqual(['foo', 'bar'])
    expect(v029.target.app.secret).toEqual([
      { id: 'foo', env: 'FOO' },
      { id: 'bar', src: './docker-bake.hcl' }
    ])
    expect(v013.target.app.ssh).toEqual([{ id: 'default' }])
    expect(v029.target.app.ssh).toEqual([{ id: 'default' }])
    expect(parseEntry('ssh', 'key=a.pem,b.pem')).toEqual({ id: 'key', paths: ['a.pem', 'b.pem'] })
    for (const d of [v013, v029]) {
      expect(d.target.app.annotations).toEqual(['index:org.example.x=1'])
      expect(d.target.app.contexts).toEqual({
        dep: 'target:base',
        other: 'docker-image://localhost:5000/base/busybox:latest'
      })
    }
    // Printed since 0.16 / 0.19 only: call, entitlements, network.
    expect([v013.target.docs.call, v029.target.docs.call]).toEqual([undefined, 'check'])
    expect([v013.target.app.entitlements, v029.target.app.entitlements]).toEqual([
      undefined,
      ['network.host']
    ])
  })

  it('a linked stage prints no output (0.13) or type=cacheonly (0.29)', () => {
    expect(v013.target.base.output).toBeUndefined()
    expect(v029.target.base.output).toEqual([{ type: 'cacheonly' }])
  })

  it('every corpus capture of both versions parses', () => {
    for (const c of corpusCases()) {
      for (const v of ['0.13', '0.29'] as const) {
        const def = parseDefinition(captured(c, 'print', v))
        for (const t of Object.values(def.target)) {
          for (const o of t.output ?? []) expect(typeof o.type).toBe('string')
        }
      }
    }
  })

  it('names what is wrong when the print is not a definition', () => {
    expect(() => parseDefinition('nope')).toThrow(/did not return JSON: nope/)
    expect(() => parseDefinition('{}')).toThrow(/returned no targets/)
    expect(() => parseDefinition('{"target":{"a":{"output":"type=docker"}}}')).toThrow(
      /'output' is not a list/
    )
  })
})

describe('the bake command line', () => {
  const inv: BakeInvocation = {
    workdir: '/w',
    files: ['a.hcl'],
    targets: ['default'],
    env: { X: '1' },
    set: ['app.args.A=1'],
    vars: { VERSION: 'v1.2.3' },
    noCache: true,
    pull: true
  }

  it('passes vars with --var where buildx has it, else in the environment', () => {
    expect(bakeArgs({ ...inv, varFlag: true })).toEqual([
      'buildx',
      'bake',
      '--file',
      'a.hcl',
      '--set',
      'app.args.A=1',
      '--var',
      'VERSION=v1.2.3'
    ])
    expect(bakeEnv({ ...inv, varFlag: true })).toEqual({ X: '1' })
    expect(bakeArgs(inv)).not.toContain('--var')
    expect(bakeEnv(inv)).toEqual({ X: '1', VERSION: 'v1.2.3' })
  })

  it('gives --no-cache and --pull to the build only, and after `--` the remote source before the targets', () => {
    expect(buildFlags(inv)).toEqual(['--no-cache', '--pull'])
    expect(buildFlags({ ...inv, noCache: false, pull: false })).toEqual([])
    expect(positionals(inv)).toEqual(['--', 'default'])
    expect(positionals({ ...inv, source: 'https://github.com/o/r.git#main' })).toEqual([
      '--',
      'https://github.com/o/r.git#main',
      'default'
    ])
  })

  it("adds the action's own file last, as cwd:// next to a remote definition", () => {
    expect(withFile(inv, '/tmp/o.json').files).toEqual(['a.hcl', '/tmp/o.json'])
    expect(withFile({ ...inv, source: 'https://x/r.git' }, '/tmp/o.json').files).toEqual([
      'a.hcl',
      'cwd:///tmp/o.json'
    ])
  })

  it('reads the files bake found itself from its progress (compose + override, both versions)', () => {
    const c = corpusCases().find(x => x.name === 'compose')!
    for (const v of ['0.13', '0.29']) {
      const stderr = readFileSync(`${c.dir}/print.${v}.stderr.txt`, 'utf8')
      expect(filesRead(stderr)).toEqual(['compose.yaml', 'docker-bake.override.hcl'])
    }
    expect(
      filesRead('#1 reading my file.hcl 2.05kB / 2.05kB done\n#1 reading /tmp/o.json 31B / 31B done')
    ).toEqual(['my file.hcl', '/tmp/o.json'])
  })
})
