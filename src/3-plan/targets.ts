// Per-target plan: which targets produce an image (selection.ts), the image name (image-names.ts), its tags,
// labels, annotations, platforms, cache and attestations. Pure: everything it needs comes in, so each decision
// is unit-tested from captured `bake --print` fixtures of both print formats.
import type { BakeDefinition, BakeTarget } from './definition.js'
import { cacheEntries, type CacheEntries } from './cache.js'
import type { Variant } from '../1-context/bake-inputs.js'
import type { CacheMode, Provenance, Sbom } from '../1-context/inputs.js'
import { localPlatform, resolvePlatform } from '../lib/platform.js'
import {
  assertDistinctReferences,
  resolveImage,
  variantTag,
  type ImageSource,
  type NamingOptions
} from './image-names.js'
import { assertLinkedPlatforms, classifyTargets, noImageMessage, skipReason, type Role } from './selection.js'

export { repositoryOf } from './image-names.js'

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64']
/**
 * The engine's own builder (docker driver) cannot push by digest (buildx 0.13 and 0.29: "push-by-digest is
 * currently not implemented for docker driver"). With it, each target is exported as an OCI layout directory
 * (every platform and attestation manifest included) that the action uploads by digest itself
 * (7-publish/layout-push.ts): no tag, not even a staging one, reaches the registry before every target succeeded.
 */
export function layoutOutput(dir: string): string {
  return `type=oci,tar=false,dest=${dir}`
}

export interface TargetPlan {
  target: string
  /** False for targets bake does not push (non-image output, `call`, build stage): built as declared. */
  producesImage: boolean
  /** Why the target is not published, for the log and summary. */
  skipReason?: string
  /** What bake does with the target (selection.ts). */
  role?: Role
  /** Image name; empty for a target that is not published and names no valid image. */
  image: string
  imageSource: ImageSource
  /** Full references `image:tag` to apply after the push. */
  tags: string[]
  /** Tag prefix/suffix of this target (variants input). */
  variant?: Variant
  platforms: string[]
  labels: Record<string, string>
  annotations: string[]
  cache: CacheEntries
  attest: string[]
  output: string[]
  /** Docker driver: the OCI layout directory bake exports to, which the action pushes by digest. */
  layoutDir?: string
}

export interface PlanOptions extends NamingOptions {
  platforms: string[]
  tagNames: string[]
  labels: string[]
  /** Keys the user's `labels` input sets: they win over the target's own labels; generated ones do not. */
  userLabelKeys?: string[]
  annotations: string[]
  push: boolean
  cache: CacheMode
  cacheScope: string
  cacheWrite: boolean
  ghaAvailable: boolean
  localCacheDir?: string
  /** False for the docker driver (see layoutOutput). */
  pushByDigest: boolean
  /** Parent of the per-target OCI layout directories (docker driver). */
  layoutRoot?: string
  /** Push by digest only: no tags at all; the cache scope adds the platform (a multi-runner build leg). */
  digestOnly?: boolean
  sbom: Sbom
  provenance: Provenance
  /** The requested targets or groups (default: `default`). */
  requested?: string[]
  /** target → tag prefix/suffix (variants input). */
  variants?: Record<string, Variant>
  /** Also load each image into the local Docker image store (load input). */
  load?: boolean
  /** Resolves `local` (tests pass a fixed platform). */
  localPlatform?: () => string
}

/**
 * The plan options of a plan that builds nothing itself and needs only image names, platforms and tags: no cache
 * entries, no attestations. The plan sub-action's (its build legs decide those with their own inputs) and the
 * preview clean-up's.
 */
export const NO_BUILD_PLAN_OPTIONS = {
  cache: 'none',
  cacheScope: '',
  cacheWrite: false,
  ghaAvailable: false,
  pushByDigest: true,
  sbom: { enabled: false },
  provenance: { enabled: false }
} as const

export function attestations(push: boolean, sbom: Sbom, provenance: Provenance): string[] {
  // The exporters of a build-only run cannot hold attestations, so they are disabled explicitly (buildx
  // would otherwise add a min provenance of its own).
  if (!push) return ['type=sbom,disabled=true', 'type=provenance,disabled=true']
  return [
    sbom.enabled
      ? sbom.generator
        ? `type=sbom,generator=${sbom.generator}`
        : 'type=sbom'
      : 'type=sbom,disabled=true',
    provenance.enabled ? `type=provenance,mode=${provenance.mode}` : 'type=provenance,disabled=true'
  ]
}

export function pushOutput(image: string, byDigest: boolean, layoutDir?: string): string {
  if (byDigest) return `type=image,name=${image},push-by-digest=true,name-canonical=true,push=true`
  if (!layoutDir) throw new Error(`No OCI layout directory for ${image} (docker driver)`)
  return layoutOutput(layoutDir)
}

/** `linux/arm64/v8` → `linux-arm64-v8`: a platform as part of a cache scope. */
export function platformSlug(platforms: string[]): string {
  return platforms.map(p => p.replace(/\//g, '-')).join('_')
}

export function labelMap(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const l of labels) {
    const eq = l.indexOf('=')
    if (eq > 0) out[l.slice(0, eq)] = l.slice(eq + 1)
  }
  return out
}

/**
 * The labels the override sets: generated OCI labels (title, version, …) fill in what the target does not
 * declare itself (a bake file's own `org.opencontainers.image.title` stays); the `labels` input wins over both.
 */
export function targetLabels(
  t: BakeTarget,
  o: Pick<PlanOptions, 'labels' | 'userLabelKeys'>
): Record<string, string> {
  const out = labelMap(o.labels)
  const user = new Set(o.userLabelKeys ?? [])
  for (const key of Object.keys(t.labels ?? {})) if (!user.has(key)) delete out[key]
  return out
}

/** The platforms a target is planned for: the input's, else its own, else the default; `local` resolved. */
export function targetPlatforms(name: string, t: BakeTarget, o: PlanOptions): string[] {
  const local = o.localPlatform ?? localPlatform
  if (o.platforms.length) return o.platforms.map(p => resolvePlatform(p, 'the platforms input', local))
  if (t.platforms?.length) return t.platforms.map(p => resolvePlatform(p, `target '${name}'`, local))
  return DEFAULT_PLATFORMS
}

/** `type=docker,"name=a:1,a:2"`: the local copy the load input asks for, under the planned tags. */
export function loadOutput(image: string, tags: string[]): string {
  return `type=docker,"name=${(tags.length ? tags : [image]).join(',')}"`
}

/** A target bake builds as declared (or evaluates): nothing of it is planned, tagged or pushed. */
function skippedPlan(name: string, t: BakeTarget, role: Role, o: PlanOptions): TargetPlan {
  let image = ''
  let imageSource: ImageSource = 'registry/image-prefix'
  try {
    ;({ image, source: imageSource } = resolveImage(name, t, o))
  } catch {
    // Not published: a name that is not an image reference is no error here.
  }
  return {
    target: name,
    producesImage: false,
    role,
    skipReason: skipReason(role),
    image,
    imageSource,
    tags: [],
    platforms: t.platforms ?? [],
    labels: {},
    annotations: [],
    cache: { from: [], to: undefined },
    attest: [],
    output: []
  }
}

export function planTarget(
  name: string,
  t: BakeTarget,
  o: PlanOptions,
  role: Role = { kind: 'image' }
): TargetPlan {
  if (role.kind !== 'image') return skippedPlan(name, t, role, o)
  const { image, source } = resolveImage(name, t, o)
  const platforms = targetPlatforms(name, t, o)
  const variant = o.variants?.[name]
  const plan: TargetPlan = {
    target: name,
    producesImage: true,
    role,
    image,
    imageSource: source,
    tags: o.digestOnly ? [] : o.tagNames.map(tag => `${image}:${variantTag(tag, variant, name)}`),
    ...(variant ? { variant } : {}),
    platforms,
    labels: targetLabels(t, o),
    annotations: o.push ? o.annotations : [],
    cache: cacheEntries({
      mode: o.cache,
      scope: o.digestOnly ? `${o.cacheScope}${name}-${platformSlug(platforms)}` : `${o.cacheScope}${name}`,
      image,
      write: o.cacheWrite,
      localDir: o.localCacheDir,
      ghaAvailable: o.ghaAvailable
    }),
    attest: attestations(o.push, o.sbom, o.provenance),
    output: ['type=cacheonly']
  }
  if (o.push && !o.pushByDigest) plan.layoutDir = `${o.layoutRoot ?? 'oci-layouts'}/${name}`
  if (o.push) plan.output = [pushOutput(image, o.pushByDigest, plan.layoutDir)]
  // A build-only run loads instead of caching only; a pushing run loads in a second bake (5-build/bake-load.ts).
  if (o.load && !o.push) plan.output = [loadOutput(image, plan.tags)]
  if (o.push && !o.digestOnly && plan.tags.length === 0) {
    throw new Error(
      `Target '${name}' would be pushed with no tag: the tag rules produced none for this event. ` +
        'Add a tag rule that applies (e.g. type=sha), or set push: false.'
    )
  }
  return plan
}

/**
 * Plans every target of the resolved definition, in the definition's order: image targets fully, the others
 * as skipped with their reason. Refuses, before anything is built, a selection with no image, two targets on
 * one reference, and platforms a linked stage cannot build.
 */
export function planTargets(def: BakeDefinition, o: PlanOptions): TargetPlan[] {
  const requested = o.requested?.length ? o.requested : ['default']
  const roles = classifyTargets(def, requested)
  if (![...roles.values()].some(r => r.kind === 'image')) throw new Error(noImageMessage(roles, requested))
  const plans = Object.entries(def.target).map(([name, t]) =>
    planTarget(name, t, o, roles.get(name) ?? { kind: 'image' })
  )
  const images = plans.filter(p => p.producesImage)
  assertDistinctReferences(images)
  assertLinkedPlatforms(def, new Map(images.map(p => [p.target, p.platforms])), o.localPlatform)
  return plans
}

/**
 * The override of the load input's second bake after a pushing build: the same image targets, exported to the
 * local engine under their planned tags (every step is in the builder's cache by then). A docker exporter next
 * to the push would do it in one build, but next to the docker driver's OCI layout it leaves the layout's blobs
 * out (seen on Docker Engine 28.5), so the push would have nothing to upload.
 */
export function loadOverride(plans: TargetPlan[]): { target: Record<string, Record<string, unknown>> } {
  const file = overrideFile(plans)
  for (const p of plans.filter(x => x.producesImage)) {
    Object.assign(file.target[p.target], { output: [loadOutput(p.image, p.tags)], 'cache-to': [] })
  }
  return file
}

/** The override file: everything the action sets, per image target (other targets are left untouched). */
export function overrideFile(plans: TargetPlan[]): { target: Record<string, Record<string, unknown>> } {
  const target: Record<string, Record<string, unknown>> = {}
  for (const p of plans) {
    if (!p.producesImage) continue
    const t: Record<string, unknown> = {
      // No tags at build time: the build pushes by digest, tags move only after every target succeeded.
      tags: [],
      platforms: p.platforms,
      labels: p.labels,
      annotations: p.annotations,
      attest: p.attest,
      output: p.output
    }
    if (p.cache.from.length) t['cache-from'] = p.cache.from
    if (p.cache.to !== undefined) t['cache-to'] = p.cache.to
    target[p.target] = t
  }
  return { target }
}
