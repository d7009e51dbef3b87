// The plan phase of the main action: the bake invocation with the variables the action provides (REGISTRY,
// IMAGE_PREFIX, VERSION), the definition `bake --print` resolves, the secret guard (before any builder or QEMU:
// mode=max provenance would publish credential-like build args), and the per-target plan, logged per target.
import * as core from '@actions/core'
import path from 'node:path'
import { printDefinition, type BakeDefinition, type BakeInvocation } from './definition.js'
import { labelMap, planTargets, type PlanOptions, type TargetPlan } from './targets.js'
import { ghaAvailable } from './cache.js'
import { isDefaultBranch, type RepoInfo, type RunContext } from '../1-context/context.js'
import { splitList, type Inputs } from '../1-context/inputs.js'
import type { PushDecision } from '../1-context/push-decision.js'
import { assertFinalDefinition } from './secret-guard.js'
import { fsGrants } from './entitlements.js'
import type { MetaResult } from '../2-tags/index.js'

/** The bake command's directory, files, targets and variables; the image prefix defaults to the owner. */
export function bakeInvocation(inputs: Inputs, ctx: RunContext, version: string): BakeInvocation {
  const imagePrefix = inputs.imagePrefix || ctx.repository.owner.toLowerCase()
  if (!imagePrefix) {
    throw new Error(
      'No image-prefix: the repository owner is unknown here (no GITHUB_REPOSITORY, no origin remote). Set image-prefix.'
    )
  }
  const env: Record<string, string> = { REGISTRY: inputs.registry, IMAGE_PREFIX: imagePrefix }
  if (version) env.VERSION = version
  return {
    workdir: path.resolve(inputs.workdir),
    files: inputs.files,
    targets: inputs.targets,
    env,
    set: inputs.set,
    allow: inputs.allow
  }
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
>

export function imageOptions(
  inputs: Inputs,
  invocation: BakeInvocation,
  meta: MetaResult,
  push: boolean
): ImageOptions {
  return {
    registry: inputs.registry,
    imagePrefix: invocation.env.IMAGE_PREFIX,
    images: inputs.images,
    platforms: inputs.platforms,
    tagNames: meta.tagNames,
    labels: meta.labels,
    userLabelKeys: Object.keys(labelMap(splitList(inputs.labels, { commas: false }))),
    annotations: meta.annotations,
    push
  }
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
  const invocation = bakeInvocation(inputs, ctx, meta.version)
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
  const { definition } = await printDefinition(invocation)
  const plans = planTargets(definition, {
    ...imageOptions(inputs, invocation, meta, o.push.push),
    cache: inputs.cache,
    cacheScope: inputs.cacheScope,
    cacheWrite,
    ghaAvailable: gha,
    localCacheDir: o.localCacheDir,
    pushByDigest: o.driver !== 'docker',
    layoutRoot: o.layoutRoot,
    digestOnly: inputs.digestOnly,
    sbom: inputs.sbom,
    provenance: inputs.provenance
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
