// Every value the main step hands to the post step, under one named key each. Never a secret: the post step
// only needs to know what to undo (a builder we created, registries we logged into, a cache directory to save).
import * as core from '@actions/core'

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

/** Where state lives: the runner's state file in Actions, memory in the CLI (which runs cleanup itself). */
export interface StateStore {
  save(key: State, value: string): void
  get(key: State): string
}

export const actionState: StateStore = {
  save: (key, value) => core.saveState(key, value),
  get: key => core.getState(key)
}

export function memoryState(): StateStore {
  const values = new Map<State, string>()
  return { save: (key, value) => void values.set(key, value), get: key => values.get(key) ?? '' }
}
