// One typed Inputs object, built in one place from the action's inputs (or the CLI's flags, through the same
// getter). Each resolved value is logged at debug level; a bad value fails with what was expected. The parsers of
// the bake invocation and per-target lines are in bake-inputs.ts, the builder's in builder-inputs.ts, the
// signing inputs' (shared with merge) in sign-inputs.ts.
import * as core from '@actions/core'
import { parseBoolean } from '../lib/boolean.js'
import { splitList } from '../lib/list.js'
import { maskSecret } from '../lib/secrets.js'
import { checkPlatform } from '../lib/platform.js'
import { parseSource, parseTargetImages, parseVariants, parseVars, type Variant } from './bake-inputs.js'
import { parseBuilderInputs, type BuilderInputs } from './builder-inputs.js'
import { parseSignInputs, SIGN_INPUT_DEFAULTS, type SignInputs } from './sign-inputs.js'
import {
  checkBakeFile,
  checkBuilderName,
  checkCacheScope,
  checkImageReference,
  checkRegistryHost,
  checkTargetName
} from '../lib/validate.js'

/** Defaults of every input, exactly as action.yml declares them (a unit test keeps the two equal). */
export const INPUT_DEFAULTS = {
  files: '',
  targets: 'default',
  workdir: '.',
  registry: '',
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
  // Runs --privileged: pinned by digest (the qemu-v10.2.3 index, as public workflows pin it), never a moving tag.
  'qemu-image':
    'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
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
  'digest-only': 'false',
  allow: '',
  'driver-opts': '',
  'buildkitd-flags': '',
  'buildkitd-config-inline': '',
  // Signing (src/7-publish/sign): sign, signing-key, sigstore-config.
  ...SIGN_INPUT_DEFAULTS,
  // Bake invocation inputs docker/bake-action users carry over, and per-target tag variants (3-plan).
  vars: '',
  call: 'build',
  'no-cache': 'false',
  pull: 'false',
  load: 'false',
  source: '',
  variants: ''
} as const

/** Registry of every image when the registry input is empty. */
export const DEFAULT_REGISTRY = 'ghcr.io'

export type InputName = keyof typeof INPUT_DEFAULTS
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[]

export type PushMode = 'auto' | 'true' | 'false'
export type CacheMode = 'gha' | 'registry' | 'local' | 'none'
export type QemuMode = 'auto' | 'true' | 'false'
export type Driver = 'docker-container' | 'docker'
export type Sbom = { enabled: false } | { enabled: true; generator?: string }
export type Provenance = { enabled: false } | { enabled: true; mode: 'min' | 'max' }

export interface Inputs extends BuilderInputs {
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
  /** Signing of the pushed images (sign, signing-key, sigstore-config). */
  signing: SignInputs
  /** The registry input was given (then the action sets the REGISTRY bake variable; see 3-plan/plan.ts). */
  registryGiven: boolean
  /** Bake variables (`NAME=value` lines; `{{version}}`, `{{registry}}`, `{{image-prefix}}` filled in later). */
  vars: Record<string, string>
  /** Bake's frontend method: build, or check/outline/targets (evaluate only, nothing built or pushed). */
  call: string
  noCache: boolean
  pull: boolean
  /** Also load every image target into the local Docker image store. */
  load: boolean
  /** A remote bake definition (Git or HTTPS URL); empty for the files in workdir. */
  source: string
  /** target → tag prefix/suffix. */
  variants: Record<string, Variant>
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase()
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new Error(`Invalid ${name} '${value}'. Expected one of: ${allowed.join(', ')}.`)
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

/**
 * Values that reach a command line or an option string, checked before any command runs (see lib/validate.ts):
 * none can become a flag or add options to the string it is pasted into. The registry is lower-cased, as docker
 * stores logins (`GHCR.IO` is ghcr.io, default login included).
 */
function checkCommandValues(inputs: Inputs): void {
  inputs.files.forEach(f => checkBakeFile(f))
  inputs.targets.forEach(t => checkTargetName(t))
  inputs.platforms.forEach(p => checkPlatform(p))
  inputs.registry = checkRegistryHost(inputs.registry)
  checkImageReference(inputs.qemuImage, 'qemu-image')
  checkImageReference(inputs.buildkitImage, 'buildkit-image')
  if (inputs.sbom.enabled && inputs.sbom.generator)
    checkImageReference(inputs.sbom.generator, 'sbom generator')
  if (inputs.builder) checkBuilderName(inputs.builder)
  checkCacheScope(inputs.cacheScope)
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
    registry: (value('registry') || DEFAULT_REGISTRY).replace(/\/+$/, ''),
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
    username: value('username'),
    password: get('password'),
    set: splitList(value('set'), { commas: false }),
    githubToken: get('github-token').trim(),
    dryRun: parseBoolean('dry-run', value('dry-run')),
    overwrite: parseBoolean('overwrite', value('overwrite')),
    allowSecretBuildArgs: parseAllowList(value('allow-secret-build-args')),
    prComment: parseBoolean('pr-comment', value('pr-comment')),
    digestOnly: parseBoolean('digest-only', value('digest-only')),
    monotonic: splitFlavor(value('flavor')).monotonic,
    ...parseBuilderInputs(value),
    signing: parseSignInputs(get),
    registryGiven: get('registry').trim() !== '',
    vars: parseVars(value('vars')),
    call: oneOf('call', value('call'), ['build', 'check', 'outline', 'targets']),
    noCache: parseBoolean('no-cache', value('no-cache')),
    pull: parseBoolean('pull', value('pull')),
    load: parseBoolean('load', value('load')),
    source: parseSource(value('source')),
    variants: parseVariants(value('variants'))
  }
  if (inputs.targets.length === 0) throw new Error('Invalid targets: give at least one bake target or group.')
  checkCommandValues(inputs)
  maskSecret(inputs.password)
  maskSecret(inputs.githubToken)
  for (const [name, v] of Object.entries(inputs)) {
    if (name === 'password' || name === 'githubToken') continue
    if (name === 'signing') {
      core.debug(
        `input signing: ${JSON.stringify({ ...inputs.signing, signingKey: inputs.signing.signingKey ? '(set)' : '' })}`
      )
      continue
    }
    core.debug(`input ${name}: ${JSON.stringify(v)}`)
  }
  return inputs
}

/** The action's inputs, read from the runner. */
export function getInputs(): Inputs {
  return parseInputs(name => core.getInput(name))
}
