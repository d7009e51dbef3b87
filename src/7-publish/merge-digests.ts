// The per-platform digests the build legs pushed, as the merge job receives them: JSON files in a directory
// (one small artifact per leg, downloaded with `merge-multiple: true`), a file, a `*` pattern, or inline JSON.
// Accepted shapes, alone, in an array or as JSON lines: a record `{target, platform, image, digest}`, or the
// main action's `images` output of a one-platform leg (`{api: {image, platforms: [p], digest, …}}`).
// Then matched against the plan: every planned target × platform must have exactly one digest.
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { PlanDocument } from '../3-plan/document.js'
import { normalizePlatform } from '../lib/platform.js'

export interface DigestRecord {
  target: string
  platform: string
  /** Image the leg pushed to (absent in the `digests` output shape: the plan's image is used). */
  image?: string
  /** undefined: the leg reported no digest (its build failed). */
  digest?: string
  /** Where the record came from (file name or `inline`), for messages. */
  source: string
}

const DIGEST = /^sha256:[0-9a-f]{64}$/

type Json = Record<string, unknown>

function fromObject(o: Json, source: string): DigestRecord[] {
  if (typeof o.target === 'string') {
    const platforms = typeof o.platform === 'string' ? [o.platform] : (o.platforms as unknown)
    return [one(o.target, o, platforms, source)]
  }
  const entries = Object.entries(o)
  const objects =
    entries.length > 0 && entries.every(([, v]) => v && typeof v === 'object' && !Array.isArray(v))
  // The main action's `images` output: target → {image, platforms, digest}.
  if (objects && entries.every(([, v]) => 'image' in (v as Json))) {
    return entries.map(([target, v]) => one(target, v as Json, (v as Json).platforms, source))
  }
  // The main action's `digests` output: target → {platform: manifest digest, index: index digest}. The leg's
  // index (with the attestation manifest) is the source to merge; a bare platform manifest would leave the
  // attestation behind (a hand-written `{platform: digest}` without `index` is taken as the leg's digest).
  if (objects && entries.every(([, v]) => Object.values(v as Json).every(d => typeof d === 'string'))) {
    return entries.map(([target, v]) => {
      const map = v as Record<string, string>
      const platforms = Object.keys(map).filter(k => k !== 'index')
      return one(target, { digest: map.index ?? map[platforms[0]] }, platforms, source)
    })
  }
  throw new Error(
    `${source}: not a digest record. Expected {"target","platform","image","digest"}, or the main action's ` +
      '`digests` or `images` output of a one-platform build leg.'
  )
}

function one(target: string, o: Json, platforms: unknown, source: string): DigestRecord {
  if (!Array.isArray(platforms) || platforms.length !== 1 || typeof platforms[0] !== 'string') {
    throw new Error(
      `${source}: target '${target}' names ${Array.isArray(platforms) ? platforms.length : 'no'} platforms; ` +
        'each build leg must build exactly one platform (platforms: ${{ matrix.platform }}).'
    )
  }
  if (o.image !== undefined && (typeof o.image !== 'string' || !o.image)) {
    throw new Error(`${source}: target '${target}' has an invalid image name.`)
  }
  const digest = o.digest === null || o.digest === undefined || o.digest === '' ? undefined : o.digest
  if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) {
    throw new Error(`${source}: target '${target}' has an invalid digest ${JSON.stringify(digest)}.`)
  }
  return {
    target,
    platform: normalizePlatform(platforms[0]),
    image: o.image as string | undefined,
    digest,
    source
  }
}

/** Records in one text: a JSON value (object or array) or JSON lines. */
export function parseDigestText(text: string, source: string): DigestRecord[] {
  const trimmed = text.trim()
  if (!trimmed) return []
  let values: unknown[]
  try {
    const v = JSON.parse(trimmed) as unknown
    values = Array.isArray(v) ? v : [v]
  } catch {
    values = trimmed
      .split(/\r?\n/)
      .map(l => l.trim())
      .filter(Boolean)
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown
        } catch {
          throw new Error(`${source}: line ${i + 1} is not JSON: ${l.slice(0, 80)}`)
        }
      })
  }
  return values.flatMap(v => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${source}: expected JSON objects.`)
    return fromObject(v as Json, source)
  })
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await jsonFiles(p)))
    else if (e.name.endsWith('.json')) out.push(p)
  }
  return out.sort()
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  return new RegExp(`^${body}$`)
}

/** Files one `digests` line names: a directory (its *.json, recursively), a file, or `dir/*.json`. */
async function filesOf(entry: string, cwd: string): Promise<string[]> {
  const p = path.resolve(cwd, entry)
  if (/[*?]/.test(path.basename(p))) {
    const dir = path.dirname(p)
    if (/[*?]/.test(dir))
      throw new Error(`digests: '${entry}': wildcards are supported in the file name only.`)
    const re = wildcard(path.basename(p))
    const names = await readdir(dir).catch(() => [] as string[])
    return names
      .filter(n => re.test(n))
      .map(n => path.join(dir, n))
      .sort()
  }
  const s = await stat(p).catch(() => undefined)
  if (!s) throw new Error(`digests: '${entry}' does not exist (resolved to ${p}). Did the download step run?`)
  return s.isDirectory() ? jsonFiles(p) : [p]
}

/** Reads the `digests` input: inline JSON (starts with `{` or `[`) or lines of paths. */
export async function readDigests(input: string, cwd: string): Promise<DigestRecord[]> {
  const text = input.trim()
  if (!text)
    throw new Error(
      "The digests input is empty: give the directory the build legs' digest files were downloaded to."
    )
  if (text.startsWith('{') || text.startsWith('[')) return parseDigestText(text, 'digests input')
  const records: DigestRecord[] = []
  for (const entry of text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean)) {
    const files = await filesOf(entry, cwd)
    if (files.length === 0) throw new Error(`digests: '${entry}' matches no file.`)
    for (const f of files)
      records.push(...parseDigestText(await readFile(f, 'utf8'), path.relative(cwd, f) || f))
  }
  return records
}

export interface TargetSources {
  target: string
  image: string
  platforms: string[]
  /** platform → the digest its leg pushed (an index with the image and its attestation manifest). */
  digests: Record<string, string>
}

/**
 * Every planned target × platform with its one digest. Throws before anything is pushed, naming every missing
 * or failed leg and every contradiction; records of targets or platforms not in the plan are returned as notes.
 */
export function matchDigests(
  doc: PlanDocument,
  records: DigestRecord[]
): { sources: TargetSources[]; notes: string[] } {
  const problems: string[] = []
  const notes: string[] = []
  const sources = doc.images.map(img => {
    const digests: Record<string, string> = {}
    for (const platform of img.platforms) {
      const found = records.filter(r => r.target === img.target && r.platform === platform)
      const pushed = [...new Set(found.flatMap(r => (r.digest ? [r.digest] : [])))]
      const where = `${img.target} ${platform}`
      if (found.length === 0)
        problems.push(`${where}: no digest (the build leg did not run or did not upload its digest)`)
      else if (pushed.length === 0)
        problems.push(`${where}: the build leg reported no digest (its build failed; ${found[0].source})`)
      else if (pushed.length > 1)
        problems.push(`${where}: several digests (${pushed.join(', ')}): re-run the workflow`)
      else if (found.some(r => r.image !== undefined && r.image !== img.image)) {
        problems.push(
          `${where}: pushed to ${found.find(r => r.image !== undefined && r.image !== img.image)?.image}, the plan says ${img.image}`
        )
      } else digests[platform] = pushed[0]
    }
    return { target: img.target, image: img.image, platforms: img.platforms, digests }
  })
  for (const r of records) {
    const img = doc.images.find(i => i.target === r.target)
    if (!img) notes.push(`${r.source}: target '${r.target}' is not in the plan; ignored`)
    else if (!img.platforms.includes(r.platform))
      notes.push(`${r.source}: ${r.target} ${r.platform} is not a planned platform; ignored`)
  }
  if (problems.length) {
    throw new Error(
      [
        `Cannot merge: ${problems.length} build leg(s) have no usable digest; no index was created and no tag moved:`,
        ...problems.map(p => `  ${p}`)
      ].join('\n')
    )
  }
  return { sources, notes }
}
