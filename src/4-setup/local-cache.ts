// The `local` cache's directory across jobs: restored before the build and saved by the post step with
// @actions/cache (keys per cache scope and commit). Outside Actions there is no cache service and the directory
// simply persists on the machine. Kept apart from 3-plan/cache.ts so that planning never loads @actions/cache.
import * as core from '@actions/core'
import * as actionsCache from '@actions/cache'
import { existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'

export interface LocalCacheState {
  dir: string
  key: string
  restoredKey?: string
}

function usable(): boolean {
  try {
    return actionsCache.isFeatureAvailable()
  } catch {
    return false
  }
}

/** Restores the local cache directory; keys are per scope prefix and commit, falling back to the newest. */
export async function restoreLocalCache(
  dir: string,
  cacheScope: string,
  sha: string
): Promise<LocalCacheState> {
  await mkdir(dir, { recursive: true })
  const prefix = `multiarch-action-${process.env.RUNNER_OS ?? 'local'}-${cacheScope || 'default'}-`
  const state: LocalCacheState = { dir, key: `${prefix}${sha}` }
  if (!usable()) {
    core.info(`No GitHub cache service here: the local cache stays in ${dir} between runs on this machine.`)
    return state
  }
  try {
    state.restoredKey = (await actionsCache.restoreCache([dir], state.key, [prefix])) ?? undefined
    core.info(
      state.restoredKey ? `Restored local cache ${state.restoredKey}` : 'No local cache to restore yet'
    )
  } catch (e) {
    core.warning(`Local cache restore failed (building without it): ${(e as Error).message}`)
  }
  return state
}

/** Saves the local cache (post step). Skipped on an exact hit, where the content is already stored. */
export async function saveLocalCache(state: LocalCacheState): Promise<void> {
  if (!usable()) return
  if (state.restoredKey === state.key) {
    core.info(`Local cache ${state.key} was restored exactly; nothing to save.`)
    return
  }
  if (!existsSync(state.dir) || (await readdir(state.dir)).length === 0) {
    core.info('Local cache directory is empty; nothing to save.')
    return
  }
  await actionsCache.saveCache([state.dir], state.key)
  core.info(`Saved local cache ${state.key}`)
}
