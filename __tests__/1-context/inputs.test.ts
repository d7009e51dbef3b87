import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { load } from 'js-yaml'
import {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  parseInputs,
  parseProvenance,
  parseSbom,
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
      files: [],
      targets: ['default'],
      workdir: '.',
      registry: 'ghcr.io',
      registryGiven: false,
      vars: {},
      call: 'build',
      noCache: false,
      pull: false,
      load: false,
      source: '',
      variants: {},
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

  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [{ push: 'yes' }, /Invalid push 'yes'. Expected one of: auto, true, false/],
    [{ cache: 's3' }, /Invalid cache 's3'/],
    [{ driver: 'kubernetes' }, /Invalid driver/],
    [{ qemu: 'maybe' }, /Invalid qemu/],
    [{ sbom: 'yes' }, /Invalid sbom/],
    [{ provenance: 'mode=full' }, /Invalid provenance 'mode=full'/],
    [{ 'dry-run': 'sure' }, /Invalid dry-run/],
    [
      { images: '=ghcr.io/acme/api' },
      /Invalid images line '=ghcr.io\/acme\/api'. Expected 'target=registry\/namespace\/name'/
    ],
    [{ images: 'api=ghcr.io/acme/api:v1' }, /without a tag or digest/],
    [{ registry: 'ghcr.io/acme' }, /Invalid registry 'ghcr.io\/acme'/]
  ])('rejects %j with a message saying what is expected', (values, message) => {
    expect(() => parseInputs(from(values))).toThrow(message)
  })

  // Values that reach a command line or an option string: none may become a flag or add options (each was
  // accepted before and reached docker as written).
  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [{ targets: '--allow=fs=*' }, /Invalid targets '--allow=fs=\*'. Expected bake target or group names/],
    [{ targets: 'api,--print' }, /Invalid targets '--print'/],
    [{ targets: 'https://github.com/evil/defs.git' }, /Invalid targets 'https:/],
    [
      { files: '-' },
      /Invalid files '-'. Expected a bake file path \(bake would read "-" from standard input/
    ],
    [
      { platforms: 'banana' },
      /Unknown platform 'banana' in the platforms input. Expected os\/arch\[\/variant\]/
    ],
    [{ platforms: 'linux/amd64,linux/arm46' }, /Unknown platform 'linux\/arm46'/],
    [{ platforms: 'linux/arm/7' }, /Unknown platform 'linux\/arm\/7'/],
    [{ registry: '--config=/tmp/x' }, /Invalid registry '--config=\/tmp\/x'/],
    [{ registry: 'ghcr.io,evil' }, /Invalid registry/],
    [{ 'qemu-image': '--privileged' }, /Invalid qemu-image '--privileged'. Expected an image reference/],
    [{ 'qemu-image': 'tonistiigi/binfmt -v /:/host' }, /Invalid qemu-image/],
    [{ 'buildkit-image': 'moby/buildkit:v0.20,network=host' }, /Invalid buildkit-image/],
    [{ sbom: 'generator=img,foo=bar' }, /Invalid sbom generator 'img,foo=bar'/],
    [
      { 'cache-scope': 'x,url=http://evil/' },
      /Invalid cache-scope 'x,url=http:\/\/evil\/'. Expected letters/
    ],
    [{ builder: '--help' }, /Invalid builder '--help'/]
  ])('refuses %j before any command runs', (values, message) => {
    expect(() => parseInputs(from(values))).toThrow(message)
  })

  it.each<[Partial<Record<InputName, string>>, Partial<ReturnType<typeof parseInputs>>]>([
    [{ registry: 'GHCR.IO' }, { registry: 'ghcr.io' }],
    [{ registry: 'Registry.Example.com:8443/' }, { registry: 'registry.example.com:8443' }],
    [{ registry: '[::1]:5000' }, { registry: '[::1]:5000' }],
    [{ targets: 'api,worker_2,web-ui' }, { targets: ['api', 'worker_2', 'web-ui'] }],
    [
      { platforms: 'linux/amd64,linux/arm/v7,linux/arm64/v8' },
      { platforms: ['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8'] }
    ],
    [{ 'qemu-image': 'registry.example.com:5000/mirror/binfmt:qemu-v9@sha256:' + 'a'.repeat(64) }, {}],
    [{ 'cache-scope': 'blacklake-' }, { cacheScope: 'blacklake-' }]
  ])('accepts %j', (values, expected) => {
    expect(parseInputs(from(values))).toMatchObject(expected)
  })

  it('pins the default binfmt image (it runs --privileged) by digest', () => {
    expect(INPUT_DEFAULTS['qemu-image']).toMatch(/^tonistiigi\/binfmt:qemu-v[\d.]+@sha256:[0-9a-f]{64}$/)
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
