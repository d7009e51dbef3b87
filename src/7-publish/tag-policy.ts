// Release tag policy, decided before anything is pushed, from the tags an image already has in its registry.
//
// Monotonic floating tags: `latest`, `vX` and `vX.Y` (with or without the `v`, and with the flavor's prefix and
// suffix) only move forward. Releasing a patch for an old line (v1.2.9 after v1.3.0) moves `v1.2`, but not `v1`
// nor `latest` (docker/metadata-action#80, #326). Pre-releases never move a floating tag.
//
// Immutable release tags: an exact version tag (`v1.2.3`) that already exists is not overwritten unless the user
// opts in. With push-by-digest the new digest is unknown until the build ran, so the rule has two stages:
//   1. before building: an exact version tag that exists at all is a conflict (the step fails before pushing
//      anything, naming image, tag and the digest it holds);
//   2. after pushing by digest, right before tagging: the tag is read again; if it now exists with another digest
//      (someone released meanwhile) tagging is refused. The same digest is a no-op and is allowed.
// A rebuild practically never reproduces a digest (timestamps), so stage 1 cannot wait for the new digest
// without pushing blobs first; stage 2 closes the race window.
import semver from 'semver'

export interface Flavor {
  /** Flavor prefix of every tag (`prefix=`), e.g. `alpine-`. */
  prefix?: string
  /** Flavor suffix of every tag (`suffix=`), e.g. `-alpine`. */
  suffix?: string
}

export interface WithheldTag {
  tag: string
  reason: string
}

export interface FloatingDecision {
  /** Tags to push, in the order given. */
  apply: string[]
  /** Floating tags that do not move, and why ("v1.2.9 < v1.3.0"). */
  withheld: WithheldTag[]
  /** Set when the policy did not apply at all (disabled, or the version is not semver). */
  note?: string
}

type Floating =
  { kind: 'latest' } | { kind: 'major'; major: number } | { kind: 'minor'; major: number; minor: number }

/** Strips the flavor prefix/suffix from a tag; undefined when the tag does not carry them. */
function unflavor(tag: string, flavor: Flavor): string | undefined {
  const prefix = flavor.prefix ?? ''
  const suffix = flavor.suffix ?? ''
  if (!tag.startsWith(prefix) || !tag.endsWith(suffix) || tag.length < prefix.length + suffix.length) {
    return undefined
  }
  return tag.slice(prefix.length, tag.length - suffix.length)
}

/** `v1.2.3`, `1.2.3`, `v2.0.0-rc.1` (strict semver with an optional `v`); undefined otherwise. */
export function parseExactVersion(tag: string): semver.SemVer | undefined {
  if (!/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(tag)) return undefined
  return semver.parse(tag.replace(/^v/, '')) ?? undefined
}

/** Exact-version tags are the ones the immutability rule protects. */
export function isExactVersionTag(tag: string, flavor: Flavor = {}): boolean {
  const bare = unflavor(tag, flavor)
  return (bare !== undefined && parseExactVersion(bare) !== undefined) || parseExactVersion(tag) !== undefined
}

function classify(tag: string, version: semver.SemVer, flavor: Flavor): Floating | undefined {
  // metadata-action does not put the prefix/suffix on `latest` unless asked to; accept both forms.
  const bare = unflavor(tag, flavor)
  for (const t of bare === undefined ? [tag] : [bare, tag]) {
    if (t === 'latest') return { kind: 'latest' }
    let m = /^v?(\d+)$/.exec(t)
    // Only the release's own line is floating; `v2` on a 1.x release is a user's raw tag and passes through.
    if (m && Number(m[1]) === version.major) return { kind: 'major', major: version.major }
    m = /^v?(\d+)\.(\d+)$/.exec(t)
    if (m && Number(m[1]) === version.major && Number(m[2]) === version.minor) {
      return { kind: 'minor', major: version.major, minor: version.minor }
    }
  }
  return undefined
}

interface Existing {
  tag: string
  version: semver.SemVer
}

/** Stable exact-version tags of the image, with this flavor (other flavors' tags are other lines). */
function stableVersions(existing: string[], flavor: Flavor): Existing[] {
  const out: Existing[] = []
  for (const tag of existing) {
    const bare = unflavor(tag, flavor)
    const version = bare === undefined ? undefined : parseExactVersion(bare)
    if (version && version.prerelease.length === 0) out.push({ tag, version })
  }
  return out
}

function highest(list: Existing[]): Existing | undefined {
  return list.reduce<Existing | undefined>(
    (a, b) => (!a || semver.gt(b.version, a.version) ? b : a),
    undefined
  )
}

/**
 * Decides which floating tags move for a release of `version` to an image that already has `existing` tags.
 * Non-floating candidates (exact versions, `sha-…`, branch names) always pass through.
 */
export function decideFloatingTags(
  version: string,
  candidates: string[],
  existing: string[],
  options: Flavor & { enabled?: boolean } = {}
): FloatingDecision {
  if (options.enabled === false) {
    return { apply: [...candidates], withheld: [], note: 'monotonic floating tags are turned off' }
  }
  const parsed = parseExactVersion(version)
  if (!parsed) {
    return {
      apply: [...candidates],
      withheld: [],
      note: `version "${version}" is not semver; floating tags are not checked`
    }
  }
  const shown = version.startsWith('v') ? version : `v${version}`
  const lines = stableVersions(existing, options)
  const apply: string[] = []
  const withheld: WithheldTag[] = []
  for (const tag of candidates) {
    const floating = classify(tag, parsed, options)
    if (!floating) {
      apply.push(tag)
      continue
    }
    if (parsed.prerelease.length > 0) {
      withheld.push({ tag, reason: `${shown} is a pre-release` })
      continue
    }
    const line = lines.filter(
      e =>
        floating.kind === 'latest' ||
        (e.version.major === floating.major &&
          (floating.kind === 'major' || e.version.minor === floating.minor))
    )
    const top = highest(line)
    if (top && semver.gt(top.version, parsed)) {
      withheld.push({ tag, reason: `${shown} < ${top.tag}` })
    } else {
      apply.push(tag)
    }
  }
  return { apply, withheld }
}

export interface ImmutableConflict {
  image: string
  tag: string
  /** Digest the tag holds in the registry now. */
  existingDigest: string
}

/**
 * Exact-version tags among `tags` that already exist in the registry with another digest than `newDigest`.
 * Before building `newDigest` is unknown: every existing exact-version tag is then a conflict (stage 1 above).
 * `existing` maps tag → digest it holds (absent/undefined: no such tag).
 */
export function findImmutableConflicts(
  image: string,
  tags: string[],
  existing: Map<string, string | undefined> | Record<string, string | undefined>,
  newDigest?: string,
  flavor: Flavor = {}
): ImmutableConflict[] {
  const lookup = (t: string) => (existing instanceof Map ? existing.get(t) : existing[t])
  const conflicts: ImmutableConflict[] = []
  for (const tag of tags) {
    if (!isExactVersionTag(tag, flavor)) continue
    const existingDigest = lookup(tag)
    if (existingDigest && existingDigest !== newDigest) conflicts.push({ image, tag, existingDigest })
  }
  return conflicts
}

/**
 * The error message for conflicts; `input` names the opt-in. `afterPush`: stage 2 (images pushed by digest,
 * no tag moved) rather than stage 1 (nothing pushed).
 */
export function immutableConflictMessage(
  conflicts: ImmutableConflict[],
  { input = 'overwrite', afterPush = false }: { input?: string; afterPush?: boolean } = {}
): string {
  const lines = conflicts.map(c => `  ${c.image}:${c.tag} already exists (${c.existingDigest})`)
  const state = afterPush ? 'images were pushed by digest, no tag was moved' : 'nothing was pushed'
  return [
    `Refusing to overwrite release tag${conflicts.length > 1 ? 's' : ''} (${state}):`,
    ...lines,
    `Release tags are immutable. Release a new version, or set \`${input}: true\` to replace them.`
  ].join('\n')
}

/** What the tag policy needs from a registry (RegistryClient implements it). */
export interface TagReader {
  listTags(image: string): Promise<string[] | undefined>
  resolveTags(image: string, tags: string[]): Promise<Map<string, string | undefined>>
}

export interface ImageTagPlan extends FloatingDecision {
  image: string
  /** Exact-version tags that already exist (stage 1 conflicts; empty when `overwrite`). */
  conflicts: ImmutableConflict[]
  /** Existing tags of the image (empty for a new repository). */
  existing: string[]
}

/**
 * Stage 1 for one image, before building: reads the image's tags once, decides the floating tags, and finds
 * existing exact-version tags. The caller fails before building when any image has conflicts.
 */
export async function planImageTags(
  reader: TagReader,
  image: string,
  version: string,
  candidates: string[],
  options: Flavor & { monotonic?: boolean; overwrite?: boolean } = {}
): Promise<ImageTagPlan> {
  const existing = (await reader.listTags(image)) ?? []
  const decision = decideFloatingTags(version, candidates, existing, {
    ...options,
    enabled: options.monotonic
  })
  const exact = candidates.filter(t => isExactVersionTag(t, options) && existing.includes(t))
  const digests = exact.length && !options.overwrite ? await reader.resolveTags(image, exact) : new Map()
  const conflicts = options.overwrite ? [] : findImmutableConflicts(image, exact, digests, undefined, options)
  return { image, existing, conflicts, ...decision }
}

/**
 * Stage 2 for one image, after pushing by digest and right before tagging: exact-version tags that now hold
 * another digest than the one pushed (a concurrent release). Empty when `overwrite`.
 */
export async function recheckImmutableTags(
  reader: TagReader,
  image: string,
  tags: string[],
  newDigest: string,
  options: Flavor & { overwrite?: boolean } = {}
): Promise<ImmutableConflict[]> {
  if (options.overwrite) return []
  const exact = tags.filter(t => isExactVersionTag(t, options))
  if (exact.length === 0) return []
  return findImmutableConflicts(image, exact, await reader.resolveTags(image, exact), newDigest, options)
}
