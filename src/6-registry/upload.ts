// Uploads to a registry (https://distribution.github.io/distribution/spec/api/#pushing-an-image): blobs, skipped
// when the repository has them, in one PUT or in PATCH chunks streamed from their files; then manifests, whose
// stored digest must be the digest of the bytes sent. RegistryClient.pushBlob / pushManifest run these on the
// client's transport (its auth, retry policy and error messages).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { imageName, type ImageRef } from './reference.js'
import { HttpError } from '../lib/retry.js'
import type { RequestOptions } from './transport.js'

export type { RequestOptions }

/** What an upload needs of the client. */
export interface RegistryTransport {
  /** `<scheme>://<host>/v2/<repository>` of an image. */
  repositoryUrl(ref: ImageRef): string
  /** One request with auth; statuses other than 2xx/404 throw. */
  request(method: string, url: string, ref: ImageRef, options: RequestOptions): Promise<Response>
  /** Runs one whole operation under the client's retry policy. */
  attempt<T>(what: string, ref: ImageRef, fn: () => Promise<T>): Promise<T>
}

/** A blob to upload: its digest, size and the file holding its bytes, or the bytes (a small blob made here). */
export type BlobSource = { digest: string; size: number } & ({ path: string } | { bytes: Buffer })

/** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. */
export const MONOLITHIC_MAX = 32 * 1024 * 1024

export const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** A blob held in memory (a config, a signature bundle), ready to upload. */
export const memoryBlob = (bytes: Buffer): BlobSource => ({
  digest: sha256(bytes),
  size: bytes.length,
  bytes
})

/** The upload URL a registry answered with (Location, possibly relative). */
function uploadLocation(res: Response, base: string): string {
  const location = res.headers.get('location')
  if (!location) throw new Error(`${base}: the registry answered a blob upload without a Location`)
  return new URL(location, base).toString()
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location)
  url.searchParams.set('digest', digest)
  return url.toString()
}

function checkBlob(res: Response, digest: string): 'uploaded' {
  const stored = res.headers.get('docker-content-digest')
  if (stored && stored !== digest) throw new Error(`blob upload stored ${stored}, expected ${digest}`)
  return 'uploaded'
}

/**
 * Uploads one blob unless the repository already has it (HEAD first). Small blobs go up in one PUT, larger
 * ones in PATCH chunks of `chunkSize`; the bytes stream from the file (or come from memory). The whole upload is
 * retried.
 */
export async function uploadBlob(
  t: RegistryTransport,
  ref: ImageRef,
  blob: BlobSource,
  { chunkSize = MONOLITHIC_MAX }: { chunkSize?: number } = {}
): Promise<'exists' | 'uploaded'> {
  const base = t.repositoryUrl(ref)
  const push = { accept: '*/*', push: true }
  return t.attempt(`push blob ${blob.digest.slice(0, 19)} to ${imageName(ref)}`, ref, async () => {
    const head = await t.request('HEAD', `${base}/blobs/${blob.digest}`, ref, push)
    if (head.ok) return 'exists'
    const start = await t.request('POST', `${base}/blobs/uploads/`, ref, push)
    await start.body?.cancel()
    let location = uploadLocation(start, base)
    const stream = (from: number, to: number) => () =>
      'bytes' in blob
        ? new Uint8Array(blob.bytes.subarray(from, to + 1))
        : (Readable.toWeb(createReadStream(blob.path, { start: from, end: to })) as ReadableStream)
    const octets = { 'content-type': 'application/octet-stream' }
    if (blob.size <= chunkSize) {
      const put = await t.request('PUT', withDigest(location, blob.digest), ref, {
        ...push,
        headers: { ...octets, 'content-length': String(blob.size) },
        body: blob.size ? stream(0, blob.size - 1) : () => new Uint8Array()
      })
      await put.body?.cancel()
      return checkBlob(put, blob.digest)
    }
    for (let from = 0; from < blob.size; from += chunkSize) {
      const to = Math.min(from + chunkSize, blob.size) - 1
      const patch = await t.request('PATCH', location, ref, {
        ...push,
        headers: { ...octets, 'content-length': String(to - from + 1), 'content-range': `${from}-${to}` },
        body: stream(from, to)
      })
      await patch.body?.cancel()
      location = uploadLocation(patch, base)
    }
    const put = await t.request('PUT', withDigest(location, blob.digest), ref, {
      ...push,
      headers: { 'content-length': '0' }
    })
    await put.body?.cancel()
    return checkBlob(put, blob.digest)
  })
}

/**
 * PUTs a manifest or index under `reference` (its digest, or a tag) and returns the digest the registry
 * stored; throws when that is not the digest of `raw` (the registry rewrote it).
 */
export async function uploadManifest(
  t: RegistryTransport,
  ref: ImageRef,
  reference: string,
  manifest: { mediaType: string; raw: Buffer }
): Promise<string> {
  const expected = sha256(manifest.raw)
  const url = `${t.repositoryUrl(ref)}/manifests/${reference}`
  const what = `push manifest ${imageName(ref)}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`
  const stored = await t.attempt(what, ref, async () => {
    const res = await t.request('PUT', url, ref, {
      accept: '*/*',
      push: true,
      headers: { 'content-type': manifest.mediaType },
      body: () => new Uint8Array(manifest.raw)
    })
    await res.body?.cancel()
    if (res.status === 404)
      throw new HttpError(`PUT ${url}: 404 (a referenced blob or manifest is missing)`, 404)
    return res.headers.get('docker-content-digest') ?? expected
  })
  if (stored !== expected) {
    throw new Error(
      `${imageName(ref)}:${reference}: the registry stored ${stored}, not the pushed ${expected}`
    )
  }
  return stored
}
