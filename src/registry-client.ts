// A small Docker Registry HTTP API v2 client (https://distribution.github.io/distribution/spec/api/) on global
// fetch: list tags, read a manifest or index, resolve a tag to its digest. Auth: anonymous, Basic, and the
// Bearer token flow (https://distribution.github.io/distribution/spec/auth/token/) with username/password.
// Every operation goes through withRetry (5xx/429/connection resets, Retry-After honoured). Credentials never
// appear in errors or logs: messages carry the method, the URL (which never holds credentials) and the status.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import * as core from '@actions/core'
import { HttpError, parseRetryAfter, withRetry, type RetryOptions } from './retry.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

export const ALL_MANIFEST_TYPES = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest
]

export interface ImageRef {
  /** Registry as written by users (`docker.io`, `ghcr.io`, `localhost:5000`). */
  registry: string
  /** Repository path (`library/alpine`, `o/i`). */
  repository: string
  tag?: string
  digest?: string
}

/** Parses `localhost:5000/ns/img:tag`, `ghcr.io/o/i@sha256:…`, `alpine` (→ docker.io/library/alpine). */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
      throw new Error(`Invalid image reference '${ref}': bad digest`)
    }
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const parts = rest.split('/')
  let registry = 'docker.io'
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    registry = parts.shift() as string
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io'
  let repository = parts.join('/')
  if (registry === 'docker.io' && parts.length === 1) repository = `library/${repository}`
  if (
    !repository ||
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)
  ) {
    throw new Error(`Invalid image reference '${ref}'. Expected [registry/]name[:tag][@digest], lower case.`)
  }
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))
    throw new Error(`Invalid tag in image reference '${ref}'`)
  return { registry, repository, tag, digest }
}

/** `registry/repository` as users write it (`docker.io/library/alpine`). */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`
}

export interface Credentials {
  username: string
  password: string
}

export interface RegistryClientOptions {
  /** Credentials per registry host as users write it (`ghcr.io`, `localhost:5001`). */
  credentials?: Record<string, Credentials | undefined>
  /** Retry policy of every operation. */
  retry?: RetryOptions
  /** Hosts reached over plain HTTP. Default: localhost, 127.0.0.1 and [::1] (as Docker does). */
  plainHttp?: (registry: string) => boolean
  /** Page size asked of the tags list (registries may cap it). */
  pageSize?: number
}

export interface Manifest {
  digest: string
  mediaType: string
  /** Raw bytes as served (the digest is over these). */
  raw: string
  json: ManifestJson
}

/** The fields of OCI/Docker manifests and indexes this action reads. */
export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}
export interface ManifestJson {
  schemaVersion?: number
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
  annotations?: Record<string, string>
}

interface RequestOptions {
  accept: string
  /** Ask for push access (`repository:NAME:pull,push`). */
  push?: boolean
  headers?: Record<string, string>
  /** Makes the request body (called once per send). */
  body?: () => NonNullable<RequestInit['body']>
}

/** A blob to upload: its digest, size and the file holding its bytes. */
export interface BlobSource {
  digest: string
  size: number
  path: string
}

/** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. */
export const MONOLITHIC_MAX = 32 * 1024 * 1024

interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** Parses a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header)
  if (!m) return undefined
  const params: Record<string, string> = {}
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g
  let p: RegExpExecArray | null
  while ((p = re.exec(m[2])) !== null) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]
  }
  return { scheme: m[1].toLowerCase(), params }
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

/** An error reaching a registry at all (reset, refused, DNS), with the cause's code for the retry policy. */
export class NetworkError extends Error {
  readonly code?: string
  constructor(method: string, url: string, cause: unknown) {
    const c = cause as { message?: string; code?: string; cause?: { code?: string; message?: string } }
    const code = c?.cause?.code ?? c?.code
    super(`${method} ${url}: ${c?.cause?.message ?? c?.message ?? String(cause)}${code ? ` (${code})` : ''}`)
    this.name = 'NetworkError'
    this.code = code
  }
}

/** fetch, with network failures turned into NetworkError (a plain Error carrying `code`). */
async function send(method: string, url: string | URL, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, method })
  } catch (e) {
    throw new NetworkError(method, typeof url === 'string' ? url : `${url.origin}${url.pathname}`, e)
  }
}

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

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

export class RegistryClient {
  private readonly tokens = new Map<string, { header: string; expires: number }>()

  constructor(private readonly options: RegistryClientOptions = {}) {
    for (const c of Object.values(options.credentials ?? {})) if (c?.password) core.setSecret(c.password)
  }

  private base(registry: string): string {
    const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry
    const plain = this.options.plainHttp ?? (r => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(r))
    return `${plain(registry) ? 'http' : 'https'}://${host}`
  }

  /** Tags of an image, across all pages; undefined when the repository does not exist. */
  async listTags(image: string | ImageRef): Promise<string[] | undefined> {
    const ref = typeof image === 'string' ? parseImageRef(image) : image
    return withRetry(
      `list tags of ${imageName(ref)}`,
      async () => {
        const tags: string[] = []
        const n = this.options.pageSize ? `?n=${this.options.pageSize}` : ''
        let url: string | undefined = `${this.base(ref.registry)}/v2/${ref.repository}/tags/list${n}`
        while (url) {
          const res = await this.request('GET', url, ref, { accept: 'application/json' })
          if (res.status === 404) return undefined
          const body = (await res.json()) as { tags?: string[] | null }
          tags.push(...(body.tags ?? []))
          url = nextLink(res.headers.get('link'), url)
        }
        return tags
      },
      this.options.retry
    )
  }

  /** A manifest or index by tag or digest; undefined when there is no such tag/repository. */
  async getManifest(
    image: string | ImageRef,
    accept: string[] = ALL_MANIFEST_TYPES
  ): Promise<Manifest | undefined> {
    const ref = typeof image === 'string' ? parseImageRef(image) : image
    const reference = ref.digest ?? ref.tag ?? 'latest'
    return withRetry(
      `get manifest ${imageName(ref)}:${reference}`,
      async () => {
        const url = `${this.base(ref.registry)}/v2/${ref.repository}/manifests/${reference}`
        const res = await this.request('GET', url, ref, { accept: accept.join(', ') })
        if (res.status === 404) return undefined
        const bytes = Buffer.from(await res.arrayBuffer())
        const raw = bytes.toString('utf8')
        const json = JSON.parse(raw) as ManifestJson
        const digest = res.headers.get('docker-content-digest') ?? sha256(bytes)
        const mediaType = json.mediaType ?? res.headers.get('content-type')?.split(';')[0] ?? ''
        return { digest, mediaType, raw, json }
      },
      this.options.retry
    )
  }

  /** The digest a tag resolves to (HEAD, falling back to GET); undefined when there is no such tag. */
  async headDigest(
    image: string | ImageRef,
    accept: string[] = ALL_MANIFEST_TYPES
  ): Promise<string | undefined> {
    const ref = typeof image === 'string' ? parseImageRef(image) : image
    const reference = ref.digest ?? ref.tag ?? 'latest'
    const digest = await withRetry(
      `resolve ${imageName(ref)}:${reference}`,
      async () => {
        const url = `${this.base(ref.registry)}/v2/${ref.repository}/manifests/${reference}`
        const res = await this.request('HEAD', url, ref, { accept: accept.join(', ') })
        if (res.status === 404) return undefined
        return res.headers.get('docker-content-digest') ?? ''
      },
      this.options.retry
    )
    if (digest === '') return (await this.getManifest(ref, accept))?.digest
    return digest
  }

  /** Digests of several tags of one image (tag → digest, undefined when absent), one request at a time. */
  async resolveTags(image: string, tags: string[]): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>()
    for (const tag of tags) out.set(tag, await this.headDigest({ ...parseImageRef(image), tag }))
    return out
  }

  /**
   * Uploads one blob unless the repository already has it (HEAD first). Small blobs go up in one PUT, larger
   * ones in PATCH chunks of `chunkSize`; the bytes stream from the file. The whole upload is retried.
   */
  async pushBlob(
    image: string | ImageRef,
    blob: BlobSource,
    { chunkSize = MONOLITHIC_MAX }: { chunkSize?: number } = {}
  ): Promise<'exists' | 'uploaded'> {
    const ref = typeof image === 'string' ? parseImageRef(image) : image
    const base = `${this.base(ref.registry)}/v2/${ref.repository}`
    return withRetry(
      `push blob ${blob.digest.slice(0, 19)} to ${imageName(ref)}`,
      async () => {
        const head = await this.request('HEAD', `${base}/blobs/${blob.digest}`, ref, {
          accept: '*/*',
          push: true
        })
        if (head.ok) return 'exists'
        const start = await this.request('POST', `${base}/blobs/uploads/`, ref, { accept: '*/*', push: true })
        await start.body?.cancel()
        let location = uploadLocation(start, base)
        const stream = (from: number, to: number) => () =>
          Readable.toWeb(createReadStream(blob.path, { start: from, end: to })) as ReadableStream
        const octets = { 'content-type': 'application/octet-stream' }
        if (blob.size <= chunkSize) {
          const put = await this.request('PUT', withDigest(location, blob.digest), ref, {
            accept: '*/*',
            push: true,
            headers: { ...octets, 'content-length': String(blob.size) },
            body: blob.size ? stream(0, blob.size - 1) : () => new Uint8Array()
          })
          await put.body?.cancel()
          return checkBlob(put, blob.digest)
        }
        for (let from = 0; from < blob.size; from += chunkSize) {
          const to = Math.min(from + chunkSize, blob.size) - 1
          const patch = await this.request('PATCH', location, ref, {
            accept: '*/*',
            push: true,
            headers: { ...octets, 'content-length': String(to - from + 1), 'content-range': `${from}-${to}` },
            body: stream(from, to)
          })
          await patch.body?.cancel()
          location = uploadLocation(patch, base)
        }
        const put = await this.request('PUT', withDigest(location, blob.digest), ref, {
          accept: '*/*',
          push: true,
          headers: { 'content-length': '0' }
        })
        await put.body?.cancel()
        return checkBlob(put, blob.digest)
      },
      this.options.retry
    )
  }

  /**
   * PUTs a manifest or index under `reference` (its digest, or a tag) and returns the digest the registry
   * stored; throws when that is not the digest of `raw` (the registry rewrote it).
   */
  async pushManifest(
    image: string | ImageRef,
    reference: string,
    manifest: { mediaType: string; raw: Buffer }
  ): Promise<string> {
    const ref = typeof image === 'string' ? parseImageRef(image) : image
    const expected = sha256(manifest.raw)
    const url = `${this.base(ref.registry)}/v2/${ref.repository}/manifests/${reference}`
    const stored = await withRetry(
      `push manifest ${imageName(ref)}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`,
      async () => {
        const res = await this.request('PUT', url, ref, {
          accept: '*/*',
          push: true,
          headers: { 'content-type': manifest.mediaType },
          body: () => new Uint8Array(manifest.raw)
        })
        await res.body?.cancel()
        if (res.status === 404)
          throw new HttpError(`PUT ${url}: 404 (a referenced blob or manifest is missing)`, 404)
        return res.headers.get('docker-content-digest') ?? expected
      },
      this.options.retry
    )
    if (stored !== expected) {
      throw new Error(
        `${imageName(ref)}:${reference}: the registry stored ${stored}, not the pushed ${expected}`
      )
    }
    return stored
  }

  /**
   * One HTTP request with auth: tries with a cached credential, answers a 401 challenge once (Basic or
   * Bearer), and turns any status other than 2xx/404 into an HttpError (with Retry-After for 429/503).
   */
  private async request(
    method: string,
    url: string,
    ref: ImageRef,
    { accept, push = false, headers: extra = {}, body }: RequestOptions
  ): Promise<Response> {
    const scope = `repository:${ref.repository}:${push ? 'pull,push' : 'pull'}`
    const cacheKey = `${ref.registry} ${scope}`
    const headers: Record<string, string> = { accept, ...extra }
    const cached = this.tokens.get(cacheKey)
    if (cached && cached.expires > Date.now()) headers.authorization = cached.header
    // A body is made anew for each send (a file stream cannot be replayed after a 401 challenge).
    const init = (h: Record<string, string>): RequestInit => {
      const b = body?.()
      return { headers: h, redirect: 'follow', body: b, ...(b ? { duplex: 'half' } : {}) } as RequestInit
    }
    let res = await send(method, url, init(headers))
    if (res.status === 401) {
      await res.body?.cancel()
      const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '')
      const auth = challenge ? await this.authorize(ref, challenge, scope) : undefined
      if (!auth) throw new HttpError(`${method} ${url}: 401 Unauthorized (${this.credentialNote(ref)})`, 401)
      this.tokens.set(cacheKey, auth)
      res = await send(method, url, init({ ...headers, authorization: auth.header }))
    }
    if (res.ok || res.status === 404) return res
    const detail = method === 'HEAD' ? '' : (await res.text().catch(() => '')).slice(0, 300).trim()
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'))
    const why = res.status === 401 || res.status === 403 ? ` (${this.credentialNote(ref)})` : ''
    throw new HttpError(
      `${method} ${url}: ${res.status} ${res.statusText}${why}${detail ? `: ${detail}` : ''}`,
      res.status,
      retryAfter
    )
  }

  private credentialNote(ref: ImageRef): string {
    return this.options.credentials?.[ref.registry]
      ? `as ${this.options.credentials[ref.registry]?.username}`
      : 'anonymous'
  }

  private async authorize(
    ref: ImageRef,
    challenge: Challenge,
    scope: string
  ): Promise<{ header: string; expires: number } | undefined> {
    const creds = this.options.credentials?.[ref.registry]
    const basic = creds
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      : undefined
    if (challenge.scheme === 'basic') return basic ? { header: basic, expires: Infinity } : undefined
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return undefined
    const tokenUrl = new URL(challenge.params.realm)
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service)
    tokenUrl.searchParams.set('scope', challenge.params.scope ?? scope)
    const res = await send('GET', tokenUrl, { headers: basic ? { authorization: basic } : {} })
    if (!res.ok) {
      await res.body?.cancel()
      throw new HttpError(
        `token request to ${tokenUrl.origin}${tokenUrl.pathname} for ${scope}: ${res.status} ${res.statusText} (${this.credentialNote(ref)})`,
        res.status,
        parseRetryAfter(res.headers.get('retry-after'))
      )
    }
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number }
    const token = body.token ?? body.access_token
    if (!token) throw new Error(`token response from ${tokenUrl.origin} has no token`)
    core.setSecret(token)
    // Tokens live at least 60 s per the spec; renew a little early.
    const expires = Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000
    return { header: `Bearer ${token}`, expires }
  }
}
