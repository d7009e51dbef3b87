// The bake definition as buildx resolves it: `docker buildx bake --print` (JSON) for the user's files and
// targets, with the bake variables the action provides (REGISTRY, IMAGE_PREFIX, VERSION) in its environment.
import { run, ExecError } from '../lib/exec.js'
import { allowArgs, type FsGrants } from './entitlements.js'
import { checkBakeFile } from '../lib/validate.js'

/** One target of `bake --print` (buildx 0.13: lists of strings, labels/args as maps). */
export interface BakeTarget {
  context?: string
  dockerfile?: string
  tags?: string[]
  labels?: Record<string, string | null>
  platforms?: string[]
  output?: string[]
  'cache-from'?: string[]
  'cache-to'?: string[]
  attest?: string[]
  annotations?: string[]
  args?: Record<string, string | null>
  [key: string]: unknown
}

export interface BakeDefinition {
  group?: Record<string, { targets?: string[] }>
  target: Record<string, BakeTarget>
}

export interface BakeInvocation {
  /** Directory bake runs in. */
  workdir: string
  /** Bake files, relative to workdir (the override file, when any, comes last). */
  files: string[]
  targets: string[]
  /** Builder name passed with --builder (undefined: buildx's current builder). */
  builder?: string
  /** Bake variables and anything else the command needs in its environment. */
  env: Record<string, string>
  /** Raw `--set` overrides, applied last. */
  set?: string[]
  /** Paths the action makes bake read or write outside the workdir (src/3-plan/entitlements.ts). */
  grants?: FsGrants
  /** The user's own entitlements (`allow` input). */
  allow?: string[]
}

/** Arguments shared by --print and the build: builder, entitlements, files, user's --set. */
export function bakeArgs(inv: BakeInvocation): string[] {
  // Checked here too, whoever built the invocation: `-` would make bake wait on standard input, which the exec
  // wrapper leaves open (targets are checked as inputs, and come after `--`).
  inv.files.forEach(f => checkBakeFile(f))
  const args = ['buildx', 'bake']
  if (inv.builder) args.push('--builder', inv.builder)
  args.push(...allowArgs(inv.grants, inv.allow))
  for (const f of inv.files) args.push('--file', f)
  for (const s of inv.set ?? []) args.push('--set', s)
  return args
}

export function parseDefinition(json: string): BakeDefinition {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new Error(`docker buildx bake --print did not return JSON: ${json.slice(0, 200)}`)
  }
  const def = parsed as BakeDefinition
  if (!def || typeof def !== 'object' || !def.target || typeof def.target !== 'object') {
    throw new Error('docker buildx bake --print returned no targets; check the files and targets inputs.')
  }
  return def
}

/** Resolves the definition with `--print`; a bake error (unknown target, HCL syntax) says what to fix. */
export async function printDefinition(
  inv: BakeInvocation
): Promise<{ definition: BakeDefinition; json: string }> {
  // `--`: targets are positional; none can read as a flag (they are also checked as names on input).
  const args = [...bakeArgs(inv), '--print', '--', ...inv.targets]
  try {
    const r = await run('docker', args, { cwd: inv.workdir, env: inv.env, silent: true })
    return { definition: parseDefinition(r.stdout), json: r.stdout.trim() }
  } catch (e) {
    if (e instanceof ExecError) {
      const reason = e.message.replace(/^.*?exit code \d+: /, '').replace(/^ERROR: /, '')
      throw new Error(
        `Cannot resolve the bake definition (files: ${inv.files.join(', ')}; targets: ${inv.targets.join(', ')}` +
          ` in ${inv.workdir}): ${reason}`,
        { cause: e }
      )
    }
    throw e
  }
}
