// HTTP for the registry client, with the rules an attacker or a flaky network must not get around:
// - credentials are scoped to the origin that asked for them (scheme, host, port): a `Link`, an upload
//   `Location` or a redirect to another origin is requested with no Authorization, and a 401 from there is not
//   answered with this registry's credentials;
// - https for everything but loopback (and hosts the caller reaches over plain http on purpose): a plain-http
//   `Link`, `Location`, redirect or token realm elsewhere is refused before any request;
// - a 401 from the registry's own origin is answered once, by auth.ts (Basic, or the token flow: Basic
//   credentials to the realm the registry names, over https only, the token kept for that origin and scope);
// - redirects followed by hand (at most 5): GET/HEAD on any 3xx, other methods on 307/308 only, with the same
//   body (made anew from its source) and credentials only on the same origin;
// - a timeout per request (body included) and, through `operation()`, one for the whole operation (retries
//   included); bodies read through `readLimited`, which stops at a bound.
import { AsyncLocalStorage } from 'node:async_hooks'
import { HttpError, parseRetryAfter } from '../lib/retry.js'
import { RegistryAuth, type CredentialSource, type Credentials } from './auth.js'
import type { ImageRef } from './reference.js'
import { LIMITS, readPrefix, REDIRECTS, wrapBody } from './http-body.js'

export interface TransportOptions {
  credentials?: Record<string, Credentials | undefined> | CredentialSource
  /** Hosts reached over plain HTTP. Default: loopback only (localhost, 127.0.0.0/8, [::1]), as Docker does. */
  plainHttp?: (registry: string) => boolean
  /** Per request, body included. Default 120 s. */
  requestTimeoutMs?: number
}

/** One request: Accept, push scope, extra headers and a body made anew for each send. */
export interface RequestOptions {
  accept: string
  /** Ask for push access (`repository:NAME:pull,push`). */
  push?: boolean
  /** The scope's actions when neither pull nor pull,push fits (`delete` for a manifest DELETE). */
  actions?: string
  headers?: Record<string, string>
  /** Makes the request body (called once per send, so a redirect or a 401 can send it again). */
  body?: () => NonNullable<RequestInit['body']>
}

/** An error reaching a registry at all (reset, refused, DNS, no answer in time), with a code for the retry policy. */
export class NetworkError extends Error {
  readonly code?: string
  constructor(method: string, url: string, cause: unknown, code?: string) {
    const c = cause as { message?: string; code?: string; cause?: { code?: string; message?: string } }
    const why = code === 'ETIMEDOUT' ? String(cause) : (c?.cause?.message ?? c?.message ?? String(cause))
    const found = code ?? c?.cause?.code ?? c?.code
    super(`${method} ${url}: ${why}${found ? ` (${found})` : ''}`)
    this.name = 'NetworkError'
    this.code = found
  }
}

/** The whole operation ran out of time: not retried. */
export class OperationTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: gave up after ${ms / 1000} s (the operation's time limit, retries included)`)
    this.name = 'OperationTimeout'
  }
}

const operations = new AsyncLocalStorage<AbortSignal>()

/** Runs `fn` as one operation: every request inside it is aborted when `ms` have passed. */
export async function operation<T>(what: string, ms: number, fn: () => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const e = new OperationTimeout(what, ms)
      controller.abort(e)
      reject(e)
    }, ms)
  })
  try {
    return await Promise.race([operations.run(controller.signal, fn), expired])
  } finally {
    clearTimeout(timer)
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i

/** `GHCR.io:443` → `ghcr.io:443`; Docker Hub's API host for `docker.io`. */
const apiHost = (registry: string): string =>
  registry.toLowerCase() === 'docker.io' ? 'registry-1.docker.io' : registry.toLowerCase()

const MAX_REDIRECTS = 5

export class Transport {
  private readonly auth: RegistryAuth
  private readonly requestTimeoutMs: number

  constructor(private readonly options: TransportOptions = {}) {
    this.auth = new RegistryAuth(options.credentials)
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000
  }

  private plain(registry: string): boolean {
    return (this.options.plainHttp ?? (r => LOOPBACK.test(r)))(registry.toLowerCase())
  }

  /** `<scheme>://<host>` of a registry: plain HTTP for loopback registries, as Docker does. */
  origin(registry: string): string {
    return `${this.plain(registry) ? 'http' : 'https'}://${apiHost(registry)}`
  }

  /** `<scheme>://<host>/v2/<repository>`. */
  repositoryUrl(ref: ImageRef): string {
    return `${this.origin(ref.registry)}/v2/${ref.repository}`
  }

  /** Refuses a URL a registry handed us on plain http, unless its host is loopback or reached over http on purpose. */
  checkUrl(url: URL, what: string): void {
    if (url.protocol === 'https:') return
    if (url.protocol === 'http:' && this.plain(url.host)) return
    throw new Error(
      `${what} ${url.origin}${url.pathname} is not https: https is required for anything but loopback`
    )
  }

  /**
   * One request with auth: a cached credential of this registry's origin and scope, redirects followed by the
   * rules above, a 401 challenge from the registry's own origin answered once (Basic or Bearer), and any status
   * other than 2xx/404 turned into an HttpError (with Retry-After for 429/503).
   */
  async request(method: string, url: string, ref: ImageRef, o: RequestOptions): Promise<Response> {
    const origin = this.origin(ref.registry)
    const scope = `repository:${ref.repository}:${o.actions ?? (o.push ? 'pull,push' : 'pull')}`
    let res = await this.follow(method, url, origin, o, this.auth.cached(origin, scope))
    if (res.status === 401 && new URL(res.url || url).origin === origin) {
      await res.body?.cancel().catch(() => undefined)
      // The realm is its own origin: the Basic credentials go to it (and to nothing it redirects elsewhere).
      const auth = await this.auth.answer(
        ref,
        origin,
        scope,
        res.headers.get('www-authenticate') ?? '',
        (realm, basic) => {
          this.checkUrl(realm, 'token realm')
          return this.follow(
            'GET',
            realm.toString(),
            realm.origin,
            { accept: 'application/json' },
            basic ? { header: basic } : undefined
          )
        }
      )
      if (!auth)
        throw new HttpError(`${method} ${url}: 401 Unauthorized (${this.auth.credentialNote(ref)})`, 401)
      res = await this.follow(method, url, origin, o, auth)
    }
    if (res.ok || res.status === 404) return res
    const detail =
      method === 'HEAD'
        ? ''
        : (await readPrefix(res, LIMITS.error).catch(() => Buffer.alloc(0)))
            .toString('utf8')
            .slice(0, 300)
            .trim()
    const ended = new URL(res.url || url)
    const where = ended.toString() !== new URL(url).toString() ? ` (redirected to ${ended.origin})` : ''
    const foreign = ended.origin !== origin
    const why =
      res.status === 401 || res.status === 403
        ? foreign
          ? ' (not the registry’s origin: no credentials sent)'
          : ` (${this.auth.credentialNote(ref)})`
        : ''
    throw new HttpError(
      `${method} ${url}${where}: ${res.status} ${res.statusText}${why}${detail ? `: ${detail}` : ''}`,
      res.status,
      parseRetryAfter(res.headers.get('retry-after'))
    )
  }

  /** Sends, following redirects by hand; `auth` goes only to `origin`. The response's `url` is where it ended. */
  private async follow(
    method: string,
    url: string,
    origin: string,
    o: RequestOptions,
    auth: { header: string } | undefined
  ): Promise<Response> {
    let at = new URL(url)
    const seen = new Set<string>()
    for (let hop = 0; ; hop++) {
      this.checkUrl(at, hop ? 'redirect to' : 'URL')
      const headers: Record<string, string> = { accept: o.accept, ...(o.headers ?? {}) }
      if (auth && at.origin === origin) headers.authorization = auth.header
      const body = method === 'GET' || method === 'HEAD' ? undefined : o.body?.()
      const res = await this.send(method, at, { headers, body, ...(body ? { duplex: 'half' } : {}) })
      if (!REDIRECTS.has(res.status)) {
        Object.defineProperty(res, 'url', { value: at.toString() })
        return res
      }
      await res.body?.cancel().catch(() => undefined)
      const location = res.headers.get('location')
      if (!location) throw new Error(`${method} ${at.origin}${at.pathname}: ${res.status} without a Location`)
      if (method !== 'GET' && method !== 'HEAD' && res.status !== 307 && res.status !== 308) {
        throw new Error(
          `${method} ${at.origin}${at.pathname}: the registry answered ${res.status} ${res.statusText}; only 307/308 ` +
            'keep the method and body of an upload'
        )
      }
      seen.add(at.toString())
      at = new URL(location, at)
      if (seen.has(at.toString()) || hop + 1 > MAX_REDIRECTS) {
        throw new Error(`${method} ${url}: more than ${MAX_REDIRECTS} redirects, or a redirect loop`)
      }
    }
  }

  /** fetch with the per-request timeout and the operation's signal; failures become NetworkError. */
  private async send(method: string, url: URL, init: RequestInit & { duplex?: string }): Promise<Response> {
    const op = operations.getStore()
    const timeout = AbortSignal.timeout(this.requestTimeoutMs)
    const signal = op ? AbortSignal.any([op, timeout]) : timeout
    const where = `${url.origin}${url.pathname}`
    try {
      const res = await fetch(url, { ...init, method, redirect: 'manual', signal } as RequestInit)
      // Reads of the body fail with the signal's reason; give them the same shape as a failed request.
      return wrapBody(res, e => this.failure(method, where, e, op))
    } catch (e) {
      throw this.failure(method, where, e, op)
    }
  }

  private failure(method: string, where: string, e: unknown, op: AbortSignal | undefined): Error {
    if (op?.aborted) return op.reason as Error
    if ((e as Error)?.name === 'TimeoutError') {
      return new NetworkError(
        method,
        where,
        `no response within ${this.requestTimeoutMs / 1000} s`,
        'ETIMEDOUT'
      )
    }
    return e instanceof Error && !(e instanceof TypeError) && e.name !== 'AbortError'
      ? e
      : new NetworkError(method, where, e)
  }
}
