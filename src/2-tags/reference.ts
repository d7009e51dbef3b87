// Docker reference rules: what an image repository name and a tag may look like.
// https://github.com/distribution/reference/blob/main/reference.go (grammar) and `docker tag --help`.

export const MAX_TAG_LENGTH = 128
const MAX_NAME_LENGTH = 255

/** Replaces each run of characters a tag may not hold with `-`, exactly as docker/metadata-action does. */
export function replaceInvalidTagChars(value: string): string {
  return value.replace(/[^a-zA-Z0-9._-]+/g, '-')
}

/** Why `tag` is not a valid Docker tag, or undefined when it is. */
export function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'it is empty'
  if (/[^a-zA-Z0-9._-]/.test(tag)) return 'it holds characters other than [A-Za-z0-9_.-]'
  if (/^[.-]/.test(tag)) return 'it starts with "." or "-"'
  if (tag.length > MAX_TAG_LENGTH) return `it is ${tag.length} characters long (at most ${MAX_TAG_LENGTH})`
  return undefined
}

/**
 * Makes any text a valid Docker tag: invalid character runs become `-`, leading `.`/`-` are dropped and the
 * result is cut to 128 characters. Returns '' when nothing usable is left.
 */
export function sanitizeTag(value: string): string {
  return replaceInvalidTagChars(value)
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG_LENGTH)
}

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`
const nameRe = new RegExp(`^(?:${domain}/)?${component}(?:/${component})*$`)

/**
 * Lower-cases an image repository name (as docker/metadata-action does) and checks it against the Docker
 * reference grammar: `[registry[:port]/]path/components` without a tag or digest.
 */
export function normalizeImageName(name: string): string {
  const lower = name.trim().toLowerCase()
  const expected =
    'expected [registry[:port]/]name[/name...] where each name holds lowercase letters, digits and the ' +
    'separators ".", "_", "__" or "-" (not at the start or end), without a tag or digest'
  if (lower.length === 0) throw new Error(`Invalid image name "${name}": it is empty; ${expected}`)
  if (lower.length > MAX_NAME_LENGTH)
    throw new Error(`Invalid image name "${name}": longer than ${MAX_NAME_LENGTH} characters`)
  if (!nameRe.test(lower)) throw new Error(`Invalid image name "${name}": ${expected}`)
  return lower
}
