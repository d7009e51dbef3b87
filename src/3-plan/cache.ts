// Build cache per target. `gha`: BuildKit's GitHub Actions cache, one scope per target so targets never
// evict each other; written (mode=max) only on pushes to the default branch, read everywhere else (GitHub lets
// a PR read its base and default branch's entries, so a scope without a branch name falls back to main).
// `registry`: `<image>:buildcache`, same write rule. `local`: a directory per target under RUNNER_TEMP, restored
// and saved with @actions/cache by 4-setup/local-cache.ts (outside Actions the directory simply persists). `none`:
// nothing.
import { existsSync } from 'node:fs'
import { rename, rm, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { CacheMode } from '../1-context/inputs.js'

export interface CacheEntries {
  from: string[]
  /** undefined: leave the target's own cache-to alone; []: explicitly no export. */
  to: string[] | undefined
}

export interface CacheOptions {
  mode: CacheMode
  /** `<cache-scope><target>`. */
  scope: string
  image: string
  /** Export the cache (default-branch push). */
  write: boolean
  /** Directory of the `local` cache. */
  localDir?: string
  /** False when the runner gives no cache service (then gha is skipped, with a warning, by the caller). */
  ghaAvailable: boolean
}

/** The directory of the `local` cache: under RUNNER_TEMP on a runner, else the system's temp directory. */
export function localCacheRoot(): string {
  return process.env.RUNNER_TEMP
    ? path.join(process.env.RUNNER_TEMP, 'multiarch-cache')
    : path.join(os.tmpdir(), 'multiarch-action-cache')
}

/**
 * Whether buildx will hand BuildKit a usable gha cache: with ACTIONS_CACHE_SERVICE_V2 true (how GitHub's runners
 * announce cache v2, the only service github.com runs) it reads ACTIONS_RESULTS_URL, otherwise the v1
 * ACTIONS_CACHE_URL; an empty value makes buildx drop the gha entries silently, so the plan says so instead.
 */
export function ghaAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.ACTIONS_RUNTIME_TOKEN) return false
  const v2 = /^(1|t|true)$/i.test(env.ACTIONS_CACHE_SERVICE_V2 ?? '')
  return Boolean(v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL)
}

/** Directory of one target's local cache, and where the build writes the next generation of it. */
export function localCachePaths(root: string, scope: string): { src: string; dest: string } {
  const safe = scope.replace(/[^A-Za-z0-9._-]/g, '_')
  return { src: path.join(root, safe), dest: path.join(root, `${safe}.new`) }
}

export function cacheEntries(o: CacheOptions): CacheEntries {
  switch (o.mode) {
    case 'none':
      return { from: [], to: undefined }
    case 'gha': {
      if (!o.ghaAvailable) return { from: [], to: undefined }
      const base = `type=gha,scope=${o.scope}`
      return { from: [base], to: o.write ? [`${base},mode=max,ignore-error=true`] : [] }
    }
    case 'registry': {
      const ref = `${o.image}:buildcache`
      return {
        from: [`type=registry,ref=${ref}`],
        to: o.write ? [`type=registry,ref=${ref},mode=max,ignore-error=true`] : []
      }
    }
    case 'local': {
      if (!o.localDir) throw new Error('local cache needs a directory')
      const p = localCachePaths(o.localDir, o.scope)
      // Importing a directory that does not exist yet fails the build, so read only what is there.
      const from = existsSync(path.join(p.src, 'index.json')) ? [`type=local,src=${p.src}`] : []
      return { from, to: [`type=local,dest=${p.dest},mode=max,ignore-error=true`] }
    }
  }
}

/**
 * After a build, each `<scope>.new` that holds an exported cache replaces `<scope>`, so the directory does not
 * grow without bound. A `.new` without an index (created empty for bake's entitlement check, then a failed
 * build) is dropped and the previous generation kept.
 */
export async function rotateLocalCache(root: string): Promise<void> {
  if (!existsSync(root)) return
  for (const name of await readdir(root)) {
    if (!name.endsWith('.new')) continue
    const next = path.join(root, name)
    if (!existsSync(path.join(next, 'index.json'))) {
      await rm(next, { recursive: true, force: true })
      continue
    }
    const current = path.join(root, name.slice(0, -'.new'.length))
    await rm(current, { recursive: true, force: true })
    await rename(next, current)
  }
}
