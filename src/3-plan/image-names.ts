// How a target becomes an image name, and how targets that share one image keep their references apart.
//
// The name, first match wins:
//   1. the `images` input: `target=name` for that target, a bare `name` for every other image target (the
//      docker/metadata-action `images` habit: one image for the targets inheriting `docker-metadata-action`);
//   2. the `name=` of the target's own image output (bake pushes there, not to its tags);
//   3. the repository of the target's own tags, when it is publishable (has a registry or a namespace);
//   4. a placeholder tag of one component (`app:local`, `app`, i.e. docker.io/library/app, which nobody
//      publishes to) keeps its name under the action's registry and namespace: `<registry>/<image-prefix>/app`;
//   5. `<registry>/<image-prefix>/<target>`.
// Two targets on one image get the same computed tags unless the `variants` input gives each a tag prefix or
// suffix (metadata-action's flavor, per target); a reference two targets would push is refused before building.
import type { BakeEntry, BakeTarget } from './definition.js'
import type { Variant } from '../1-context/bake-inputs.js'

export type ImageSource =
  'images input' | 'output name' | 'target tags' | 'placeholder tag' | 'registry/image-prefix'

export interface NamingOptions {
  registry: string
  imagePrefix: string
  /** target → image; key `*` applies to every target without a line of its own. */
  images: Record<string, string>
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

/** A repository with no registry and no namespace (`app` = docker.io/library/app): a local placeholder. */
export const isPlaceholder = (repository: string): boolean => !repository.includes('/')

/** Image names an image output pushes to (`name=a,b`, as bake writes it, or `name="a,b"` from a file). */
export function outputNames(output: BakeEntry[] | undefined): string[] {
  const names: string[] = []
  for (const o of output ?? []) {
    if ((o.type === 'image' || o.type === 'registry') && o.name) names.push(...o.name.split(','))
  }
  return names.map(n => n.trim()).filter(Boolean)
}

function unique(list: string[]): string[] {
  return [...new Set(list)]
}

export function resolveImage(
  name: string,
  t: BakeTarget,
  o: NamingOptions
): { image: string; source: ImageSource } {
  let image: string
  let source: ImageSource
  const outputs = unique(outputNames(t.output).map(repositoryOf))
  const tagged = unique((t.tags ?? []).map(repositoryOf))
  const publishable = (outputs.length ? outputs : tagged).filter(r => !isPlaceholder(r))
  if (o.images[name] || o.images['*']) {
    image = o.images[name] || o.images['*']
    source = 'images input'
  } else if (publishable.length > 1) {
    throw new Error(
      `Target '${name}' names ${publishable.length} images (${publishable.join(', ')}) in its ` +
        `${outputs.length ? 'output' : 'tags'}; this action publishes each target as one image. Choose one ` +
        `with the images input, e.g. '${name}=${publishable[0]}'.`
    )
  } else if (publishable.length === 1) {
    image = publishable[0]
    source = outputs.length ? 'output name' : 'target tags'
  } else if (tagged.length || outputs.length) {
    image = [o.registry, o.imagePrefix, (outputs.length ? outputs : tagged)[0]].filter(Boolean).join('/')
    source = 'placeholder tag'
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

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** A computed tag name with the target's variant around it, checked as a Docker tag. */
export function variantTag(tag: string, variant: Variant | undefined, target: string): string {
  const out = `${variant?.prefix ?? ''}${tag}${variant?.suffix ?? ''}`
  if (!TAG.test(out)) {
    throw new Error(
      `Target '${target}' would get the invalid tag '${out}' (tag '${tag}' with its variant from the variants ` +
        'input): a tag is at most 128 characters of A-Z a-z 0-9 _ . - and does not start with . or -.'
    )
  }
  return out
}

/** The flavor the release tag rules read a target's tags with: the tag engine's, inside the target's variant. */
export function variantFlavor(
  flavor: { prefix: string; suffix: string },
  variant: Variant | undefined
): { prefix: string; suffix: string } {
  return {
    prefix: `${variant?.prefix ?? ''}${flavor.prefix}`,
    suffix: `${flavor.suffix}${variant?.suffix ?? ''}`
  }
}

export interface Published {
  target: string
  image: string
  tags: string[]
}

/**
 * Refuses a plan in which two targets would push the same reference (the last push would silently win),
 * naming the targets, the shared image and both ways out.
 */
export function assertDistinctReferences(plans: Published[]): void {
  const owners = new Map<string, string[]>()
  for (const p of plans) for (const ref of p.tags) owners.set(ref, [...(owners.get(ref) ?? []), p.target])
  const clashes = [...owners].filter(([, targets]) => targets.length > 1)
  if (!clashes.length) return
  const byTargets = new Map<string, string[]>()
  for (const [ref, targets] of clashes) {
    const key = targets.join(', ')
    byTargets.set(key, [...(byTargets.get(key) ?? []), ref])
  }
  const lines = [...byTargets].map(
    ([targets, refs]) => `targets ${targets} would all push ${refs.join(', ')}`
  )
  const [first, second] = clashes[0][1]
  const image = repositoryOf(clashes[0][0])
  throw new Error(
    `Two targets would receive the same reference: ${lines.join('; ')}. Nothing was built. Give each target ` +
      `its own tags with the variants input (e.g. 'target=${first},suffix=-${first}' and ` +
      `'target=${second},suffix=-${second}'), or its own image with the images input ` +
      `(e.g. '${second}=${image}-${second}').`
  )
}
