// Build metrics per target × platform: cache hit rate and step time from Buildx's `--progress=plain` stream
// (Buildx 0.13 has no rawjson progress), compressed size and layer count from the pushed manifests.
//
// The plain stream names each vertex once when it starts (`#14 [api linux/amd64 2/4] RUN …`) and reports its
// end as `#14 CACHED`, `#14 DONE 0.9s`, `#14 ERROR: …` or `#14 CANCELED`. A vertex shared by two targets is
// named again under the other target with the same number (`#10 [web linux/amd64 1/4] FROM …` then `#10 CACHED`),
// so a status belongs to the latest name of its number. With one target and one platform Buildx leaves both
// out of the name (`#7 [2/4] RUN …`): the caller supplies them. A step of a stage pinned to the build platform
// counts for the platform it builds for (`[api linux/amd64->arm64 build 3/3]` is linux/arm64's).
//
// Counted: Dockerfile steps (`n/m` in the name) except FROM. FROM only resolves the base image; BuildKit reports
// it DONE on warm builds and sometimes CACHED on cold ones, so counting it would make the rate noise.
// Step time is the sum of the steps' own durations (FROM included): steps of one stage run one after another,
// stages may overlap, so it is an upper bound of the platform's share of the wall time.
import type { BakeRunResult } from '../5-build/bake-run.js'
import { vertexPlatform } from '../5-build/progress.js'
import { type ManifestJson, platformOf } from '../6-registry/manifest.js'
import { imageTargets, type RunReport } from '../7-publish/results.js'
import { normalizePlatform } from '../lib/platform.js'

export interface PlatformMetrics {
  target: string
  platform: string
  /** Dockerfile steps seen (FROM excluded). */
  steps: number
  /** Of those, answered from cache. */
  cached: number
  /** cached / steps, 0..1; undefined when no step was seen. */
  cacheHitRate?: number
  /** Sum of the step durations, in seconds. */
  stepSeconds: number
  /** A step of this target/platform failed. */
  failed: boolean
  /** Compressed size in bytes (config + layers), from the registry. */
  sizeBytes?: number
  /** Layer count, from the registry. */
  layers?: number
}

export interface ParseOptions {
  /** Target names of the bake run: lets `[builder 2/4]` be told from `[api 2/4]`. */
  targets?: string[]
  /** Target to use when the stream names none (a single-target bake). */
  defaultTarget?: string
  /** Platform to use when the stream names none (a single-platform build). */
  defaultPlatform?: string
}

interface Vertex {
  key: string
  target: string
  platform: string
  from: boolean
  status?: 'cached' | 'done' | 'error' | 'canceled'
  seconds: number
}

const STEP = /^\d+\/\d+$/

/** Target, platform and whether it is a step, from the bracket of a vertex name; undefined for other vertices. */
export function parseVertexName(
  name: string,
  options: ParseOptions = {}
): { target: string; platform: string; from: boolean } | undefined {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(name)
  if (!m) return undefined
  const tokens = m[1].trim().split(/\s+/)
  if (!STEP.test(tokens[tokens.length - 1] ?? '')) return undefined
  tokens.pop()
  const p = tokens.findIndex(t => vertexPlatform(t) !== undefined)
  let target: string | undefined
  let platform: string | undefined
  if (p >= 0) {
    platform = normalizePlatform(vertexPlatform(tokens[p]) as string)
    target = p > 0 ? tokens[0] : undefined
  } else if (
    tokens.length > 0 &&
    (options.targets ? options.targets.includes(tokens[0]) : tokens.length > 1)
  ) {
    target = tokens[0]
  }
  return {
    target: target ?? options.defaultTarget ?? 'default',
    platform: platform ?? (options.defaultPlatform ? normalizePlatform(options.defaultPlatform) : 'unknown'),
    from: /^FROM\s/i.test(m[2])
  }
}

/** Metrics per target × platform from a `--progress=plain` stream, in order of first appearance. */
export function parseProgress(text: string, options: ParseOptions = {}): PlatformMetrics[] {
  const current = new Map<string, Vertex | undefined>() // "#N" -> the vertex its latest name refers to
  const vertices = new Map<string, Vertex>() // "#N target platform" -> vertex
  for (const line of text.split(/\r?\n/)) {
    const m = /^#(\d+) (.*)$/.exec(line)
    if (!m) continue
    const [, id, rest] = m
    if (rest.startsWith('[')) {
      const parsed = parseVertexName(rest, options)
      if (!parsed) {
        current.set(id, undefined)
        continue
      }
      const key = `${id} ${parsed.target} ${parsed.platform}`
      let v = vertices.get(key)
      if (!v) {
        v = { key, ...parsed, seconds: 0 }
        vertices.set(key, v)
      }
      current.set(id, v)
      continue
    }
    const v = current.get(id)
    if (!v) continue
    if (rest === 'CACHED') v.status = 'cached'
    else if (rest.startsWith('ERROR')) v.status = 'error'
    else if (rest === 'CANCELED') v.status = v.status ?? 'canceled'
    else {
      const done = /^DONE (\d+(?:\.\d+)?)s$/.exec(rest)
      if (done) {
        v.status = 'done'
        v.seconds = Number(done[1])
      }
    }
  }
  const out = new Map<string, PlatformMetrics>()
  for (const v of vertices.values()) {
    const k = `${v.target} ${v.platform}`
    let pm = out.get(k)
    if (!pm) {
      pm = { target: v.target, platform: v.platform, steps: 0, cached: 0, stepSeconds: 0, failed: false }
      out.set(k, pm)
    }
    pm.stepSeconds = Math.round((pm.stepSeconds + v.seconds) * 10) / 10
    if (v.status === 'error') pm.failed = true
    if (v.from) continue
    pm.steps++
    if (v.status === 'cached') pm.cached++
  }
  // BuildKit merges identical vertices of concurrent builds on the same engine (typically the FROM of a shared
  // base image) and names them after whichever build asked first: an entry with no step of its own, or of a
  // target this run did not build, is such a borrowed name.
  const own = [...out.values()].filter(
    pm => (pm.steps > 0 || pm.failed) && (!options.targets || options.targets.includes(pm.target))
  )
  for (const pm of own) pm.cacheHitRate = pm.steps ? pm.cached / pm.steps : undefined
  return own
}

/** Compressed size (config + layers) and layer count of an image manifest. */
export function imageSize(manifest: ManifestJson): { sizeBytes: number; layers: number } {
  const layers = manifest.layers ?? []
  const sizeBytes = layers.reduce((sum, l) => sum + (l.size ?? 0), manifest.config?.size ?? 0)
  return { sizeBytes, layers: layers.length }
}

/** `1.2 MB`, `121 B` (decimal units, as registries and Docker Hub show sizes). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–'
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let u = 0
  while (value >= 1000 && u < units.length - 1) {
    value /= 1000
    u++
  }
  return u === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[u]}`
}

/** `75%` or `–`. */
export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '–' : `${Math.round(rate * 100)}%`
}

/** A Markdown table for the job summary: one row per target × platform. */
export function metricsTable(metrics: PlatformMetrics[]): string {
  const sorted = [...metrics].sort(
    (a, b) => a.target.localeCompare(b.target) || a.platform.localeCompare(b.platform)
  )
  const rows = sorted.map(
    m =>
      `| ${m.target} | ${m.platform} | ${m.failed ? 'failed' : 'built'} | ${m.stepSeconds.toFixed(1)} s | ${formatRate(m.cacheHitRate)} (${m.cached}/${m.steps}) | ${formatBytes(m.sizeBytes)} | ${m.layers ?? '–'} |`
  )
  return [
    '| target | platform | result | step time | cache hits | compressed size | layers |',
    '|---|---|---|---|---|---|---|',
    ...rows
  ].join('\n')
}

/** What size collection needs from a registry (RegistryClient implements it). */
export interface ManifestReader {
  getManifest(ref: string): Promise<{ json: ManifestJson } | undefined>
}

/**
 * Compressed size and layer count per platform of a pushed index (attestation manifests skipped), keyed by
 * normalized platform. A single-platform manifest is returned under `single`.
 */
export async function platformSizes(
  reader: ManifestReader,
  image: string,
  digest: string
): Promise<Map<string, { sizeBytes: number; layers: number }>> {
  const out = new Map<string, { sizeBytes: number; layers: number }>()
  const index = await reader.getManifest(`${image}@${digest}`)
  if (!index) return out
  if (!index.json.manifests) {
    out.set('single', imageSize(index.json))
    return out
  }
  const platforms = index.json.manifests.filter(
    d => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' && d.platform
  )
  const manifests = await Promise.all(platforms.map(d => reader.getManifest(`${image}@${d.digest}`)))
  platforms.forEach((d, i) => {
    const manifest = manifests[i]
    if (manifest) out.set(platformOf(d), imageSize(manifest.json))
  })
  return out
}

/** Adds per-platform sizes of one target's image to its progress metrics. */
export function addSizes(
  metrics: PlatformMetrics[],
  target: string,
  sizes: Map<string, { sizeBytes: number; layers: number }>
): PlatformMetrics[] {
  return metrics.map(m => {
    const s = m.target === target ? sizes.get(normalizePlatform(m.platform)) : undefined
    return s ? { ...m, ...s } : m
  })
}

/** One target's metrics keyed by platform, for the `images` output. */
export function metricsByPlatform(
  metrics: PlatformMetrics[],
  target: string
): Record<string, Omit<PlatformMetrics, 'target' | 'platform'>> {
  const out: Record<string, Omit<PlatformMetrics, 'target' | 'platform'>> = {}
  for (const { target: t, platform, ...rest } of metrics) if (t === target) out[platform] = rest
  return out
}

/**
 * The build metrics of a finished run: per target × platform from bake's progress stream, with sizes read from
 * the registry for what was published (`reader` absent: no sizes); into each target's `images` output entry and
 * the summary's metrics table.
 */
export async function collectMetrics(
  report: RunReport,
  build: BakeRunResult,
  reader: ManifestReader | undefined
): Promise<void> {
  const images = imageTargets(report.targets)
  const platforms = [...new Set(images.flatMap(t => t.platforms))]
  let metrics = parseProgress(build.progress, {
    targets: images.map(t => t.target),
    defaultTarget: images.length === 1 ? images[0].target : undefined,
    defaultPlatform: platforms.length === 1 ? platforms[0] : undefined
  })
  const sized = await Promise.all(
    images.map(async t =>
      reader && t.digest && t.pushed ? { t, sizes: await platformSizes(reader, t.image, t.digest) } : { t }
    )
  )
  for (const { t, sizes } of sized) {
    if (sizes) metrics = addSizes(metrics, t.target, sizes)
  }
  for (const t of images) t.extra = { ...(t.extra ?? {}), metrics: metricsByPlatform(metrics, t.target) }
  if (metrics.length) report.sections.push(`### Build metrics\n\n${metricsTable(metrics)}`)
}
