// Runs the build: `docker buildx bake` with the user's files, the override file last, a metadata file and
// plain progress streamed to the log. A failure becomes a short message from buildx's own output (the target,
// platform and failing step, then BuildKit's reason); the caller decides what to do with it.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { run } from '../lib/exec.js'
import {
  bakeArgs,
  bakeEnv,
  buildFlags,
  positionals,
  withFile,
  type BakeInvocation
} from '../3-plan/definition.js'
import { vertexPlatform } from './progress.js'

/** One target's entry in bake's metadata file. */
export interface TargetMetadata {
  'containerimage.digest'?: string
  'containerimage.descriptor'?: { mediaType: string; digest: string; size: number }
  'image.name'?: string
  'buildx.build.ref'?: string
  [key: string]: unknown
}

export interface BakeRunResult {
  ok: boolean
  /** Short reason when the build failed. */
  error?: string
  /** Metadata per target (empty when buildx wrote none, as it does when any target fails). */
  metadata: Record<string, TargetMetadata>
  /** The metadata file's text ('{}' when there was none). */
  metadataJson: string
  /** Full progress output, for build metrics. */
  progress: string
  durationMs: number
}

export interface FailedStep {
  target?: string
  platform?: string
  step?: string
}

/** BuildKit's reason for the failure: the last top-level `ERROR:` line, without `failed to solve:`. */
function finalError(progress: string): string | undefined {
  const line = progress
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l.startsWith('ERROR:'))
    .pop()
  return line?.replace(/^ERROR:\s*/, '').replace(/^failed to solve:\s*/, '')
}

/** Target, platform and step from a vertex name's bracket and text (`worker linux/arm64 2/2`, `RUN …`). */
function stepOf(bracket: string, step: string): FailedStep {
  const words = bracket.split(/\s+/)
  const platform = words.map(vertexPlatform).find(p => p !== undefined)
  const target = words[0] === 'internal' || words[0] === 'stage-0' ? undefined : words[0]
  return { target, platform, step }
}

/**
 * Where the build failed. When several vertices failed (bake cancels the others, or each target's push fails
 * on its own), the one whose `#N ERROR:` is BuildKit's final reason is the cause, under the latest name of its
 * `#N`; otherwise the last step header buildx printed in an error block (` > [worker linux/arm64 2/2] RUN …:`).
 */
export function failedStep(progress: string): FailedStep {
  const reason = finalError(progress)
  if (reason) {
    const names = new Map<string, { bracket: string; step: string }>()
    for (const m of progress.matchAll(/^#(\d+) (?:\[([^\]]+)\] (.*)|ERROR: (.*))$/gm)) {
      if (m[2] !== undefined) names.set(m[1], { bracket: m[2], step: m[3].trim() })
      else if (m[4].trim() === reason && names.has(m[1])) {
        const name = names.get(m[1]) as { bracket: string; step: string }
        return stepOf(name.bracket, name.step)
      }
    }
  }
  const headers = [...progress.matchAll(/^ > \[([^\]]+)\] (.*?):?\s*$/gm)].filter(
    m => !/^importing cache manifest|^exporting cache/.test(m[2])
  )
  const last = headers.pop()
  return last ? stepOf(last[1], last[2]) : {}
}

/**
 * A short, single-line error from bake's output: where it failed and BuildKit's reason. A failed push says
 * which target, image and registry, then the registry's answer.
 */
export function bakeFailure(progress: string): string {
  const reason = finalError(progress) ?? 'docker buildx bake failed (no ERROR line in its output)'
  const at = failedStep(progress)
  if (!at.target && !at.step) return `Build failed: ${reason}`
  const push = /^failed to push (\S+?): (.*)$/.exec(reason)
  if (push) {
    const registry = push[1].split('/')[0]
    return `Push of ${at.target ?? 'the image'} (${push[1]}) to ${registry} failed: ${push[2]}`
  }
  const where = `${at.target ?? 'build'}${at.platform ? ` (${at.platform})` : ''}`
  return `Build of ${where} failed at \`${at.step}\`: ${reason}`
}

export async function runBake(
  inv: BakeInvocation,
  overridePath: string,
  metadataPath: string
): Promise<BakeRunResult> {
  const args = [
    ...bakeArgs(withFile(inv, overridePath)),
    ...buildFlags(inv),
    '--metadata-file',
    metadataPath,
    '--progress=plain',
    ...positionals(inv)
  ]
  // Buildx checks a write path that does not exist yet against its nearest existing parent, which the action
  // does not grant: each granted directory exists before bake runs (see src/3-plan/entitlements.ts).
  for (const dir of inv.grants?.write ?? []) await mkdir(dir, { recursive: true })
  const started = Date.now()
  // Not silent: the exec wrapper streams bake's progress into the log as it arrives.
  const r = await run('docker', args, { cwd: inv.workdir, env: bakeEnv(inv), ignoreReturnCode: true })
  const durationMs = Date.now() - started
  const progress = `${r.stderr}\n${r.stdout}`
  let metadataJson = '{}'
  let metadata: Record<string, TargetMetadata> = {}
  if (existsSync(metadataPath)) {
    metadataJson = (await readFile(metadataPath, 'utf8')).trim() || '{}'
    metadata = JSON.parse(metadataJson) as Record<string, TargetMetadata>
  }
  if (r.exitCode !== 0)
    return { ok: false, error: bakeFailure(progress), metadata, metadataJson, progress, durationMs }
  return { ok: true, metadata, metadataJson, progress, durationMs }
}
