// Types of gha-cache.mjs for the TypeScript tests.
export declare const BUILDKIT_CACHE_VERSION: string
export declare const PERMISSION_READ: 1
export declare const PERMISSION_WRITE: 2
export declare const TWIRP: string
export type ScopeSpec = string | { scope: string; permission: number }
export interface AcScope {
  Scope: string
  Permission: number
}
export declare function parseScopes(scopes: ScopeSpec[]): AcScope[]
export declare function mintToken(scopes: ScopeSpec[], o?: { ttlSeconds?: number; now?: number }): string
export declare function verifyToken(token: string, now?: number): AcScope[]
export declare function refHash(ref: string): string
export declare function parseKey(key: string): {
  kind: 'index' | 'blob' | 'other'
  bkScope?: string
  refHash?: string
  generation?: number
}
export interface CacheEvent {
  time: string
  op: 'lookup' | 'reserve' | 'upload' | 'blocklist' | 'commit' | 'download' | 'unauthorized' | 'error'
  key?: string
  keys?: string[]
  kind?: 'index' | 'blob' | 'other'
  bkScope?: string
  refHash?: string
  generation?: number
  hit?: boolean
  matchedKey?: string
  ref?: string
  id?: number
  status?: number
  size?: number
  bytes?: number
  start?: number
  versionOk?: boolean
  block?: boolean
  message?: string
}
export interface CacheEntry {
  id: number
  key: string
  version: string
  scope: string
  committed: boolean
  size?: number
  data?: Buffer
}
export interface GhaCache {
  url: string
  port: number
  events: CacheEvent[]
  entries: CacheEntry[]
  mintToken: typeof mintToken
  env(scopes: ScopeSpec[]): {
    ACTIONS_CACHE_SERVICE_V2: string
    ACTIONS_RESULTS_URL: string
    ACTIONS_RUNTIME_TOKEN: string
  }
  mark(): number
  since(mark?: number): CacheEvent[]
  readScopes(mark?: number): string[]
  writtenScopes(mark?: number): string[]
  writeAttempts(mark?: number): CacheEvent[]
  close(): Promise<void>
}
export declare function startGhaCache(o?: {
  port?: number
  host?: string
  logFile?: string
}): Promise<GhaCache>
