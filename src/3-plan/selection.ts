// Which targets of a resolved definition are images, decided from what bake would do with them under `--push`:
//   - the requested targets, groups expanded (matrix blocks print as groups too);
//   - minus targets whose declared outputs include no image (`type=docker`, `local`, `tar`, `oci`, `cacheonly`):
//     bake builds them as declared and pushes nothing;
//   - minus targets with a `call` other than `build` (`check`, …): evaluated, never built;
//   - and `bake --print` also lists the targets the requested ones link through `target:` contexts. Those are
//     build stages of their dependants: never planned, tagged, pushed, given matrix legs, nor platforms.
// Ground truth (`bake --print --push`, buildx 0.13.1 and 0.29.1): a target with no output, or an `image` /
// `registry` output, gets `push=true`; other outputs stay; a linked stage keeps no output (0.13) or
// `type=cacheonly` (0.29). See __tests__/fixtures/corpus/README.md.
import type { BakeDefinition, BakeEntry, BakeTarget } from './definition.js'
import { localPlatform, normalizePlatform } from '../lib/platform.js'

/** Output types bake pushes under `--push` (an `image` output gets push=true, `registry` pushes anyway). */
export const IMAGE_OUTPUTS = new Set(['image', 'registry'])

export type Role =
  | { kind: 'image' }
  /** Reached only through `target:` contexts of these targets. */
  | { kind: 'stage'; of: string[] }
  /** Declared outputs, none of which is an image. */
  | { kind: 'output'; outputs: string[] }
  | { kind: 'call'; call: string }

/** `type=local,dest=out` — an entry as users write it, for messages. */
export function describeEntry(e: BakeEntry): string {
  return Object.entries(e)
    .sort(([a], [b]) => (a === 'type' ? -1 : b === 'type' ? 1 : 0))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',')
}

/** Targets a target links through `target:NAME` contexts. */
export function linkedTargets(t: BakeTarget): string[] {
  return Object.values(t.contexts ?? {})
    .filter(v => typeof v === 'string' && v.startsWith('target:'))
    .map(v => v.slice('target:'.length))
}

/**
 * The requested names expanded through the printed groups, in definition order. Bake prints the requested
 * list as its `default` group (merged with the file's own `default` when that is requested too), so a name
 * that is both a group and a target in the print is the target.
 */
export function requestedTargets(def: BakeDefinition, requested: string[]): string[] {
  const found = new Set<string>()
  const seen = new Set<string>()
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    const members = def.group?.[name]?.targets
    if (members && !(def.target[name] && members.includes(name))) members.forEach(visit)
    else if (def.target[name]) found.add(name)
  }
  requested.forEach(visit)
  return Object.keys(def.target).filter(n => found.has(n))
}

/** The role of every printed target. */
export function classifyTargets(def: BakeDefinition, requested: string[]): Map<string, Role> {
  const wanted = new Set(requestedTargets(def, requested))
  const linkedBy = new Map<string, string[]>()
  for (const [name, t] of Object.entries(def.target)) {
    for (const dep of linkedTargets(t)) linkedBy.set(dep, [...(linkedBy.get(dep) ?? []), name])
  }
  const roles = new Map<string, Role>()
  for (const [name, t] of Object.entries(def.target)) {
    // A printed target bake was not asked for and no target links is unexpected: plan it as requested.
    if (!wanted.has(name) && linkedBy.has(name)) {
      roles.set(name, { kind: 'stage', of: linkedBy.get(name) as string[] })
    } else if (t.call && t.call !== 'build') {
      roles.set(name, { kind: 'call', call: t.call })
    } else if (t.output?.length && !t.output.some(o => IMAGE_OUTPUTS.has(o.type))) {
      roles.set(name, { kind: 'output', outputs: t.output.map(describeEntry) })
    } else {
      roles.set(name, { kind: 'image' })
    }
  }
  return roles
}

/** Why a target is not published, for the log, the summary and the plan sub-action. */
export function skipReason(role: Role): string {
  switch (role.kind) {
    case 'stage':
      return `build stage of ${role.of.join(', ')} (a target: context): built with it, not published`
    case 'output':
      return `its output is ${role.outputs.join(' + ')}, not an image: built as declared, nothing tagged`
    case 'call':
      return `call = "${role.call}": evaluated by bake, not built, nothing tagged`
    case 'image':
      return ''
  }
}

/** The error when nothing requested is an image: every target with the reason, and what to change. */
export function noImageMessage(roles: Map<string, Role>, requested: string[]): string {
  const lines = [...roles].map(([name, role]) => `${name} (${skipReason(role)})`)
  return (
    `No target of '${requested.join(', ')}' produces an image, so there is nothing to publish: ` +
    `${lines.join('; ')}. Select targets whose output is an image (targets input), or give one an image output ` +
    `(e.g. set: 'TARGET.output=type=image'); the action replaces it with its own push.`
  )
}

/**
 * Buildx refuses a `target:` context whose target declares platforms that do not include every platform of
 * its dependant ("its platforms … are not a subset of …"). Checked before building, for the platforms the
 * action plans (its default or the platforms input may widen a target's own).
 */
export function assertLinkedPlatforms(
  def: BakeDefinition,
  planned: Map<string, string[]>,
  local: () => string = localPlatform
): void {
  const spelled = (p: string) => normalizePlatform(p.trim().toLowerCase() === 'local' ? local() : p)
  for (const [name, platforms] of planned) {
    const seen = new Set<string>([name])
    const stack = linkedTargets(def.target[name] ?? {})
    while (stack.length) {
      const dep = stack.pop() as string
      if (seen.has(dep) || !def.target[dep]) continue
      seen.add(dep)
      stack.push(...linkedTargets(def.target[dep]))
      const own = planned.get(dep) ?? def.target[dep].platforms ?? []
      if (!own.length) continue
      const have = new Set(own.map(spelled))
      const missing = platforms.filter(p => !have.has(spelled(p)))
      if (missing.length) {
        throw new Error(
          `Target '${name}' is planned for ${platforms.join(', ')} but builds on target '${dep}' (a target: ` +
            `context), which is built for ${own.join(', ')} only: buildx would refuse (not a subset). ` +
            `Declare platforms on '${name}' within those of '${dep}', widen '${dep}', or set the platforms input.`
        )
      }
    }
  }
}
