// The bake-file corpus (__tests__/fixtures/corpus/README.md): its cases, their captured `bake --print` output,
// and what bake itself would push, read from `bake --print --push` without any of the action's code.
import { expect } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus')
/** Buildx versions the corpus was captured with (scripts/corpus-capture.mjs). */
export const VERSIONS = ['0.13', '0.29'] as const
export type Version = (typeof VERSIONS)[number]

export interface CaseRun {
  inputs?: Record<string, string>
  /** The action refuses before building, with a message matching this (per buildx version when an object). */
  refuse?: string | Partial<Record<Version, string>>
  note?: string
}

export interface CorpusCase {
  name: string
  dir: string
  pattern: string
  targets?: string[]
  /** False: the registry and image-prefix inputs are not given (the bake file's own variables apply). */
  registryGiven?: boolean
  runs: CaseRun[]
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS)
    .filter(n => existsSync(path.join(CORPUS, n, 'case.json')))
    .sort()
    .map(name => ({
      name,
      dir: path.join(CORPUS, name),
      ...(JSON.parse(readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Omit<
        CorpusCase,
        'name' | 'dir'
      >)
    }))
}

export function captured(c: CorpusCase, file: 'print' | 'print-push', version: Version): string {
  return readFileSync(path.join(c.dir, `${file}.${version}.json`), 'utf8')
}

export function refusal(run: CaseRun, version: Version): string | undefined {
  return typeof run.refuse === 'string' ? run.refuse : run.refuse?.[version]
}

export interface BakePush {
  target: string
  /** Repositories bake pushes to (from the output's name=, else the tags). */
  repositories: string[]
  /** The references themselves. */
  references: string[]
  platforms?: string[]
}

const repository = (ref: string): string => ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '')

/** `type=image,push=true` or `{type, push}` → attributes; enough for the corpus (no quoted commas). */
function attrs(entry: unknown): Record<string, string> {
  if (entry && typeof entry === 'object') {
    return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)]))
  }
  const out: Record<string, string> = {}
  for (const field of String(entry).split(',')) {
    const eq = field.indexOf('=')
    if (eq > 0) out[field.slice(0, eq)] = field.slice(eq + 1)
    else out.type = field.includes('/') || field === '.' ? 'local' : field
  }
  return out
}

/**
 * What `bake --print --push` says bake pushes: targets not evaluated by a `call`, with an image output whose
 * last `push` is true, or a registry output. Written from buildx's documented behaviour, not the action's code.
 */
export function bakePushes(printPush: string): BakePush[] {
  const def = JSON.parse(printPush) as {
    target: Record<string, { output?: unknown[]; tags?: string[]; platforms?: string[]; call?: string }>
  }
  const out: BakePush[] = []
  for (const [target, t] of Object.entries(def.target)) {
    if (t.call && t.call !== 'build') continue
    const outputs = (t.output ?? []).map(attrs)
    const push = outputs.filter(
      o => o.type === 'registry' || (o.type === 'image' && /true$/.test(o.push ?? ''))
    )
    if (!push.length) continue
    const names = push.flatMap(o => (o.name ? o.name.split(',') : (t.tags ?? [])))
    out.push({
      target,
      repositories: [...new Set(names.map(repository))],
      references: names,
      platforms: t.platforms
    })
  }
  return out
}

/** One planned image as every entry point reports it (CLI / dry-run `images` output, plan document). */
export interface Planned {
  target: string
  image: string
  platforms: string[]
}

const normalize = (p: string) =>
  p
    .toLowerCase()
    .replace(/^(linux\/arm64)\/v8$/, '$1')
    .replace(/^linux\/arm$/, 'linux/arm/v7')

/**
 * The plan equals what bake would push: the same targets; each image the publishable repository bake pushes
 * to, the images input's choice, or (deliberate differences, README "How targets become images") a
 * single-component placeholder under registry/prefix, registry/prefix/target for a target bake cannot name;
 * the platforms the target declares (`local` = this machine) or, when it declares none, the action's default.
 */
export function expectSameAsBake(
  planned: Planned[],
  pushes: BakePush[],
  o: { registry: string; prefix: string; images: Record<string, string>; platforms: string[]; local: string }
): void {
  const expected = pushes.map(push => {
    const publishable = push.repositories.filter(r => r.includes('/'))
    const image =
      o.images[push.target] ||
      o.images['*'] ||
      (publishable.length === 1
        ? publishable[0]
        : `${o.registry}/${o.prefix}/${push.repositories[0] ?? push.target}`)
    const own = o.platforms.length ? o.platforms : (push.platforms ?? [])
    const platforms = own.length
      ? own.map(p => (p === 'local' ? o.local : normalize(p)))
      : ['linux/amd64', 'linux/arm64']
    return { target: push.target, image, platforms }
  })
  const byTarget = (a: Planned, b: Planned) => a.target.localeCompare(b.target)
  expect(planned.map(p => ({ ...p, platforms: p.platforms.map(normalize) })).sort(byTarget)).toEqual(
    expected.sort(byTarget)
  )
}
