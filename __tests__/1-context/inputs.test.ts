import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { load } from 'js-yaml'
import {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  parseTargetImages,
  parseInputs,
  parseProvenance,
  parseSbom,
  splitList,
  type InputName
} from '../../src/1-context/inputs.js'

const actionYml = load(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}

const from = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? ''

describe('action.yml', () => {
  it('declares exactly the inputs the code reads, with the same defaults', () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...INPUT_NAMES].sort())
    for (const name of INPUT_NAMES) {
      const declared = actionYml.inputs[name].default ?? ''
      if (name === 'github-token') expect(declared).toBe('${{ github.token }}')
      else expect([name, declared]).toEqual([name, INPUT_DEFAULTS[name]])
    }
  })

  it('declares the outputs the report writes and runs main and post on node24 from one bundle', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([
      'bake-file',
      'digests',
      'images',
      'metadata',
      'pushed',
      'tags',
      'version'
    ])
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' })
  })
})

describe('inputs', () => {
  it('applies the defaults when everything is empty', () => {
    const i = parseInputs(from({}))
    expect(i).toMatchObject({
      files: ['docker-bake.hcl'],
      targets: ['default'],
      workdir: '.',
      registry: 'ghcr.io',
      push: 'auto',
      cache: 'gha',
      sbom: { enabled: true },
      provenance: { enabled: true, mode: 'max' },
      qemu: 'auto',
      driver: 'docker-container',
      dryRun: false,
      platforms: [],
      images: {},
      set: []
    })
  })

  it('splits lists on newlines and commas, dropping blanks and comments', () => {
    expect(splitList('a.hcl, b.hcl\n\n# note\n c.json ')).toEqual(['a.hcl', 'b.hcl', 'c.json'])
    expect(splitList('api.args.X=1,2\nworker.tags=x', { commas: false })).toEqual([
      'api.args.X=1,2',
      'worker.tags=x'
    ])
  })

  it('keeps set lines whole (a value may contain commas)', () => {
    expect(parseInputs(from({ set: 'api.cache-to=type=gha,mode=max\n' })).set).toEqual([
      'api.cache-to=type=gha,mode=max'
    ])
  })

  it.each([
    [
      'generator=localhost:5000/test/sbom-scanner:latest',
      { enabled: true, generator: 'localhost:5000/test/sbom-scanner:latest' }
    ],
    ['true', { enabled: true }],
    ['false', { enabled: false }]
  ])('sbom %s', (value, expected) => expect(parseSbom(value)).toEqual(expected))

  it.each([
    ['mode=max', { enabled: true, mode: 'max' }],
    ['mode=min', { enabled: true, mode: 'min' }],
    ['true', { enabled: true, mode: 'max' }],
    ['false', { enabled: false }]
  ])('provenance %s', (value, expected) => expect(parseProvenance(value)).toEqual(expected))

  it('reads images lines', () => {
    expect(
      parseTargetImages('api=ghcr.io/acme/api\n# c\nworker = registry.example.com:5000/ns/worker')
    ).toEqual({
      api: 'ghcr.io/acme/api',
      worker: 'registry.example.com:5000/ns/worker'
    })
  })

  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [{ push: 'yes' }, /Invalid push 'yes'. Expected one of: auto, true, false/],
    [{ cache: 's3' }, /Invalid cache 's3'/],
    [{ driver: 'kubernetes' }, /Invalid driver/],
    [{ qemu: 'maybe' }, /Invalid qemu/],
    [{ sbom: 'yes' }, /Invalid sbom/],
    [{ provenance: 'mode=full' }, /Invalid provenance 'mode=full'/],
    [{ 'dry-run': 'sure' }, /Invalid dry-run/],
    [
      { images: 'just-a-name' },
      /Invalid images line 'just-a-name'. Expected 'target=registry\/namespace\/name'/
    ],
    [{ images: 'api=ghcr.io/acme/api:v1' }, /without a tag or digest/],
    [{ registry: 'ghcr.io/acme' }, /Invalid registry 'ghcr.io\/acme'/]
  ])('rejects %j with a message saying what is expected', (values, message) => {
    expect(() => parseInputs(from(values))).toThrow(message)
  })

  it('accepts a registry with a port for images lines', () => {
    expect(parseTargetImages('api=localhost:5000/acme/api')).toEqual({ api: 'localhost:5000/acme/api' })
  })
})

describe('release inputs', () => {
  const get = (o: Record<string, string>) => (name: string) => o[name] ?? ''
  it('takes monotonic= out of the flavor before the tag engine sees it', async () => {
    const { splitFlavor } = await import('../../src/1-context/inputs.js')
    expect(splitFlavor('monotonic=false')).toEqual({ flavor: '', monotonic: false })
    expect(splitFlavor('latest=auto\nprefix=alpine-,onlatest=true,monotonic=false')).toEqual({
      flavor: 'latest=auto\nprefix=alpine-,onlatest=true',
      monotonic: false
    })
    expect(splitFlavor('latest=true')).toEqual({ flavor: 'latest=true', monotonic: true })
    expect(() => splitFlavor('monotonic=maybe')).toThrow(/Invalid flavor monotonic 'maybe'/)
  })

  it('parses overwrite, allow-secret-build-args, pr-comment, digest-only with their defaults', async () => {
    const { parseInputs } = await import('../../src/1-context/inputs.js')
    const d = parseInputs(get({}))
    expect([d.overwrite, d.allowSecretBuildArgs, d.prComment, d.digestOnly, d.monotonic]).toEqual([
      false,
      false,
      true,
      false,
      true
    ])
    const i = parseInputs(
      get({
        overwrite: 'true',
        'allow-secret-build-args': 'NPM_TOKEN, SIGNING_KEY',
        'pr-comment': 'false',
        'digest-only': 'true',
        flavor: 'monotonic=false'
      })
    )
    expect([i.overwrite, i.allowSecretBuildArgs, i.prComment, i.digestOnly, i.monotonic, i.flavor]).toEqual([
      true,
      ['NPM_TOKEN', 'SIGNING_KEY'],
      false,
      true,
      false,
      ''
    ])
    expect(parseInputs(get({ 'allow-secret-build-args': 'TRUE' })).allowSecretBuildArgs).toBe(true)
    expect(() => parseInputs(get({ 'digest-only': 'yes' }))).toThrow(/Invalid digest-only 'yes'/)
  })
})
