// Types of flaky-proxy.mjs for the TypeScript tests.
export interface ProxiedRequest {
  method: string
  path: string
  /** Upstream status, the injected status, or 'reset' for a dropped connection. */
  status: number | string
  injected: boolean
}
export interface FlakyProxy {
  url: string
  host: string
  port: number
  requests: ProxiedRequest[]
  readonly injected: number
  setFailures(n: number): void
  close(): Promise<void>
}
export declare function startFlakyProxy(o: {
  target: string
  failures?: number
  match?: RegExp | ((req: { method?: string; url?: string }) => boolean)
  status?: number
  retryAfter?: number | string
  reset?: boolean
  paginateTags?: number
  port?: number
}): Promise<FlakyProxy>
