import { describe, expect, it } from '@jest/globals'
import type { BakeDefinition } from '../../src/3-plan/definition.js'
import { parseDefinition, parseEntry } from '../../src/3-plan/definition.js'
import {
  attestations,
  DEFAULT_PLATFORMS,
  overrideFile,
  planTargets,
  repositoryOf,
  layoutOutput,
  loadOverride,
  targetLabels,
  platformSlug,
  type PlanOptions
} from '../../src/3-plan/targets.js'
import { fixture, jsonFixture } from '../helpers/bake-fixtures.js'

// Captured: REGISTRY=localhost:5000 IMAGE_PREFIX=acme VERSION=1.2.3 bake --print default docs (see README),
// with buildx 0.13.1 (CSV strings) and 0.29.1 (objects): every test below runs on both.
const FORMATS = [
  ['0.13.1', 'print-two-targets.json'],
  ['0.29.1', 'print-two-targets.0.29.json']
] as const

const base: PlanOptions = {
  registry: 'localhost:5000',
  imagePrefix: 'acme',
  images: {},
  platforms: [],
  tagNames: ['v1.2.3', 'v1.2', 'latest'],
  labels: ['org.opencontainers.image.version=v1.2.3', 'org.opencontainers.image.title=demo=x'],
  annotations: ['manifest:org.opencontainers.image.version=v1.2.3'],
  push: true,
  cache: 'none',
  cacheScope: '',
  cacheWrite: false,
  ghaAvailable: true,
  localCacheDir: '/tmp/cache-root',
  pushByDigest: true,
  sbom: { enabled: true },
  provenance: { enabled: true, mode: 'max' }
}

const labelMapOf = (l: string[]) => Object.fromEntries(l.map(x => x.split('=') as [string, string]))

describe.each(FORMATS)('buildx %s print', (_version, file) => {
  const def = parseDefinition(fixture(file))
  const plan = (o: Partial<PlanOptions> = {}, d: BakeDefinition = def) =>
    Object.fromEntries(
      planTargets(d, { ...base, ...o, requested: ['default', 'docs'] }).map(p => [p.target, p])
    )

  describe('image names', () => {
    it('come from the images input, else the target tags, else registry/prefix/target', () => {
      const p = plan({ images: { worker: 'ghcr.io/acme/Worker-Image' } })
      expect([p.api.image, p.api.imageSource]).toEqual(['localhost:5000/acme/api', 'target tags'])
      expect([p.worker.image, p.worker.imageSource]).toEqual(['ghcr.io/acme/worker-image', 'images input'])
      const q = plan()
      expect([q.worker.image, q.worker.imageSource]).toEqual([
        'localhost:5000/acme/worker',
        'registry/image-prefix'
      ])
    })

    it.each([
      ['localhost:5000/acme/api:1.2.3', 'localhost:5000/acme/api'],
      ['ghcr.io/acme/api@sha256:abc', 'ghcr.io/acme/api'],
      ['ghcr.io/acme/api:v1@sha256:abc', 'ghcr.io/acme/api'],
      ['localhost:5000/acme/api', 'localhost:5000/acme/api'],
      ['api', 'api']
    ])('repository of %s is %s', (ref, repo) => expect(repositoryOf(ref)).toBe(repo))

    it('puts every computed tag on each target’s own image', () => {
      const p = plan()
      expect(p.api.tags).toEqual([
        'localhost:5000/acme/api:v1.2.3',
        'localhost:5000/acme/api:v1.2',
        'localhost:5000/acme/api:latest'
      ])
      expect(p.worker.tags[0]).toBe('localhost:5000/acme/worker:v1.2.3')
    })

    it('rejects a name that is not a valid reference, saying how to set one', () => {
      expect(() => plan({ images: { api: 'ghcr.io/acme/bad name' } })).toThrow(
        /invalid image name.*images input/
      )
    })

    it('fails when a pushed target would get no tag; a build-only run may have none', () => {
      expect(() => plan({ tagNames: [] })).toThrow(/Target 'api' would be pushed with no tag/)
      expect(plan({ tagNames: [], push: false }).api.tags).toEqual([])
    })
  })

  describe('targets without an image output', () => {
    it.each([
      ['type=local,dest=out', 'local'],
      ['./out', 'local'],
      ['-', 'tar'],
      ['type=cacheonly', 'cacheonly'],
      ['type=registry', 'registry'],
      ['type=image,push=true', 'image']
    ])('output %s is type %s', (entry, type) => expect(parseEntry('output', entry).type).toBe(type))

    it('are skipped with a reason and left out of the override file', () => {
      const p = plan()
      expect(p.docs.producesImage).toBe(false)
      expect(p.docs.skipReason).toMatch(/output is type=local,dest=out\/docs, not an image/)
      expect(p.docs.tags).toEqual([])
      expect(Object.keys(overrideFile(Object.values(p)).target).sort()).toEqual(['api', 'worker'])
    })
  })

  describe('platforms', () => {
    it('keep the target’s own, default the others, and yield to the input', () => {
      const p = plan()
      expect(p.api.platforms).toEqual(['linux/amd64', 'linux/arm64'])
      expect(p.worker.platforms).toEqual(DEFAULT_PLATFORMS)
      const q = plan({ platforms: ['linux/riscv64'] })
      expect([q.api.platforms, q.worker.platforms]).toEqual([['linux/riscv64'], ['linux/riscv64']])
    })
  })

  describe('cache', () => {
    it.each<[string, Partial<PlanOptions>, string[], string[] | undefined]>([
      [
        'gha on a default-branch push writes mode=max',
        { cache: 'gha', cacheWrite: true, cacheScope: 'ci-' },
        ['type=gha,scope=ci-api'],
        ['type=gha,scope=ci-api,mode=max,ignore-error=true']
      ],
      ['gha elsewhere reads only', { cache: 'gha' }, ['type=gha,scope=api'], []],
      [
        'gha without the runner’s cache service is left out',
        { cache: 'gha', ghaAvailable: false, cacheWrite: true },
        [],
        undefined
      ],
      [
        'registry writes <image>:buildcache',
        { cache: 'registry', cacheWrite: true },
        ['type=registry,ref=localhost:5000/acme/api:buildcache'],
        ['type=registry,ref=localhost:5000/acme/api:buildcache,mode=max,ignore-error=true']
      ],
      [
        'registry reads only off the default branch',
        { cache: 'registry' },
        ['type=registry,ref=localhost:5000/acme/api:buildcache'],
        []
      ],
      [
        'local writes a new generation, reads nothing before the first save',
        { cache: 'local' },
        [],
        ['type=local,dest=/tmp/cache-root/api.new,mode=max,ignore-error=true']
      ],
      ['none leaves the target’s own cache alone', { cache: 'none' }, [], undefined]
    ])('%s', (_name, o, from, to) => {
      const p = plan(o).api
      expect(p.cache).toEqual({ from, to })
    })

    it('gives every target its own scope', () => {
      const p = plan({ cache: 'gha', cacheScope: 'blk-' })
      expect([p.api.cache.from, p.worker.cache.from]).toEqual([
        ['type=gha,scope=blk-api'],
        ['type=gha,scope=blk-worker']
      ])
    })
  })

  describe('attestations and outputs', () => {
    it.each<[string, Partial<PlanOptions>, string[]]>([
      ['default SBOM and max provenance', {}, ['type=sbom', 'type=provenance,mode=max']],
      [
        'SBOM generator',
        { sbom: { enabled: true, generator: 'localhost:5000/test/sbom-scanner:latest' } },
        ['type=sbom,generator=localhost:5000/test/sbom-scanner:latest', 'type=provenance,mode=max']
      ],
      [
        'min provenance, no SBOM',
        { sbom: { enabled: false }, provenance: { enabled: true, mode: 'min' } },
        ['type=sbom,disabled=true', 'type=provenance,mode=min']
      ],
      ['build only: both off', { push: false }, ['type=sbom,disabled=true', 'type=provenance,disabled=true']]
    ])('%s', (_name, o, attest) => {
      expect(plan(o).api.attest).toEqual(attest)
      expect(attestations(o.push ?? true, o.sbom ?? base.sbom, o.provenance ?? base.provenance)).toEqual(
        attest
      )
    })

    it('pushes by digest, to an OCI layout for the docker driver, and nowhere when building only', () => {
      expect(plan().api.output).toEqual([
        'type=image,name=localhost:5000/acme/api,push-by-digest=true,name-canonical=true,push=true'
      ])
      const layouts = plan({ pushByDigest: false, layoutRoot: '/tmp/run/oci' })
      expect(layouts.api.output).toEqual(['type=oci,tar=false,dest=/tmp/run/oci/api'])
      expect(layouts.api.output).toEqual([layoutOutput('/tmp/run/oci/api')])
      expect(layouts.api.layoutDir).toBe('/tmp/run/oci/api')
      // No tag of any kind at build time: no staging tag either.
      expect(layouts.api.output.join()).not.toMatch(/name=|staging/)
      expect(layouts.docs.layoutDir).toBeUndefined()
      expect(plan().api.layoutDir).toBeUndefined()
      expect(plan({ push: false }).api.output).toEqual(['type=cacheonly'])
      expect(plan({ push: false, pushByDigest: false }).api.layoutDir).toBeUndefined()
    })

    it('digest-only: no tags (and no "pushed with no tag" error), cache scope per target and platform', () => {
      const p = plan({
        digestOnly: true,
        tagNames: [],
        cache: 'gha',
        cacheWrite: true,
        platforms: ['linux/arm64']
      })
      expect(p.api.tags).toEqual([])
      expect(p.api.output[0]).toContain('push-by-digest=true')
      expect(p.api.cache.from).toEqual(['type=gha,scope=api-linux-arm64'])
      expect(p.worker.cache.to?.[0]).toContain('scope=worker-linux-arm64')
      expect(() => plan({ tagNames: [] })).toThrow(/would be pushed with no tag/)
      expect(platformSlug(['linux/arm/v7'])).toBe('linux-arm-v7')
      expect(platformSlug(['linux/amd64', 'linux/arm64'])).toBe('linux-amd64_linux-arm64')
    })

    it("generated labels fill in; a target's own label stays unless the labels input sets it", () => {
      const t = { labels: { 'org.opencontainers.image.title': 'blacklake-api', 'com.example.team': 'core' } }
      const labels = ['org.opencontainers.image.title=demo', 'org.opencontainers.image.version=v1.2.3']
      expect(targetLabels(t, { labels })).toEqual({ 'org.opencontainers.image.version': 'v1.2.3' })
      expect(targetLabels(t, { labels, userLabelKeys: ['org.opencontainers.image.title'] })).toEqual({
        'org.opencontainers.image.title': 'demo',
        'org.opencontainers.image.version': 'v1.2.3'
      })
      expect(targetLabels({}, { labels })).toEqual(labelMapOf(labels))
    })

    it('load: a build-only run exports to the local engine; a pushing run loads in a second bake', () => {
      expect(plan({ push: false, load: true }).api.output).toEqual([
        'type=docker,"name=localhost:5000/acme/api:v1.2.3,localhost:5000/acme/api:v1.2,localhost:5000/acme/api:latest"'
      ])
      expect(plan({ push: false, load: true, tagNames: [] }).api.output).toEqual([
        'type=docker,"name=localhost:5000/acme/api"'
      ])
      const pushing = Object.values(plan({ load: true }))
      expect(pushing.find(p => p.target === 'api')?.output[0]).toContain('push-by-digest=true')
      const second = loadOverride(pushing)
      expect(Object.keys(second.target).sort()).toEqual(['api', 'worker'])
      expect(second.target.worker.output).toEqual([
        'type=docker,"name=localhost:5000/acme/worker:v1.2.3,localhost:5000/acme/worker:v1.2,localhost:5000/acme/worker:latest"'
      ])
      expect(second.target.worker['cache-to']).toEqual([])
    })

    it('annotations only go on pushed images', () => {
      expect(plan().api.annotations).toEqual(base.annotations)
      expect(plan({ push: false }).api.annotations).toEqual([])
    })
  })
})

describe('override file', () => {
  const def = parseDefinition(fixture('print-two-targets.json'))
  const plan = (o: Partial<PlanOptions> = {}) =>
    Object.fromEntries(
      planTargets(def, { ...base, ...o, requested: ['default', 'docs'] }).map(p => [p.target, p])
    )

  it('holds everything per target, with no tags at build time, labels as a map', () => {
    const file = overrideFile(Object.values(plan({ cache: 'gha' })))
    expect(file.target.api).toEqual({
      tags: [],
      platforms: ['linux/amd64', 'linux/arm64'],
      labels: { 'org.opencontainers.image.version': 'v1.2.3', 'org.opencontainers.image.title': 'demo=x' },
      annotations: ['manifest:org.opencontainers.image.version=v1.2.3'],
      attest: ['type=sbom', 'type=provenance,mode=max'],
      output: ['type=image,name=localhost:5000/acme/api,push-by-digest=true,name-canonical=true,push=true'],
      'cache-from': ['type=gha,scope=api'],
      'cache-to': []
    })
  })

  it.each(['print-with-override.json', 'print-with-override.0.29.json'])(
    'uses only keys bake merges as intended (captured --print with an override: %s)',
    capture => {
      // The override in override-input.json, merged by real bake: tags cleared, labels merged, the rest replaced.
      const merged = parseDefinition(fixture(capture))
      expect(merged.target.api.tags).toBeUndefined()
      expect(merged.target.api.labels).toEqual({
        'com.example.team': 'core',
        'org.opencontainers.image.version': '1.2.3'
      })
      expect(merged.target.worker.output).toEqual([{ type: 'cacheonly' }])
      expect(merged.target.worker.attest).toEqual([
        { type: 'sbom', disabled: 'true' },
        { type: 'provenance', disabled: 'true' }
      ])
      // cache-from is appended to the target's own: user entries survive.
      expect(merged.target.worker['cache-from']).toEqual([{ type: 'registry', ref: 'example.org/own/cache' }])
      const keys = new Set(
        Object.values(overrideFile(Object.values(plan({ cache: 'gha' }))).target).flatMap(Object.keys)
      )
      const known = new Set(
        Object.values(jsonFixture<BakeDefinition>('override-input.json').target).flatMap(Object.keys)
      )
      for (const k of keys) expect(known.has(k) || k === 'cache-from').toBe(true)
    }
  )
})

describe('platforms from the bake file', () => {
  it('a typo fails while planning, naming the target (not inside the QEMU install)', () => {
    const bad = parseDefinition(fixture('print-two-targets.0.29.json'))
    bad.target.api.platforms = ['linux/amd64', 'banana']
    expect(() => planTargets(bad, { ...base, requested: ['default', 'docs'] })).toThrow(
      "Unknown platform 'banana' in target 'api'. Expected os/arch[/variant]"
    )
  })
})
