// The release tag rules as pure decisions over the tags an image has; release-policy.ts reads the registry and
// applies them (before anything is pushed, and again right before the tags move).
//
// Monotonic floating tags: `latest`, `vX` and `vX.Y` (with or without the `v`, and with the flavor's prefix and
// suffix) only move forward. Releasing a patch for an old line (v1.2.9 after v1.3.0) moves `v1.2`, but not `v1`
// nor `latest` (docker/metadata-action#80, #326). Pre-releases never move a floating tag.
//
// Immutable release tags: an exact version tag (`v1.2.3`) that exists with other content is not overwritten
// unless the user opts in. Before anything is pushed the new digest is unknown (a rebuild practically never
// reproduces a digest), so every existing exact tag counts; at tag time only one holding another digest does.
import semver from 'semver'

/** The flavor's prefix and suffix on every tag: the rules recognise `v1` inside `alpine-v1`. */
export interface TagAffixes {
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
function unflavor(tag: string, affixes: TagAffixes): string | undefined {
  const prefix = affixes.prefix ?? ''
  const suffix = affixes.suffix ?? ''
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
export function isExactVersionTag(tag: string, affixes: TagAffixes = {}): boolean {
  const bare = unflavor(tag, affixes)
  return (bare !== undefined && parseExactVersion(bare) !== undefined) || parseExactVersion(tag) !== undefined
}

function classify(tag: string, version: semver.SemVer, affixes: TagAffixes): Floating | undefined {
  // metadata-action does not put the prefix/suffix on `latest` unless asked to; accept both forms.
  const bare = unflavor(tag, affixes)
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

/** A tag the monotonic rule governs for a release of `version`: `latest`, or its own `vX` / `vX.Y` line. */
export function isFloatingTag(tag: string, version: string, affixes: TagAffixes = {}): boolean {
  const parsed = parseExactVersion(version)
  return parsed !== undefined && classify(tag, parsed, affixes) !== undefined
}

interface Existing {
  tag: string
  version: semver.SemVer
}

/** Stable exact-version tags of the image, with this flavor (other flavors' tags are other lines). */
function stableVersions(existing: string[], affixes: TagAffixes): Existing[] {
  const out: Existing[] = []
  for (const tag of existing) {
    const bare = unflavor(tag, affixes)
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
  options: TagAffixes & { enabled?: boolean } = {}
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
 * Before anything is pushed `newDigest` is unknown: every existing exact-version tag is then a conflict.
 * `existing` maps tag → digest it holds (absent/undefined: no such tag).
 */
export function findImmutableConflicts(
  image: string,
  tags: string[],
  existing: Map<string, string | undefined> | Record<string, string | undefined>,
  newDigest?: string,
  affixes: TagAffixes = {}
): ImmutableConflict[] {
  const lookup = (t: string) => (existing instanceof Map ? existing.get(t) : existing[t])
  const conflicts: ImmutableConflict[] = []
  for (const tag of tags) {
    if (!isExactVersionTag(tag, affixes)) continue
    const existingDigest = lookup(tag)
    if (existingDigest && existingDigest !== newDigest) conflicts.push({ image, tag, existingDigest })
  }
  return conflicts
}

/**
 * The error message for conflicts; `input` names the opt-in. `afterPush`: at tag time (images pushed by digest,
 * no tag moved) rather than before anything was pushed.
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
