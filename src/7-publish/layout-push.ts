// Push by digest for the docker driver. buildx 0.13 refuses `push-by-digest=true` with the engine's own builder,
// so bake exports each target as an OCI layout directory (`type=oci,tar=false,dest=…`: the index, every platform
// manifest and every attestation manifest with their blobs) and this module uploads it to the image's repository
// by digest, with no tag: blobs first (skipped when the registry has them), then each manifest, the index last, so
// the registry never holds a manifest whose parts are missing. The index digest is checked against bake's.
import * as core from '@actions/core'
import { readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { TargetPlan } from '../3-plan/targets.js'
import type { RegistryClient } from '../6-registry/client.js'
import { type Descriptor, type ManifestJson } from '../6-registry/manifest.js'
import { imageTargets, pushedByDigest, type TargetResult } from './results.js'

/** Where bake exports the OCI layouts (docker driver) of a run: one directory per target under it. */
export const layoutRoot = (runDir: string): string => path.join(runDir, 'oci')

/** One upload of a layout, in the order it must happen. */
export type LayoutStep =
  | { kind: 'blob'; digest: string; size: number; path: string }
  | { kind: 'manifest'; digest: string; mediaType: string; path: string }

export interface LayoutPushResult {
  /** Digest of the layout's top-level manifest (the image index). */
  digest: string
  mediaType: string
  blobsUploaded: number
  blobsExisting: number
  bytesUploaded: number
  manifests: number
}

/** `<dir>/blobs/sha256/<hex>` of a digest. */
export function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':')
  if (!algorithm || !hex || !/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) {
    throw new Error(`Invalid digest '${digest}' in the OCI layout ${dir}`)
  }
  return path.join(dir, 'blobs', algorithm, hex)
}

/** The one top-level descriptor of a layout's index.json (bake writes exactly one). */
export async function topDescriptor(dir: string): Promise<Descriptor> {
  let index: ManifestJson
  try {
    index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as ManifestJson
  } catch (e) {
    throw new Error(
      `No OCI layout in ${dir} (${(e as Error).message}); the build did not export this target.`,
      { cause: e }
    )
  }
  const roots = index.manifests ?? []
  if (roots.length !== 1) {
    throw new Error(`The OCI layout in ${dir} has ${roots.length} top-level manifests; expected exactly one.`)
  }
  return roots[0]
}

const isIndex = (mediaType: string) => /index|manifest\.list/.test(mediaType)

/** Every upload a layout needs, children before parents: each manifest's blobs, the manifest, the index last. */
export async function layoutSteps(dir: string): Promise<{ root: Descriptor; steps: LayoutStep[] }> {
  const root = await topDescriptor(dir)
  const steps: LayoutStep[] = []
  const seen = new Set<string>()
  const visit = async (d: Descriptor): Promise<void> => {
    if (seen.has(d.digest)) return
    seen.add(d.digest)
    const file = blobPath(dir, d.digest)
    const json = JSON.parse(await readFile(file, 'utf8')) as ManifestJson
    const mediaType = json.mediaType ?? d.mediaType
    if (isIndex(mediaType)) {
      for (const child of json.manifests ?? []) await visit(child)
    } else {
      for (const b of [...(json.config ? [json.config] : []), ...(json.layers ?? [])]) {
        if (seen.has(b.digest)) continue
        seen.add(b.digest)
        steps.push({ kind: 'blob', digest: b.digest, size: b.size, path: blobPath(dir, b.digest) })
      }
    }
    steps.push({ kind: 'manifest', digest: d.digest, mediaType, path: file })
  }
  await visit(root)
  return { root, steps }
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item)
  })
  await Promise.all(workers)
}

/**
 * Uploads the layout in `dir` to `image` (`registry/name`) by digest. `expectedDigest` (bake's
 * `containerimage.digest`) must equal the layout's index digest when given.
 */
export async function pushLayout(
  client: RegistryClient,
  image: string,
  dir: string,
  expectedDigest?: string
): Promise<LayoutPushResult> {
  const { root, steps } = await layoutSteps(dir)
  if (expectedDigest && expectedDigest !== root.digest) {
    throw new Error(
      `The OCI layout of ${image} holds ${root.digest}, but the build reported ${expectedDigest}; nothing pushed.`
    )
  }
  const result: LayoutPushResult = {
    digest: root.digest,
    mediaType: root.mediaType,
    blobsUploaded: 0,
    blobsExisting: 0,
    bytesUploaded: 0,
    manifests: 0
  }
  // Blobs of all manifests in parallel (bounded), then the image manifests in parallel (they only need their
  // blobs), then the indexes in order (children first, the top-level index last).
  const blobs = steps.filter(s => s.kind === 'blob')
  for (const b of blobs) {
    const size = (await stat(b.path).catch(() => undefined))?.size
    if (size !== b.size) {
      throw new Error(`Blob ${b.digest} of ${image} is missing or truncated in the OCI layout ${dir}.`)
    }
  }
  await pool(blobs, 8, async b => {
    if ((await client.pushBlob(image, b)) === 'exists') result.blobsExisting++
    else {
      result.blobsUploaded++
      result.bytesUploaded += b.size
    }
  })
  const manifests = steps.filter(s => s.kind === 'manifest')
  const put = async (m: LayoutStep & { kind: 'manifest' }) => {
    await client.pushManifest(image, m.digest, { mediaType: m.mediaType, raw: await readFile(m.path) })
    result.manifests++
  }
  await pool(
    manifests.filter(m => !isIndex(m.mediaType)),
    8,
    put
  )
  for (const m of manifests.filter(m => isIndex(m.mediaType))) await put(m)
  return result
}

/** Removes layout directories (post step, or right after pushing); never throws. */
export async function removeLayouts(dirs: string[]): Promise<string[]> {
  const failed: string[] = []
  for (const dir of dirs) await rm(dir, { recursive: true, force: true }).catch(() => failed.push(dir))
  return failed
}

/**
 * Docker driver, after the whole build succeeded: uploads every target's OCI layout by digest (targets
 * concurrently), checks each index digest is bake's, and removes the layouts. A target whose upload did not
 * happen stays `built`; the first failure is reported once every upload has settled.
 */
export async function pushLayouts(
  client: RegistryClient,
  targets: TargetResult[],
  plans: TargetPlan[]
): Promise<void> {
  const jobs = imageTargets(targets).flatMap(t => {
    const dir = plans.find(p => p.target === t.target)?.layoutDir
    return dir ? [{ t, dir }] : []
  })
  try {
    const results = await Promise.allSettled(
      jobs.map(async ({ t, dir }) => {
        const started = Date.now()
        const r = await pushLayout(client, t.image, dir, t.digest).catch((e: Error) => {
          throw new Error(`Push of ${t.target} (${t.image}) failed; no tag was moved: ${e.message}`, {
            cause: e
          })
        })
        pushedByDigest(t, r.digest, 'pushed by digest, not tagged yet')
        core.info(
          `${t.target}: pushed ${t.image}@${r.digest} (${r.manifests} manifests; ${r.blobsUploaded} blobs ` +
            `uploaded, ${r.bytesUploaded} bytes; ${r.blobsExisting} already there) in ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s`
        )
      })
    )
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  } finally {
    const failed = await removeLayouts(jobs.map(j => j.dir))
    if (failed.length) core.warning(`Could not remove the OCI layouts ${failed.join(', ')}`)
  }
}
