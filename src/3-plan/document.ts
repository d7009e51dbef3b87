// The plan document: what the `plan` job decided, handed to the `merge` job as one JSON output so both use the
// same version, tags, labels, annotations, images and platforms (the build legs get labels and annotations as
// inputs, so every platform of an image carries the same `created` date). Written by plan, read by merge.
import type { TargetPlan } from './targets.js'
import type { MetaResult } from '../2-tags/index.js'
import { normalizePlatform } from '../lib/platform.js'
import type { Variant } from '../1-context/bake-inputs.js'
import { variantFlavor, variantTag } from './image-names.js'

export const PLAN_SCHEMA = 'blacklake/multiarch-plan@1'

export interface PlannedImage {
  target: string
  /** Image name without tag (`ghcr.io/blacklake/api`). */
  image: string
  /** Normalized platforms every leg of this target builds (`linux/amd64`). */
  platforms: string[]
  /** Tag prefix/suffix of this target around every planned tag (variants input; targets sharing an image). */
  variant?: Variant
}

export interface PlanDocument {
  schema: typeof PLAN_SCHEMA
  version: string
  /** Tag names (no image), applied to every image. */
  tags: string[]
  /** `key=value` labels, the same for every leg. */
  labels: string[]
  /** `key=value` annotations (no level prefix). */
  annotations: string[]
  /** Annotation levels the tag engine used (`manifest`, `index`, …). */
  annotationLevels: string[]
  /** Flavor prefix/suffix, for the monotonic and immutable tag rules. */
  flavor: { prefix: string; suffix: string }
  /** Floating tags move only forward (flavor `monotonic=false` turns it off, as in the main action). */
  monotonic: boolean
  /** The registry input: the one registry the username/password (or the job token for ghcr.io) are for. */
  registry: string
  /** Whether this event publishes (push input and event). */
  push: boolean
  pushReason: string
  images: PlannedImage[]
}

export function planDocument(
  meta: MetaResult,
  plans: TargetPlan[],
  push: { push: boolean; reason: string },
  o: { monotonic: boolean; registry: string }
): PlanDocument {
  return {
    schema: PLAN_SCHEMA,
    version: meta.version,
    tags: meta.tagNames,
    labels: meta.labels,
    annotations: meta.annotationsRaw,
    annotationLevels: meta.annotationLevels,
    flavor: { prefix: meta.flavor.prefix, suffix: meta.flavor.suffix },
    monotonic: o.monotonic,
    registry: o.registry,
    push: push.push,
    pushReason: push.reason,
    images: plans
      .filter(p => p.producesImage)
      .map(p => ({
        target: p.target,
        image: p.image,
        platforms: p.platforms.map(normalizePlatform),
        ...(p.variant ? { variant: p.variant } : {})
      }))
  }
}

/** The planned image of a target (every merge row comes from one). */
export function plannedImage(doc: PlanDocument, target: string): PlannedImage {
  const image = doc.images.find(i => i.target === target)
  if (!image) throw new Error(`Target '${target}' is not in the plan.`)
  return image
}

/** The tag names one planned image receives: the plan's tags inside the image's variant. */
export function plannedTags(doc: PlanDocument, image: PlannedImage): string[] {
  return doc.tags.map(t => variantTag(t, image.variant, image.target))
}

/** The flavor the release tag rules read one planned image's tags with. */
export function plannedFlavor(doc: PlanDocument, image: PlannedImage): { prefix: string; suffix: string } {
  return variantFlavor(doc.flavor, image.variant)
}

const HINT = "Pass the plan job's output unchanged: `plan: ${{ needs.plan.outputs.plan }}`."

/** Parses and checks a plan document; errors say which field is wrong and how to pass it. */
export function parsePlanDocument(text: string): PlanDocument {
  if (!text.trim()) throw new Error(`The plan input is empty. ${HINT}`)
  let doc: PlanDocument
  try {
    doc = JSON.parse(text) as PlanDocument
  } catch (e) {
    throw new Error(`The plan input is not JSON (${(e as Error).message}). ${HINT}`, { cause: e })
  }
  if (!doc || typeof doc !== 'object' || doc.schema !== PLAN_SCHEMA) {
    throw new Error(`The plan input is not a plan of this action (expected schema ${PLAN_SCHEMA}). ${HINT}`)
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every(x => typeof x === 'string')
  if (typeof doc.monotonic !== 'boolean' || typeof doc.push !== 'boolean') {
    throw new Error(`The plan input has no valid 'monotonic'/'push' flags. ${HINT}`)
  }
  if (typeof doc.registry !== 'string' || !doc.registry) {
    throw new Error(`The plan input names no registry (a plan from an older version?). ${HINT}`)
  }
  for (const key of ['tags', 'labels', 'annotations', 'annotationLevels'] as const) {
    if (!strings(doc[key])) throw new Error(`The plan input has no valid '${key}' list. ${HINT}`)
  }
  if (!Array.isArray(doc.images) || doc.images.length === 0) {
    throw new Error(`The plan input lists no images. ${HINT}`)
  }
  for (const i of doc.images) {
    const variant = i?.variant
    const badVariant =
      variant !== undefined && (typeof variant?.prefix !== 'string' || typeof variant?.suffix !== 'string')
    if (typeof i?.target !== 'string' || typeof i.image !== 'string' || !strings(i.platforms) || badVariant) {
      throw new Error(`The plan input has a malformed image entry ${JSON.stringify(i)}. ${HINT}`)
    }
  }
  return doc
}
