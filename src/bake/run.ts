// Runs the build: `docker buildx bake` with the user's files, the override file last, a metadata file and
// plain progress streamed to the log. A failure becomes a short message from buildx's own output (the target,
// platform and failing step, then BuildKit's reason); the caller decides what to do with it.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { run } from '../exec.js'
import { bakeArgs, type BakeInvocation } from './definition.js'

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

/** The last step header buildx printed in an error block (` > [worker linux/arm64 2/2] RUN …:`). */
export function failedStep(progress: string): FailedStep {
  const headers = [...progress.matchAll(/^ > \[([^\]]+)\] (.*?):?\s*$/gm)].filter(
    m => !/^importing cache manifest|^exporting cache/.test(m[2])
  )
  const last = headers.pop()
  if (!last) return {}
  const words = last[1].split(/\s+/)
  const platform = words.find(w => /^[a-z][a-z0-9]*\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(w))
  const target = words[0] === 'internal' || words[0] === 'stage-0' ? undefined : words[0]
  return { target, platform, step: last[2] }
}

/** A short, single-line error from bake's output: where it failed and BuildKit's reason. */
export function bakeFailure(progress: string): string {
  const errors = progress
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l.startsWith('ERROR:'))
  const reason = (errors.pop() ?? 'docker buildx bake failed (no ERROR line in its output)')
    .replace(/^ERROR:\s*/, '')
    .replace(/^failed to solve:\s*/, '')
  const at = failedStep(progress)
  if (!at.target && !at.step) return `Build failed: ${reason}`
  const where = `${at.target ?? 'build'}${at.platform ? ` (${at.platform})` : ''}`
  return `Build of ${where} failed at \`${at.step}\`: ${reason}`
}

export async function runBake(
  inv: BakeInvocation,
  overridePath: string,
  metadataPath: string
): Promise<BakeRunResult> {
  const args = [
    ...bakeArgs({ ...inv, files: [...inv.files, overridePath] }),
    '--metadata-file',
    metadataPath,
    '--progress=plain',
    ...inv.targets
  ]
  const started = Date.now()
  // Not silent: the exec wrapper streams bake's progress into the log as it arrives.
  const r = await run('docker', args, { cwd: inv.workdir, env: inv.env, ignoreReturnCode: true })
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
