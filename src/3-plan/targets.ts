// Per-target plan: which targets produce an image, the image name, its tags, labels, annotations, platforms,
// cache and attestations. Pure: everything it needs comes in, so each decision is unit-tested from captured
// `bake --print` fixtures.
import type { BakeDefinition, BakeTarget } from './definition.js'
import { cacheEntries, type CacheEntries } from './cache.js'
import type { CacheMode, Provenance, Sbom } from '../1-context/inputs.js'

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64']
/**
 * The engine's own builder (docker driver) cannot push by digest (buildx 0.13: "push-by-digest is currently not
 * implemented for docker driver"). With it, each target is exported as an OCI layout directory (every platform
 * and attestation manifest included) that the action uploads by digest itself (7-publish/layout-push.ts): no tag, not
 * even a staging one, reaches the registry before every target succeeded. Other drivers push by digest.
 */
export function layoutOutput(dir: string): string {
  return `type=oci,tar=false,dest=${dir}`
}
/** Output types that put an image in a registry (or in the engine, for a build-only run). */
const IMAGE_OUTPUTS = new Set(['image', 'registry'])

export interface TargetPlan {
  target: string
  /** False for targets whose own output is not an image (local, tar, oci, docker, cacheonly): built as declared. */
  producesImage: boolean
  /** Why the target is not published (non-image output), for the log and summary. */
  skipReason?: string
  image: string
  imageSource: 'images input' | 'target tags' | 'registry/image-prefix'
  /** Full references `image:tag` to apply after the push. */
  tags: string[]
  platforms: string[]
  labels: Record<string, string>
  annotations: string[]
  cache: CacheEntries
  attest: string[]
  output: string[]
  /** Docker driver: the OCI layout directory bake exports to, which the action pushes by digest. */
  layoutDir?: string
}

export interface PlanOptions {
  registry: string
  imagePrefix: string
  images: Record<string, string>
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
}

/** The `type=` of one output entry; a bare path means `local`, `-` a tar on stdout. */
export function outputType(entry: string): string {
  const fields = entry.split(',').map(f => f.trim())
  for (const f of fields) if (f.startsWith('type=')) return f.slice(5)
  return entry.trim() === '-' ? 'tar' : 'local'
}

/** `registry/ns/name:tag` or `…@sha256:…` → `registry/ns/name`. */
export function repositoryOf(reference: string): string {
  let ref = reference.trim()
  const at = ref.indexOf('@')
  if (at >= 0) ref = ref.slice(0, at)
  const colon = ref.lastIndexOf(':')
  if (colon > ref.lastIndexOf('/')) ref = ref.slice(0, colon)
  return ref
}

const IMAGE_NAME =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+$|^[a-z0-9]+([._-]+[a-z0-9]+)*$/

export function resolveImage(
  name: string,
  t: BakeTarget,
  o: Pick<PlanOptions, 'registry' | 'imagePrefix' | 'images'>
): { image: string; source: TargetPlan['imageSource'] } {
  let image: string
  let source: TargetPlan['imageSource']
  if (o.images[name]) {
    image = o.images[name]
    source = 'images input'
  } else if (t.tags && t.tags.length > 0) {
    image = repositoryOf(t.tags[0])
    source = 'target tags'
  } else {
    image = [o.registry, o.imagePrefix, name].filter(p => p !== '').join('/')
    source = 'registry/image-prefix'
  }
  image = image.toLowerCase()
  if (!IMAGE_NAME.test(image)) {
    throw new Error(
      `Target '${name}' resolves to an invalid image name '${image}' (from ${source}); ` +
        `set it with the images input, e.g. '${name}=ghcr.io/owner/${name}'.`
    )
  }
  return { image, source }
}

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

export function planTarget(name: string, t: BakeTarget, o: PlanOptions): TargetPlan {
  const declared = (t.output ?? []).map(outputType)
  const nonImage = declared.find(type => !IMAGE_OUTPUTS.has(type))
  const { image, source } = resolveImage(name, t, o)
  const platforms = o.platforms.length ? o.platforms : t.platforms?.length ? t.platforms : DEFAULT_PLATFORMS
  const plan: TargetPlan = {
    target: name,
    producesImage: nonImage === undefined,
    image,
    imageSource: source,
    tags: o.digestOnly ? [] : o.tagNames.map(tag => `${image}:${tag}`),
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
  if (!plan.producesImage) {
    plan.skipReason = `its output is type=${nonImage}, not an image: built as declared, nothing tagged`
    plan.tags = []
    plan.layoutDir = undefined
  } else if (o.push && !o.digestOnly && plan.tags.length === 0) {
    throw new Error(
      `Target '${name}' would be pushed with no tag: the tag rules produced none for this event. ` +
        'Add a tag rule that applies (e.g. type=sha), or set push: false.'
    )
  }
  return plan
}

/** Plans every target of the resolved definition, in the definition's order. */
export function planTargets(def: BakeDefinition, o: PlanOptions): TargetPlan[] {
  return Object.entries(def.target).map(([name, t]) => planTarget(name, t, o))
}

/** The override file: everything the action sets, per target (non-image targets are left untouched). */
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
