// Who the registry client is at each registry, and its answer to a registry's 401: Basic credentials, or the
// token flow (https://distribution.github.io/distribution/spec/auth/token/). Basic credentials go to the realm
// the registry names, on whatever host, as docker sends them (docker's registry client sends the same
// credentials to any realm, and registries such as Docker Hub put the realm on another host, auth.docker.io) —
// but only over https, as go-containerregistry requires (`realm scheme "http" not allowed for a secure
// registry`; the transport checks the realm's URL before the request). The token is then kept for that registry
// origin and scope only. Credentials are asked for lazily, when a registry asks, once per host; every secret
// read is masked.
import { HttpError, parseRetryAfter } from '../lib/retry.js'
import { maskSecret } from '../lib/secrets.js'
import { LIMITS, readLimited } from './http-body.js'
import type { ImageRef } from './reference.js'

export interface Credentials {
  username: string
  password: string
}

/**
 * Credentials for one registry host as users write it (`ghcr.io`, `localhost:5001`), or undefined (anonymous).
 * Asked lazily — only when the registry asks for credentials — and once per host.
 */
export type CredentialSource = (
  registry: string
) => Credentials | undefined | Promise<Credentials | undefined>

/** An Authorization header value, good until `expires` (ms since the epoch). */
export interface Authorization {
  header: string
  expires: number
}

/** Sends the token request to `realm`; `basic` (when there are credentials) goes to the realm's origin only. */
export type TokenRequest = (realm: URL, basic: string | undefined) => Promise<Response>

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

export class RegistryAuth {
  /** Authorization per registry origin and scope (Basic, or a Bearer token with its expiry). */
  private readonly granted = new Map<string, Authorization>()
  private readonly asked = new Map<string, Promise<Credentials | undefined>>()
  /** Who the client authenticates as, per registry host, once known (for messages). */
  private readonly known = new Map<string, string>()

  constructor(private readonly source?: Record<string, Credentials | undefined> | CredentialSource) {
    if (source && typeof source === 'object')
      for (const v of Object.values(source)) if (v?.password) maskSecret(v.password)
  }

  /** The authorization granted for this origin and scope, while it is still good. */
  cached(origin: string, scope: string): Authorization | undefined {
    const a = this.granted.get(`${origin} ${scope}`)
    return a && a.expires > Date.now() ? a : undefined
  }

  /** `as USER` or `anonymous`, for messages (never the password). */
  credentialNote(ref: ImageRef): string {
    const user = this.known.get(ref.registry.toLowerCase())
    return user ? `as ${user}` : 'anonymous'
  }

  private credentials(registry: string): Promise<Credentials | undefined> {
    const key = registry.toLowerCase()
    let found = this.asked.get(key)
    if (!found) {
      const c = this.source
      found = Promise.resolve(
        typeof c === 'function'
          ? c(registry)
          : Object.entries(c ?? {}).find(([host]) => host.toLowerCase() === key)?.[1]
      ).then(creds => {
        if (creds?.password) maskSecret(creds.password)
        if (creds) this.known.set(key, creds.username)
        return creds
      })
      this.asked.set(key, found)
    }
    return found
  }

  /**
   * Answers a challenge (`WWW-Authenticate`) of the registry's own origin: Basic, or a token from the realm it
   * names, and keeps the answer for this origin and scope. Undefined when there is nothing to answer with.
   */
  async answer(
    ref: ImageRef,
    origin: string,
    scope: string,
    wwwAuthenticate: string,
    requestToken: TokenRequest
  ): Promise<Authorization | undefined> {
    const challenge = parseChallenge(wwwAuthenticate)
    if (!challenge) return undefined
    const creds = await this.credentials(ref.registry)
    const basic = creds
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      : undefined
    let auth: Authorization | undefined
    if (challenge.scheme === 'basic') auth = basic ? { header: basic, expires: Infinity } : undefined
    else if (challenge.scheme === 'bearer' && challenge.params.realm) {
      auth = await this.token(ref, origin, scope, challenge, basic, requestToken)
    }
    if (auth) this.granted.set(`${origin} ${scope}`, auth)
    return auth
  }

  /** A Bearer token from the challenge's realm, for the scope it names (else ours). */
  private async token(
    ref: ImageRef,
    origin: string,
    scope: string,
    challenge: Challenge,
    basic: string | undefined,
    requestToken: TokenRequest
  ): Promise<Authorization> {
    const realm = new URL(challenge.params.realm, origin)
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service)
    realm.searchParams.set('scope', challenge.params.scope ?? scope)
    const what = `token request to ${realm.origin}${realm.pathname} for ${scope}`
    const res = await requestToken(realm, basic)
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined)
      throw new HttpError(
        `${what}: ${res.status} ${res.statusText} (${this.credentialNote(ref)})`,
        res.status,
        parseRetryAfter(res.headers.get('retry-after'))
      )
    }
    let body: { token?: string; access_token?: string; expires_in?: number }
    try {
      body = JSON.parse((await readLimited(res, LIMITS.token, `${what}: token response`)).toString('utf8'))
    } catch (e) {
      if ((e as Error).message.includes('larger than')) throw e
      throw new Error(`${what}: the token response is not JSON`, { cause: e })
    }
    const token = body.token ?? body.access_token
    if (!token) throw new Error(`token response from ${realm.origin} has no token`)
    maskSecret(token)
    // Tokens live at least 60 s per the spec; renew a little early.
    const expires = Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000
    return { header: `Bearer ${token}`, expires }
  }
}
