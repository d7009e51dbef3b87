// One typed Inputs object, built in one place from the action's inputs (or the CLI's flags, through the same
// getter). Each resolved value is logged at debug level; a bad value fails with what was expected.
import * as core from '@actions/core'
import { parseBoolean } from '../lib/boolean.js'
import { maskSecret } from '../lib/secrets.js'

/** Defaults of every input, exactly as action.yml declares them (a unit test keeps the two equal). */
export const INPUT_DEFAULTS = {
  files: 'docker-bake.hcl',
  targets: 'default',
  workdir: '.',
  registry: 'ghcr.io',
  'image-prefix': '',
  images: '',
  platforms: '',
  tags: '',
  flavor: '',
  labels: '',
  annotations: '',
  push: 'auto',
  cache: 'gha',
  'cache-scope': '',
  sbom: 'true',
  provenance: 'mode=max',
  qemu: 'auto',
  'qemu-image': 'tonistiigi/binfmt:latest',
  builder: '',
  driver: 'docker-container',
  'buildkit-image': 'moby/buildkit:buildx-stable-1',
  username: '',
  password: '',
  set: '',
  'github-token': '',
  'dry-run': 'false',
  overwrite: 'false',
  'allow-secret-build-args': 'false',
  'pr-comment': 'true',
  'digest-only': 'false'
} as const

export type InputName = keyof typeof INPUT_DEFAULTS
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[]

export type PushMode = 'auto' | 'true' | 'false'
export type CacheMode = 'gha' | 'registry' | 'local' | 'none'
export type QemuMode = 'auto' | 'true' | 'false'
export type Driver = 'docker-container' | 'docker'
export type Sbom = { enabled: false } | { enabled: true; generator?: string }
export type Provenance = { enabled: false } | { enabled: true; mode: 'min' | 'max' }

export interface Inputs {
  files: string[]
  targets: string[]
  workdir: string
  registry: string
  imagePrefix: string
  /** target -> full image name, from `images` lines `target=full/name`. */
  images: Record<string, string>
  platforms: string[]
  tags: string
  flavor: string
  labels: string
  annotations: string
  push: PushMode
  cache: CacheMode
  cacheScope: string
  sbom: Sbom
  provenance: Provenance
  qemu: QemuMode
  qemuImage: string
  builder: string
  driver: Driver
  buildkitImage: string
  username: string
  password: string
  set: string[]
  githubToken: string
  dryRun: boolean
  /** Replace existing exact release tags (v1.2.3) instead of failing. */
  overwrite: boolean
  /** `true`, or build-arg names the secret guard lets through. */
  allowSecretBuildArgs: boolean | string[]
  /** Sticky PR comment on same-repository pull requests. */
  prComment: boolean
  /** Push by digest only: no tags, no tag policy (the build leg of a plan → build → merge workflow). */
  digestOnly: boolean
  /** Flavor key `monotonic=false` turns the monotonic floating-tag rule off. */
  monotonic: boolean
}

/** Splits a list input on newlines and commas; blank entries and `#` comment lines are dropped. */
export function splitList(value: string, { commas = true } = {}): string[] {
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map(s => s.trim())
    .filter(s => s.length > 0 && !s.startsWith('#'))
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase()
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new Error(`Invalid ${name} '${value}'. Expected one of: ${allowed.join(', ')}.`)
}

/** The `images` input: `target=full/image/name` lines (not the meta sub-action's `images`, a list of names). */
export function parseTargetImages(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of splitList(value, { commas: false })) {
    const eq = line.indexOf('=')
    const target = line.slice(0, eq).trim()
    const image = line.slice(eq + 1).trim()
    if (eq <= 0 || !image || /\s/.test(image)) {
      throw new Error(`Invalid images line '${line}'. Expected 'target=registry/namespace/name'.`)
    }
    if (/[@]|:[^/]*$/.test(image.replace(/^[^/]*\//, ''))) {
      throw new Error(
        `Invalid image name '${image}' for target '${target}': give the name without a tag or digest.`
      )
    }
    out[target] = image
  }
  return out
}

export function parseSbom(value: string): Sbom {
  const v = value.trim()
  if (/^generator=\S+$/.test(v)) return { enabled: true, generator: v.slice('generator='.length) }
  return parseBoolean('sbom', v) ? { enabled: true } : { enabled: false }
}

export function parseProvenance(value: string): Provenance {
  const v = value.trim().toLowerCase()
  if (v === 'false') return { enabled: false }
  if (v === 'true' || v === 'mode=max') return { enabled: true, mode: 'max' }
  if (v === 'mode=min') return { enabled: true, mode: 'min' }
  throw new Error(`Invalid provenance '${value}'. Expected false, mode=min or mode=max.`)
}

/**
 * Our own flavor keys (`monotonic=true|false`) are taken out before the flavor reaches the tag engine, whose
 * parser follows docker/metadata-action and rejects unknown keys.
 */
export function splitFlavor(flavor: string): { flavor: string; monotonic: boolean } {
  let monotonic = true
  const lines: string[] = []
  for (const line of flavor.split('\n')) {
    const kept = line.split(',').filter(field => {
      const m = /^\s*monotonic\s*=\s*(.*?)\s*$/i.exec(field)
      if (!m) return true
      monotonic = parseBoolean('flavor monotonic', m[1])
      return false
    })
    if (kept.join(',').trim()) lines.push(kept.join(','))
  }
  return { flavor: lines.join('\n'), monotonic }
}

export function parseAllowList(value: string): boolean | string[] {
  const v = value.trim().toLowerCase()
  if (v === 'true' || v === 'false') return v === 'true'
  return splitList(value)
}

/** Builds the Inputs from a getter (core.getInput in Actions, CLI flags elsewhere); empty means default. */
export function parseInputs(get: (name: InputName) => string): Inputs {
  const value = (name: InputName): string => {
    const v = get(name).trim()
    return v === '' ? INPUT_DEFAULTS[name] : v
  }
  const inputs: Inputs = {
    files: splitList(value('files')),
    targets: splitList(value('targets')),
    workdir: value('workdir'),
    registry: value('registry').replace(/\/+$/, ''),
    imagePrefix: value('image-prefix').toLowerCase(),
    images: parseTargetImages(value('images')),
    platforms: splitList(value('platforms')),
    tags: value('tags'),
    flavor: splitFlavor(value('flavor')).flavor,
    labels: value('labels'),
    annotations: value('annotations'),
    push: oneOf('push', value('push'), ['auto', 'true', 'false']),
    cache: oneOf('cache', value('cache'), ['gha', 'registry', 'local', 'none']),
    cacheScope: value('cache-scope'),
    sbom: parseSbom(value('sbom')),
    provenance: parseProvenance(value('provenance')),
    qemu: oneOf('qemu', value('qemu'), ['auto', 'true', 'false']),
    qemuImage: value('qemu-image'),
    builder: value('builder'),
    driver: oneOf('driver', value('driver'), ['docker-container', 'docker']),
    buildkitImage: value('buildkit-image'),
    username: value('username'),
    password: get('password'),
    set: splitList(value('set'), { commas: false }),
    githubToken: get('github-token').trim(),
    dryRun: parseBoolean('dry-run', value('dry-run')),
    overwrite: parseBoolean('overwrite', value('overwrite')),
    allowSecretBuildArgs: parseAllowList(value('allow-secret-build-args')),
    prComment: parseBoolean('pr-comment', value('pr-comment')),
    digestOnly: parseBoolean('digest-only', value('digest-only')),
    monotonic: splitFlavor(value('flavor')).monotonic
  }
  if (inputs.files.length === 0) throw new Error('Invalid files: give at least one bake file.')
  if (inputs.targets.length === 0) throw new Error('Invalid targets: give at least one bake target or group.')
  if (/[\s/]/.test(inputs.registry)) {
    throw new Error(
      `Invalid registry '${inputs.registry}'. Expected a host name such as ghcr.io or localhost:5000.`
    )
  }
  maskSecret(inputs.password)
  maskSecret(inputs.githubToken)
  for (const [name, v] of Object.entries(inputs)) {
    if (name === 'password' || name === 'githubToken') continue
    core.debug(`input ${name}: ${JSON.stringify(v)}`)
  }
  return inputs
}

/** The action's inputs, read from the runner. */
export function getInputs(): Inputs {
  return parseInputs(name => core.getInput(name))
}
