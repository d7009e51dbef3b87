// The keys of the state the main step hands to the post step (state.ts stores them). Kept apart from the store so
// that the post step can tell, without loading anything else, whether it has anything to do.
import { existsSync } from 'node:fs'

export enum State {
  /** Set by the main step; its presence makes the same bundle run as the post step. */
  IsPost = 'isPost',
  /** Name of the buildx builder this action created (removed in post). */
  CreatedBuilder = 'createdBuilder',
  /** JSON array of registry hosts this action logged into (logged out in post). */
  LoggedInRegistries = 'loggedInRegistries',
  /** JSON array of OCI layout directories (docker driver) to remove in post if main did not. */
  LayoutDirs = 'layoutDirs',
  /** JSON {dir, key, restoredKey} of the `local` cache to save in post. */
  LocalCache = 'localCache'
}

/** The keys whose presence gives the post step work: something main created, logged in to, or must save. */
export const CLEANUP_KEYS = [
  State.CreatedBuilder,
  State.LayoutDirs,
  State.LoggedInRegistries,
  State.LocalCache
]

/**
 * Whether the saved state gives the post step work. OCI layouts count only while one of them is still on disk: main
 * removes them itself right after pushing, and a post step with nothing to do loads nothing (it is part of every
 * run's time).
 */
export function hasCleanup(get: (key: State) => string): boolean {
  return CLEANUP_KEYS.some(key => {
    const value = get(key)
    if (!value || key !== State.LayoutDirs) return Boolean(value)
    try {
      return (JSON.parse(value) as string[]).some(dir => existsSync(dir))
    } catch {
      return true
    }
  })
}

/** The runner hands each saved state to the post step as STATE_<key> (what @actions/core's getState reads). */
export const stateFromEnv = (key: State, env: NodeJS.ProcessEnv = process.env): string =>
  env[`STATE_${key}`] ?? ''
