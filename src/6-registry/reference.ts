// Image references as users write them (`localhost:5000/ns/img:tag`, `ghcr.io/o/i@sha256:…`, `alpine`), parsed
// the way Docker reads them.

export interface ImageRef {
  /** Registry as written by users (`docker.io`, `ghcr.io`, `localhost:5000`). */
  registry: string
  /** Repository path (`library/alpine`, `o/i`). */
  repository: string
  tag?: string
  digest?: string
}

/** Parses `localhost:5000/ns/img:tag`, `ghcr.io/o/i@sha256:…`, `alpine` (→ docker.io/library/alpine). */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
      throw new Error(`Invalid image reference '${ref}': bad digest`)
    }
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const parts = rest.split('/')
  let registry = 'docker.io'
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    registry = parts.shift() as string
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io'
  let repository = parts.join('/')
  if (registry === 'docker.io' && parts.length === 1) repository = `library/${repository}`
  if (
    !repository ||
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)
  ) {
    throw new Error(`Invalid image reference '${ref}'. Expected [registry/]name[:tag][@digest], lower case.`)
  }
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))
    throw new Error(`Invalid tag in image reference '${ref}'`)
  return { registry, repository, tag, digest }
}

/** `registry/repository` as users write it (`docker.io/library/alpine`). */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`
}

/** `image:tag`: the reference a tag name makes for an image (`localhost:5000/ns/api` + `v1` → `…/api:v1`). */
export const tagRef = (image: string, tag: string): string => `${image}:${tag}`

/** The tag name of a reference made by tagRef (`…/api:v1` of `…/api` → `v1`). */
export function tagOf(image: string, ref: string): string {
  if (!ref.startsWith(`${image}:`)) throw new Error(`${ref} is not a tag of ${image}`)
  return ref.slice(image.length + 1)
}
