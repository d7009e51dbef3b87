// Every value the main step hands to the post step, under one named key each. Never a secret: the post step
// only needs to know what to undo (a builder we created, registries we logged into, a cache directory to save).
import * as core from '@actions/core'
import { State } from './state-keys.js'

export { State } from './state-keys.js'

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
