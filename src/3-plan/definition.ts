// The bake definition as buildx resolves it: `docker buildx bake --print` (JSON) for the user's files (or bake's
// own default files, or a remote definition) and targets, with the bake variables the user asked for.
//
// Two shapes of `--print` exist. Up to buildx 0.18 `output`, `cache-from`, `cache-to`, `attest`, `secret` and
// `ssh` are lists of CSV strings (`type=image,push=true`); since 0.19 they are lists of objects
// (`{"type":"image","push":"true"}`, `disabled` a boolean; docker/buildx#2758). Both are read into objects here,
// so nothing downstream ever sees a string entry. Other keys kept their shape (`annotations`, `entitlements`,
// `tags`, `platforms` are string lists; `contexts`, `args`, `labels` maps; `call` a string, printed since 0.16).
import { parse } from 'csv-parse/sync'
import { run, ExecError } from '../lib/exec.js'
import { checkBakeFile } from '../lib/validate.js'

/** One parsed entry: `type` plus the other attributes, values as strings (ssh `paths` stays a list). */
export type BakeEntry = Record<string, string> & { type: string }

/** One target of `bake --print`, entries normalized to objects. */
export interface BakeTarget {
  context?: string
  dockerfile?: string
  tags?: string[]
  labels?: Record<string, string | null>
  platforms?: string[]
  output?: BakeEntry[]
  'cache-from'?: BakeEntry[]
  'cache-to'?: BakeEntry[]
  attest?: BakeEntry[]
  secret?: Record<string, string>[]
  ssh?: Record<string, string | string[]>[]
  annotations?: string[]
  args?: Record<string, string | null>
  /** Named contexts; `target:NAME` links another target (built as a stage of this one). */
  contexts?: Record<string, string>
  /** Frontend method (`build`, `check`, `outline`, `targets`); buildx >= 0.16. */
  call?: string
  [key: string]: unknown
}

export interface BakeDefinition {
  group?: Record<string, { targets?: string[] }>
  target: Record<string, BakeTarget>
}

export interface BakeInvocation {
  /** Directory bake runs in. */
  workdir: string
  /** Bake files, relative to workdir. Empty: bake's own default files (compose.yaml, docker-bake.hcl, …). */
  files: string[]
  targets: string[]
  /** Builder name passed with --builder (undefined: buildx's current builder). */
  builder?: string
  /** Environment of the bake command: variables the action sets when asked (see plan.ts) and tokens. */
  env: Record<string, string>
  /** Raw `--set` overrides, applied last. */
  set?: string[]
  /** Paths the action makes bake read or write outside the workdir (src/3-plan/entitlements.ts). */
  grants?: FsGrants
  /** The user's own entitlements (`allow` input). */
  allow?: string[]
  /** A remote definition (Git or HTTPS URL): bake's first positional argument. */
  source?: string
  /** Bake variables from the `vars` input: `--var` on a buildx that has it, else the environment. */
  vars?: Record<string, string>
  /** Whether this buildx has `bake --var` (see supportsVarFlag). */
  varFlag?: boolean
  /** `--no-cache` and `--pull` of the build (not of --print). */
  noCache?: boolean
  pull?: boolean
}

const ENTRY_KEYS = ['output', 'cache-from', 'cache-to', 'attest', 'secret', 'ssh'] as const
type EntryKey = (typeof ENTRY_KEYS)[number]

/** CSV fields of one string entry (a quoted field may hold commas: `"name=a,b"`). */
function fields(entry: string): string[] {
  const records = parse(entry, {
    relaxColumnCount: true,
    relaxQuotes: true,
    skipEmptyLines: true
  }) as string[][]
  return (records[0] ?? []).map(f => f.trim()).filter(f => f !== '')
}

/** `key=value` fields into an object; a field without `=` lands under `bare`. */
function attributes(list: string[], bare: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of list) {
    const eq = f.indexOf('=')
    if (eq > 0) out[f.slice(0, eq).trim()] = f.slice(eq + 1).trim()
    else out[bare] = f
  }
  return out
}

/**
 * One entry in either shape, as buildx itself reads the string form: an output that is a bare path means
 * `local` (`-` a tar on stdout), a cache entry that is a bare name means `registry`, an ssh entry is
 * `id[=path,…]`, a secret's type is `file` unless it names `env`.
 */
export function parseEntry(key: EntryKey, entry: unknown): Record<string, string | string[]> {
  if (entry && typeof entry === 'object') {
    const out: Record<string, string | string[]> = {}
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      out[k] = Array.isArray(v) ? v.map(String) : String(v)
    }
    return out
  }
  const text = String(entry).trim()
  if (key === 'ssh') {
    const eq = text.indexOf('=')
    return eq < 0 ? { id: text } : { id: text.slice(0, eq), paths: text.slice(eq + 1).split(',') }
  }
  const list = fields(text)
  if (key === 'output' && list.length === 1 && !list[0].includes('=')) {
    return { type: text === '-' ? 'tar' : 'local', dest: text }
  }
  if (key === 'cache-from' || key === 'cache-to') {
    if (list.length === 1 && !list[0].includes('=')) return { type: 'registry', ref: list[0] }
  }
  const attrs = attributes(list, key === 'secret' ? 'id' : 'type')
  if (key === 'output' && !attrs.type) attrs.type = 'local'
  return attrs
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
  for (const t of Object.values(def.target)) {
    for (const key of ENTRY_KEYS) {
      const list = t[key]
      if (list === undefined || list === null) continue
      if (!Array.isArray(list))
        throw new Error(`bake --print: '${key}' is not a list (${JSON.stringify(list)})`)
      t[key] = list.map(e => parseEntry(key, e)) as never
    }
  }
  return def
}

/** Arguments shared by --print and the build: builder, files, the user's --set and --var. */
/** Paths bake may read or write outside its working directory (src/3-plan/entitlements.ts decides them). */
export interface FsGrants {
  read: string[]
  write: string[]
}

/** `--allow` arguments: the action's grants, then the user's own entitlements. */
export function allowArgs(grants: FsGrants | undefined, user: string[] = []): string[] {
  const args: string[] = []
  for (const p of grants?.read ?? []) args.push('--allow', `fs.read=${p}`)
  for (const p of grants?.write ?? []) args.push('--allow', `fs.write=${p}`)
  for (const e of user) args.push('--allow', e)
  return args
}

export function bakeArgs(inv: BakeInvocation): string[] {
  // Checked here too, whoever built the invocation: `-` would make bake wait on standard input, which the exec
  // wrapper leaves open (targets are checked as inputs, and come after `--`).
  inv.files.forEach(f => checkBakeFile(f))
  const args = ['buildx', 'bake']
  if (inv.builder) args.push('--builder', inv.builder)
  args.push(...allowArgs(inv.grants, inv.allow))
  for (const f of inv.files) args.push('--file', f)
  for (const s of inv.set ?? []) args.push('--set', s)
  if (inv.varFlag) for (const [k, v] of Object.entries(inv.vars ?? {})) args.push('--var', `${k}=${v}`)
  return args
}

/** Flags only the build takes (`--no-cache`, `--pull`): they change nothing --print shows. */
export function buildFlags(inv: BakeInvocation): string[] {
  return [...(inv.noCache ? ['--no-cache'] : []), ...(inv.pull ? ['--pull'] : [])]
}

/**
 * Bake's positional arguments after `--`, so none can read as a flag: the remote definition first, when there is
 * one, then the targets.
 */
export function positionals(inv: BakeInvocation): string[] {
  return ['--', ...(inv.source ? [inv.source] : []), ...inv.targets]
}

/** The environment bake runs with: the invocation's, plus the `vars` when this buildx has no --var. */
export function bakeEnv(inv: BakeInvocation): Record<string, string> {
  return inv.varFlag ? inv.env : { ...inv.env, ...(inv.vars ?? {}) }
}

/**
 * The invocation with one of the action's own files added last. Next to a remote definition a local file is
 * named `cwd://PATH` (buildx >= 0.13 reads it from the working directory instead of the remote source).
 */
export function withFile(inv: BakeInvocation, file: string): BakeInvocation {
  return { ...inv, files: [...inv.files, inv.source ? `cwd://${file}` : file] }
}

/** The files bake says it read (`#1 reading docker-bake.hcl 936B / 936B [0.0s ]done`), in its order. */
export function filesRead(progress: string): string[] {
  const out: string[] = []
  for (const m of progress.matchAll(
    /^#\d+ reading (.+?) [\d.]+\s?[kMGT]?i?B \/ [\d.]+\s?[kMGT]?i?B(?: [\d.]+m?s)? done\s*$/gm
  )) {
    if (!out.includes(m[1])) out.push(m[1])
  }
  return out
}

let varFlagProbe: Promise<boolean> | undefined
/** Whether this buildx's bake has `--var` (added in buildx 0.31); probed once, from its own help text. */
export function supportsVarFlag(): Promise<boolean> {
  varFlagProbe ??= run('docker', ['buildx', 'bake', '--help'], { silent: true, ignoreReturnCode: true }).then(
    r => /^\s+--var\b/m.test(r.stdout)
  )
  return varFlagProbe
}

export interface PrintedDefinition {
  definition: BakeDefinition
  json: string
  /** The local files bake read (its own discovery when the invocation named none). */
  files: string[]
  /**
   * The invocation the build repeats: `--var` support known and, when bake found the files itself, those
   * files named (the build adds the action's override file, and bake discovers nothing once a file is named).
   */
  invocation: BakeInvocation
}

/** Resolves the definition with `--print`; a bake error (unknown target, HCL syntax) says what to fix. */
export async function printDefinition(given: BakeInvocation): Promise<PrintedDefinition> {
  const inv =
    Object.keys(given.vars ?? {}).length && given.varFlag === undefined
      ? { ...given, varFlag: await supportsVarFlag() }
      : given
  const args = [...bakeArgs(inv), '--progress=plain', '--print', ...positionals(inv)]
  try {
    const r = await run('docker', args, { cwd: inv.workdir, env: bakeEnv(inv), silent: true })
    const files = filesRead(r.stderr)
    const discovered = !inv.files.length && !inv.source
    if (discovered && !files.length) {
      throw new Error(
        `bake read its default files in ${inv.workdir} but its progress did not say which; name them with ` +
          "the files input (the build adds the action's own file, and bake discovers nothing once a file is named)."
      )
    }
    return {
      definition: parseDefinition(r.stdout),
      json: r.stdout.trim(),
      files,
      invocation: discovered ? { ...inv, files } : inv
    }
  } catch (e) {
    if (e instanceof ExecError) {
      const reason = e.message.replace(/^.*?exit code \d+: /, '').replace(/^ERROR: /, '')
      const files = inv.files.length ? inv.files.join(', ') : "bake's default files"
      throw new Error(
        `Cannot resolve the bake definition (${inv.source ? `source: ${inv.source}; ` : ''}files: ${files}; ` +
          `targets: ${inv.targets.join(', ')} in ${inv.workdir}): ${reason}`,
        { cause: e }
      )
    }
    throw e
  }
}
