// A small Docker Registry HTTP API v2 client (https://distribution.github.io/distribution/spec/api/) on global
// fetch: list tags, read a manifest or index, resolve a tag to its digest; uploads (blobs, manifests) are in
// upload.ts on this client's transport. Auth: anonymous, Basic, and the
// Bearer token flow (https://distribution.github.io/distribution/spec/auth/token/) with username/password.
// Every operation goes through withRetry (5xx/429/connection resets, Retry-After honoured). Credentials never
// appear in errors or logs: messages carry the method, the URL (which never holds credentials) and the status.
import {
  removeManifest,
  sha256,
  uploadBlob,
  uploadManifest,
  type BlobSource,
  type DeleteResult,
  type RegistryTransport,
  type RequestOptions
} from './upload.js'
import { HttpError, parseRetryAfter, withRetry, type RetryOptions } from '../lib/retry.js'
import { maskSecret } from '../lib/secrets.js'
import { ALL_MANIFEST_TYPES, type Manifest, type ManifestJson } from './manifest.js'
import { imageName, parseImageRef, type ImageRef } from './reference.js'

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

/** An image reference from text or as parsed. */
const toRef = (image: string | ImageRef): ImageRef =>
  typeof image === 'string' ? parseImageRef(image) : image

/** The tag or digest a reference names (`latest` when neither). */
const referenceOf = (ref: ImageRef): string => ref.digest ?? ref.tag ?? 'latest'

export class RegistryClient {
  private readonly tokens = new Map<string, { header: string; expires: number }>()
  /** What the uploads of upload.ts use of this client. */
  private readonly transport: RegistryTransport = {
    repositoryUrl: ref => this.repositoryUrl(ref),
    request: (method, url, ref, options) => this.request(method, url, ref, options),
    attempt: (what, ref, fn) => this.attempt(what, ref, fn)
  }

  constructor(private readonly options: RegistryClientOptions = {}) {
    for (const c of Object.values(options.credentials ?? {})) if (c?.password) maskSecret(c.password)
  }

  /** `<scheme>://<host>/v2/<repository>`: plain HTTP for local registries, as Docker does. */
  private repositoryUrl(ref: ImageRef): string {
    const host = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry
    const plain = this.options.plainHttp ?? (r => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(r))
    return `${plain(ref.registry) ? 'http' : 'https'}://${host}/v2/${ref.repository}`
  }

  /** Tags of an image, across all pages; undefined when the repository does not exist. */
  async listTags(image: string | ImageRef): Promise<string[] | undefined> {
    const ref = toRef(image)
    return this.attempt(`list tags of ${imageName(ref)}`, ref, async () => {
      const tags: string[] = []
      const n = this.options.pageSize ? `?n=${this.options.pageSize}` : ''
      let url: string | undefined = `${this.repositoryUrl(ref)}/tags/list${n}`
      while (url) {
        const res = await this.request('GET', url, ref, { accept: 'application/json' })
        if (res.status === 404) return undefined
        const body = (await res.json()) as { tags?: string[] | null }
        tags.push(...(body.tags ?? []))
        url = nextLink(res.headers.get('link'), url)
      }
      return tags
    })
  }

  /** A manifest or index by tag or digest; undefined when there is no such tag/repository. */
  async getManifest(
    image: string | ImageRef,
    accept: string[] = ALL_MANIFEST_TYPES
  ): Promise<Manifest | undefined> {
    const ref = toRef(image)
    return this.attempt(`get manifest ${imageName(ref)}:${referenceOf(ref)}`, ref, async () => {
      const res = await this.manifestRequest('GET', ref, accept)
      if (res.status === 404) return undefined
      const bytes = Buffer.from(await res.arrayBuffer())
      const raw = bytes.toString('utf8')
      const json = JSON.parse(raw) as ManifestJson
      const digest = res.headers.get('docker-content-digest') ?? sha256(bytes)
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

  /** DELETE of a manifest by digest or of a tag, where the registry allows it (see upload.ts). */
  async deleteManifest(image: string | ImageRef, reference: string): Promise<DeleteResult> {
    return removeManifest(this.transport, toRef(image), reference)
  }

  /** GET or HEAD of the manifest a reference names (its digest, else its tag, else `latest`). */
  private manifestRequest(method: 'GET' | 'HEAD', ref: ImageRef, accept: string[]): Promise<Response> {
    const url = `${this.repositoryUrl(ref)}/manifests/${referenceOf(ref)}`
    return this.request(method, url, ref, { accept: accept.join(', ') })
  }

  /** Runs one operation under the retry policy; an unreachable registry says which one, and what was tried. */
  private async attempt<T>(what: string, ref: ImageRef, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(what, fn, this.options.retry)
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
      throw new Error(`Cannot ${what}: the registry ${ref.registry} is unreachable (${e.message})`, {
        cause: e
      })
    }
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
    maskSecret(token)
    // Tokens live at least 60 s per the spec; renew a little early.
    const expires = Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000
    return { header: `Bearer ${token}`, expires }
  }
}
