// The plan phase of the main action: the bake invocation (files, remote source, the bake variables the user
// asked for), the definition `bake --print` resolves, the secret guard (before any builder or QEMU: mode=max
// provenance would publish credential-like build args), and the per-target plan, logged per target.
//
// Bake variables: a bake file's own REGISTRY, IMAGE_PREFIX and VERSION keep their meaning (their defaults, or
// the environment) unless the user asks the action to set them. The registry input, when given, is passed as
// REGISTRY; the image-prefix input, when given, as IMAGE_PREFIX; every `vars` line as that variable, where
// `{{version}}`, `{{registry}}` and `{{image-prefix}}` stand for the action's values (`VERSION={{version}}`).
import * as core from '@actions/core'
import path from 'node:path'
import { printDefinition, type BakeDefinition, type BakeInvocation } from './definition.js'
import {
  labelMap,
  NO_BUILD_PLAN_OPTIONS,
  planTarget,
  planTargets,
  type PlanOptions,
  type TargetPlan
} from './targets.js'
import { ghaAvailable } from './cache.js'
import { isDefaultBranch, type RepoInfo, type RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import { splitList } from '../lib/list.js'
import type { PushDecision } from '../1-context/push-decision.js'
import { assertFinalDefinition } from './secret-guard.js'
import { classifyTargets } from './selection.js'
import { fsGrants } from './entitlements.js'
import type { MetaResult } from '../2-tags/index.js'

/** Namespace of the images the action names: the image-prefix input, else the repository owner. */
export function imagePrefixOf(inputs: Inputs, ctx: RunContext): string {
  const imagePrefix = inputs.imagePrefix || ctx.repository.owner.toLowerCase()
  if (!imagePrefix) {
    throw new Error(
      'No image-prefix: the repository owner is unknown here (no GITHUB_REPOSITORY, no origin remote). Set image-prefix.'
    )
  }
  return imagePrefix
}

/** The bake variables the user asked for (see the header), placeholders filled in. */
export function bakeVariables(inputs: Inputs, imagePrefix: string, version: string): Record<string, string> {
  const vars: Record<string, string> = {}
  if (inputs.registryGiven) vars.REGISTRY = inputs.registry
  if (inputs.imagePrefix) vars.IMAGE_PREFIX = inputs.imagePrefix
  const values: Record<string, string> = { version, registry: inputs.registry, 'image-prefix': imagePrefix }
  for (const [name, value] of Object.entries(inputs.vars)) {
    vars[name] = value.replace(
      /\{\{\s*(version|registry|image-prefix)\s*\}\}/g,
      (_, key: string) => values[key]
    )
  }
  return vars
}

/** GitHub's token lets buildx read a private remote definition on the workflow's own GitHub host only. */
function gitAuthEnv(source: string, token: string): Record<string, string> {
  const server = new URL(process.env.GITHUB_SERVER_URL || 'https://github.com').host
  const host =
    /^(?:https?|git|ssh):\/\/(?:[^@/]*@)?([^/:]+)/.exec(source)?.[1] ?? /^git@([^:]+):/.exec(source)?.[1]
  return token && host === server ? { BUILDX_BAKE_GIT_AUTH_TOKEN: token } : {}
}

/** The bake command's directory, files, targets, source and variables. */
export function bakeInvocation(inputs: Inputs, ctx: RunContext, version: string): BakeInvocation {
  const vars = bakeVariables(inputs, imagePrefixOf(inputs, ctx), version)
  return {
    workdir: path.resolve(inputs.workdir),
    files: inputs.files,
    targets: inputs.targets,
    env: inputs.source ? gitAuthEnv(inputs.source, inputs.githubToken) : {},
    set: inputs.set,
    vars,
    ...(inputs.source ? { source: inputs.source } : {}),
    noCache: inputs.noCache,
    pull: inputs.pull,
    allow: inputs.allow
  }
}

/** Which definition bake read, for the log: the files named, or the ones bake found itself, or a remote one. */
export function describeDefinition(inputs: Inputs, read: string[]): string {
  if (inputs.source) {
    return `remote definition ${inputs.source}${inputs.files.length ? ` (files ${inputs.files.join(', ')})` : ''}`
  }
  if (inputs.files.length) return read.join(', ') || inputs.files.join(', ')
  return `${read.join(', ') || '(none listed)'} (bake's default files)`
}

/** The plan options that name the images and their tags, labels and annotations: the same in every job. */
export type ImageOptions = Pick<
  PlanOptions,
  | 'registry'
  | 'imagePrefix'
  | 'images'
  | 'platforms'
  | 'tagNames'
  | 'labels'
  | 'userLabelKeys'
  | 'annotations'
  | 'push'
  | 'requested'
  | 'variants'
>

export function imageOptions(inputs: Inputs, ctx: RunContext, meta: MetaResult, push: boolean): ImageOptions {
  return {
    registry: inputs.registry,
    imagePrefix: imagePrefixOf(inputs, ctx),
    images: inputs.images,
    platforms: inputs.platforms,
    tagNames: meta.tagNames,
    labels: meta.labels,
    userLabelKeys: Object.keys(labelMap(splitList(inputs.labels, { commas: false }))),
    annotations: meta.annotations,
    push,
    requested: inputs.targets,
    variants: inputs.variants
  }
}

/**
 * The images of the requested image targets, named as the main action names them (tags, platforms, cache and
 * attestations play no part), one entry per image: what the preview clean-up cleans. Targets with no image
 * (declared local outputs, `call` checks, stages reached through `target:` contexts) are left out, as the main
 * action leaves them.
 */
export function imageTargetsOf(
  definition: BakeDefinition,
  requested: string[],
  o: Pick<PlanOptions, 'registry' | 'imagePrefix' | 'images'>
): { target: string; image: string }[] {
  const roles = classifyTargets(definition, requested.length ? requested : ['default'])
  const out: { target: string; image: string }[] = []
  for (const [name, t] of Object.entries(definition.target)) {
    const options = { ...o, platforms: [], tagNames: [], labels: [], annotations: [], push: false }
    const plan = planTarget(name, t, { ...options, ...NO_BUILD_PLAN_OPTIONS }, roles.get(name))
    if (!plan.producesImage) core.info(`${name}: not an image (${plan.skipReason}); nothing to clean`)
    else if (!out.some(x => x.image === plan.image)) out.push({ target: name, image: plan.image })
  }
  for (const x of out) core.info(`${x.target}: ${x.image}`)
  return out
}

/** The bake definition these inputs name (`bake --print`), and the images of its image targets (imageTargetsOf). */
export async function planImageNames(
  inputs: Inputs,
  ctx: RunContext
): Promise<{ target: string; image: string }[]> {
  const { definition } = await printDefinition(bakeInvocation(inputs, ctx, ''))
  return imageTargetsOf(definition, inputs.targets, {
    registry: inputs.registry,
    imagePrefix: imagePrefixOf(inputs, ctx),
    images: inputs.images
  })
}

export interface BuildPlanOptions {
  inputs: Inputs
  ctx: RunContext
  repo?: RepoInfo
  meta: MetaResult
  push: PushDecision
  /** Root of the local cache (cache: local). */
  localCacheDir: string
  /** Where bake writes the OCI layouts (docker driver). */
  layoutRoot: string
  /** Driver of the builder that will run the build: the docker driver cannot push by digest (see layoutOutput). */
  driver: string
}

export interface BuildPlan {
  invocation: BakeInvocation
  plans: TargetPlan[]
  /** Notices for the summary (e.g. a requested cache that is not available). */
  notes: string[]
}

/** Resolves the definition, checks its build args, and plans each target's outputs, tags, cache and attestations. */
export async function planBuild(o: BuildPlanOptions): Promise<BuildPlan> {
  const { inputs, ctx, meta } = o
  const notes: string[] = []
  const cacheWrite = ctx.eventName === 'push' && isDefaultBranch(ctx, o.repo) && !inputs.dryRun
  const gha = ghaAvailable()
  if (inputs.cache === 'gha' && !gha) {
    const why =
      'cache: gha was requested but the runner gave no cache service (ACTIONS_RUNTIME_TOKEN with ' +
      'ACTIONS_CACHE_SERVICE_V2 + ACTIONS_RESULTS_URL, or ACTIONS_CACHE_URL; outside a job step?): building ' +
      'without a cache.'
    core.warning(why)
    notes.push(why)
  }
  const { definition, invocation, files } = await printDefinition(bakeInvocation(inputs, ctx, meta.version))
  core.info(`Bake definition: ${describeDefinition(inputs, files)}`)
  const plans = planTargets(definition, {
    ...imageOptions(inputs, ctx, meta, o.push.push),
    cache: inputs.cache,
    cacheScope: inputs.cacheScope,
    cacheWrite,
    ghaAvailable: gha,
    localCacheDir: o.localCacheDir,
    pushByDigest: o.driver !== 'docker',
    layoutRoot: o.layoutRoot,
    digestOnly: inputs.digestOnly,
    sbom: inputs.sbom,
    provenance: inputs.provenance,
    load: inputs.load
  })
  guardPlan(definition, plans, inputs.allowSecretBuildArgs)
  logPlan(plans, cacheWrite)
  invocation.grants = fsGrants(plans)
  return { invocation, plans, notes }
}

/**
 * The secret guard on the attestations the build will run with, before any builder or QEMU: the override's for
 * image targets (it sets both types), a target's own for the others (the override leaves them alone). `set`
 * lines are already in this definition for those; for image targets they apply over the override, so the
 * main action checks the final definition again when there are any (secret-guard.ts).
 */
export function guardPlan(
  definition: BakeDefinition,
  plans: Pick<TargetPlan, 'target' | 'producesImage' | 'attest'>[],
  allow: boolean | string[]
): void {
  const effective = Object.fromEntries(
    plans.map(p => {
      const t = definition.target[p.target]
      return [p.target, { args: t?.args, attest: p.producesImage ? p.attest : t?.attest }]
    })
  )
  const allowed = assertFinalDefinition({ target: effective }, { allow })
  if (allowed.length) core.info(`Secret guard: allowed build args ${allowed.map(f => f.arg).join(', ')}`)
}

function logPlan(plans: TargetPlan[], cacheWrite: boolean): void {
  for (const p of plans) {
    if (!p.producesImage) {
      core.info(`${p.target}: skipped — ${p.skipReason}`)
      continue
    }
    core.info(`${p.target}: ${p.image} (from ${p.imageSource}) for ${p.platforms.join(', ')}`)
    core.info(`  tags: ${p.tags.join(', ') || '(none)'}`)
    core.info(`  cache from: ${p.cache.from.join(' ') || '(none)'}; to: ${p.cache.to?.join(' ') || '(none)'}`)
    core.info(`  attest: ${p.attest.join(' ')}; output: ${p.output.join(' ')}`)
  }
  if (!cacheWrite)
    core.info('Cache is read-only for this run: it is written on pushes to the default branch only.')
}
