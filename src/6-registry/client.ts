// A small Docker Registry HTTP API v2 client (https://distribution.github.io/distribution/spec/api/) on global
// fetch: list tags, read a manifest or index, resolve a tag to its digest; uploads (blobs, manifests) are in
// upload.ts. HTTP and the rules that keep credentials with their origin are in transport.ts, the answers to a
// registry's challenges (Basic, tokens) in auth.ts.
// Every operation runs under the retry policy (5xx/429/connection resets/timeouts, Retry-After honoured) and one
// time limit for the whole operation. What a registry answers is bounded (pages, bytes) and checked: a manifest's
// bytes must hash to the digest asked for or announced, since they may be pushed again under other tags.
// Credentials never appear in errors or logs: messages carry the method, the URL and the status.
import { createHash } from 'node:crypto'
import { uploadBlob, uploadManifest, type BlobSource, type RegistryTransport } from './upload.js'
import { withRetry, type RetryOptions } from '../lib/retry.js'
import { ALL_MANIFEST_TYPES, type Descriptor, type Manifest, type ManifestJson } from './manifest.js'
import { deleteManifest, probeDelete, tryDeleteManifest, type DeleteResult } from './delete.js'
import { referrersFromApi } from './referrers-api.js'
import { imageName, parseImageRef, type ImageRef } from './reference.js'
import type { CredentialSource, Credentials } from './auth.js'
import { NetworkError, operation, Transport } from './transport.js'
import { LIMITS, readLimited } from './http-body.js'

export { NetworkError } from './transport.js'

export interface RegistryClientOptions {
  /**
   * Credentials per registry host as users write it (`ghcr.io`, `localhost:5001`), or a source asked lazily, once
   * per host, when that registry asks for credentials (e.g. the docker config's logins and credential helpers).
   */
  credentials?: Record<string, Credentials | undefined> | CredentialSource
  /** Retry policy of every operation. */
  retry?: RetryOptions
  /** Hosts reached over plain HTTP. Default: loopback only (localhost, 127.0.0.0/8, [::1]), as Docker does. */
  plainHttp?: (registry: string) => boolean
  /** Page size asked of the tags list (registries may cap it). */
  pageSize?: number
  /** Most pages of one tag list (default 1000); more is an error, not a silent cut. */
  maxTagPages?: number
  /** Time limit of one request, body included (default 120 s). */
  requestTimeoutMs?: number
  /** Time limit of one operation, every page, retry and back-off included (default 10 min). */
  operationTimeoutMs?: number
}

/** The next page from a `Link: </v2/…?last=x&n=100>; rel="next"` header, resolved against `base`. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part)
    if (m) return new URL(m[1], base).toString()
  }
  return undefined
}

/** An image reference from text or as parsed. */
const toRef = (image: string | ImageRef): ImageRef =>
  typeof image === 'string' ? parseImageRef(image) : image

/** The tag or digest a reference names (`latest` when neither). */
const referenceOf = (ref: ImageRef): string => ref.digest ?? ref.tag ?? 'latest'

/** `sha256:…` (or `sha512:…`) of bytes, in the algorithm of `like`. */
function digestOf(bytes: Buffer, like = 'sha256:'): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256'
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

export class RegistryClient {
  private readonly http: Transport
  /** What the uploads of upload.ts use of this client. */
  private readonly transport: RegistryTransport

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.http = new Transport(options)
    this.transport = {
      repositoryUrl: ref => this.http.repositoryUrl(ref),
      request: (method, url, ref, o) => this.http.request(method, url, ref, o),
      attempt: (what, ref, fn) => this.attempt(what, ref, fn)
    }
  }

  /** Tags of an image, across all pages; undefined when the repository does not exist. */
  async listTags(image: string | ImageRef): Promise<string[] | undefined> {
    const ref = toRef(image)
    const name = imageName(ref)
    const maxPages = this.options.maxTagPages ?? 1000
    return this.attempt(`list tags of ${name}`, ref, async () => {
      const tags: string[] = []
      const n = this.options.pageSize ? `?n=${this.options.pageSize}` : ''
      const read = new Set<string>()
      let url: string | undefined = `${this.http.repositoryUrl(ref)}/tags/list${n}`
      for (let page = 1; url; page++) {
        if (page > maxPages) {
          throw new Error(`The tags of ${name} span more than ${maxPages} pages; refusing to read further`)
        }
        read.add(url)
        const res = await this.http.request('GET', url, ref, { accept: 'application/json' })
        if (res.status === 404) {
          await res.body?.cancel()
          // Only the first page's 404 means "no such repository"; later, the listing broke half-way.
          if (page === 1) return undefined
          throw new Error(`GET page ${page} of the tags of ${name}: 404 (the listing broke off half-way)`)
        }
        const bytes = await readLimited(res, LIMITS.tagPage, `GET page ${page} of the tags of ${name}`)
        const body = JSON.parse(bytes.toString('utf8')) as { tags?: string[] | null }
        tags.push(...(body.tags ?? []))
        url = nextLink(res.headers.get('link'), url)
        if (url && read.has(url)) {
          throw new Error(
            `The tag list of ${name} loops back to a page already read (${new URL(url).search})`
          )
        }
      }
      return tags
    })
  }

  /**
   * A manifest or index by tag or digest; undefined when there is no such tag/repository. Its bytes must hash to
   * the digest asked for and to the Docker-Content-Digest announced: the digest returned is the hash of the bytes.
   */
  async getManifest(
    image: string | ImageRef,
    accept: string[] = ALL_MANIFEST_TYPES
  ): Promise<Manifest | undefined> {
    const ref = toRef(image)
    const what = `get manifest ${imageName(ref)}${ref.digest ? '@' : ':'}${referenceOf(ref)}`
    return this.attempt(what, ref, async () => {
      const res = await this.manifestRequest('GET', ref, accept)
      if (res.status === 404) {
        await res.body?.cancel()
        return undefined
      }
      const bytes = await readLimited(res, LIMITS.manifest, what)
      const announced = res.headers.get('docker-content-digest') ?? undefined
      const digest = digestOf(bytes, ref.digest ?? announced)
      if (ref.digest && digest !== ref.digest) {
        throw new Error(
          `${what}: the registry served bytes whose digest is ${digest}, not the ${ref.digest} asked for`
        )
      }
      if (announced && digestOf(bytes, announced) !== announced) {
        throw new Error(
          `${what}: the registry announced Docker-Content-Digest ${announced}, but the bytes hash to ${digestOf(bytes, announced)}`
        )
      }
      const raw = bytes.toString('utf8')
      let json: ManifestJson
      try {
        json = JSON.parse(raw) as ManifestJson
      } catch {
        throw new Error(`${what}: the registry served something that is not JSON`)
      }
      const mediaType = json.mediaType ?? res.headers.get('content-type')?.split(';')[0] ?? ''
      return { digest, mediaType, raw, json }
    })
  }

  /** The digest a tag resolves to (HEAD, falling back to GET); undefined when there is no such tag. */
  async headDigest(
    image: string | ImageRef,
    accept: string[] = ALL_MANIFEST_TYPES
  ): Promise<string | undefined> {
    const ref = toRef(image)
    const digest = await this.attempt(`resolve ${imageName(ref)}:${referenceOf(ref)}`, ref, async () => {
      const res = await this.manifestRequest('HEAD', ref, accept)
      if (res.status === 404) return undefined
      return res.headers.get('docker-content-digest') ?? ''
    })
    if (digest === '') return (await this.getManifest(ref, accept))?.digest
    return digest
  }

  /** Digests of several tags of one image (tag → digest, undefined when absent), one request at a time. */
  async resolveTags(image: string, tags: string[]): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>()
    for (const tag of tags) out.set(tag, await this.headDigest({ ...parseImageRef(image), tag }))
    return out
  }

  /** A blob's bytes (a signature bundle, a config); undefined when the repository does not have it. */
  async getBlob(image: string | ImageRef, digest: string): Promise<Buffer | undefined> {
    const ref = toRef(image)
    const what = `get blob ${digest.slice(0, 19)} of ${imageName(ref)}`
    return this.attempt(what, ref, async () => {
      const res = await this.http.request('GET', `${this.http.repositoryUrl(ref)}/blobs/${digest}`, ref, {
        accept: '*/*'
      })
      if (res.status === 404) {
        await res.body?.cancel()
        return undefined
      }
      const bytes = await readLimited(res, LIMITS.manifest, what)
      if (digestOf(bytes, digest) !== digest) throw new Error(`${what}: the bytes hash to another digest`)
      return bytes
    })
  }

  /** Uploads one blob unless the repository already has it (see upload.ts). */
  async pushBlob(
    image: string | ImageRef,
    blob: BlobSource,
    options: { chunkSize?: number } = {}
  ): Promise<'exists' | 'uploaded'> {
    return uploadBlob(this.transport, toRef(image), blob, options)
  }

  /** PUTs a manifest or index under `reference` (digest or tag); returns the digest the registry stored. */
  async pushManifest(
    image: string | ImageRef,
    reference: string,
    manifest: { mediaType: string; raw: Buffer }
  ): Promise<string> {
    return uploadManifest(this.transport, toRef(image), reference, manifest)
  }

  /**
   * Deletes a manifest by digest (see delete.ts): `absent` when the registry has no such manifest; a registry
   * that refuses deletes throws DeleteRefusedError, which says how to enable them.
   */
  async deleteManifest(image: string | ImageRef, digest: string): Promise<'deleted' | 'absent'> {
    return deleteManifest(this.transport, toRef(image), digest)
  }

  /** DELETE of a manifest by digest or of a tag where the registry allows it; `unsupported` where it does not. */
  async tryDeleteManifest(image: string | ImageRef, reference: string): Promise<DeleteResult> {
    return tryDeleteManifest(this.transport, toRef(image), reference)
  }

  /** Throws DeleteRefusedError, touching nothing, when the registry does not allow deletes (see delete.ts). */
  async probeDelete(image: string | ImageRef): Promise<void> {
    return probeDelete(this.transport, toRef(image))
  }

  /** A manifest's referrers from the OCI referrers API; undefined when the registry has no such API (see referrers-api.ts). */
  async referrers(image: string | ImageRef, digest: string): Promise<Descriptor[] | undefined> {
    return referrersFromApi(this.transport, toRef(image), digest)
  }

  /** GET or HEAD of the manifest a reference names (its digest, else its tag, else `latest`). */
  private manifestRequest(method: 'GET' | 'HEAD', ref: ImageRef, accept: string[]): Promise<Response> {
    const url = `${this.http.repositoryUrl(ref)}/manifests/${referenceOf(ref)}`
    return this.http.request(method, url, ref, { accept: accept.join(', ') })
  }

  /**
   * Runs one operation under the retry policy and its time limit; an unreachable registry says which one, and
   * what was tried.
   */
  private async attempt<T>(what: string, ref: ImageRef, fn: () => Promise<T>): Promise<T> {
    try {
      return await operation(what, this.options.operationTimeoutMs ?? 600_000, () =>
        withRetry(what, fn, this.options.retry)
      )
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
      throw new Error(`Cannot ${what}: the registry ${ref.registry} is unreachable (${e.message})`, {
        cause: e
      })
    }
  }
}
