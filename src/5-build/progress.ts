// Platform names in BuildKit's `--progress=plain` vertex names. A step runs for one platform (`[api linux/arm64
// 2/3]`), or, in a stage pinned to the build platform (`FROM --platform=$BUILDPLATFORM`), on the build platform
// for another target platform: `[api linux/amd64->arm64 build 3/3]`. After `->` BuildKit writes the target's
// arch[/variant] when only the arch differs, its whole os/arch[/variant] when the OS differs
// (formatTargetPlatform in moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go). Also: which images a
// push reached, from the same stream.
import { repositoryOf } from '../3-plan/targets.js'

const PLATFORM = /^([a-z][a-z0-9]*)\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/
const TARGET = /^[a-z0-9_]+(?:\/[a-z0-9_]+){0,2}$/

/** The platform a vertex-name token builds for (the target of `a->b`); undefined when it names none. */
export function vertexPlatform(token: string): string | undefined {
  const [build, target, ...more] = token.split('->')
  const m = PLATFORM.exec(build ?? '')
  if (!m || more.length) return undefined
  if (target === undefined) return build
  if (!TARGET.test(target)) return undefined
  const parts = target.split('/')
  // `arm/v7`, `amd64/v3`: arch and variant on the build OS; `windows/amd64`: another OS.
  const archVariant = parts.length === 1 || (parts.length === 2 && /^v\d+$/.test(parts[1]))
  return archVariant ? `${m[1]}/${target}` : target
}

/** `pushing manifest for NAME@sha256:… done` lines: what reached the registry even when bake failed. */
export function pushedFromProgress(progress: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of progress.matchAll(/pushing manifest for (\S+)@(sha256:[0-9a-f]{64})(?: [0-9.]+s)? done/g)) {
    out[repositoryOf(m[1])] = m[2]
  }
  return out
}
