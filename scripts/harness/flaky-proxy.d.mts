// Types of flaky-proxy.mjs for the TypeScript tests.
export interface ProxiedRequest {
  method: string
  path: string
  /** Upstream status, the injected status, or 'reset' for a dropped connection. */
  status: number | string
  injected: boolean
  /** When it arrived (ms since the epoch). */
  at: number
  /** What credentials the request carried (never their value). */
  auth: 'basic' | 'bearer' | 'none'
}
export interface FlakyProxy {
  url: string
  host: string
  port: number
  requests: ProxiedRequest[]
  readonly injected: number
  readonly tokensIssued: number
  readonly expiredTokens: number
  readonly redirected: number
  setFailures(n: number): void
  close(): Promise<void>
}
export declare function startFlakyProxy(o: {
  target: string
  failures?: number
  match?: RegExp | ((req: { method?: string; url?: string }) => boolean)
  status?: number | number[]
  retryAfter?: number | string
  reset?: boolean
  paginateTags?: number
  bursts?: { every: number; length: number }
  tokenAuth?: { username?: string; password?: string; tokenUses?: number }
  redirect?: { match: RegExp; to: string; status?: number }
  syntheticTags?: string[]
  linkOrigin?: string
  port?: number
}): Promise<FlakyProxy>
