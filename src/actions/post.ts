// The main action's post step: undo what main did (remove the builder it created and OCI layouts it left, log
// out of the registries it logged in to) and save the local cache, each part on its own. It warns, never fails.
import * as core from '@actions/core'
import { removeBuilder } from '../4-setup/builder.js'
import { logout } from '../6-registry/docker-login.js'
import { removeLayouts } from '../7-publish/layout-push.js'
import { actionState, State, type StateStore } from '../lib/state.js'
import { hasCleanup as pending } from '../lib/state-keys.js'

/** Whether main left anything for the post step to do (the CLI skips the step otherwise). */
export const hasCleanup = (state: StateStore): boolean => pending(k => state.get(k))

export async function cleanup(state: StateStore = actionState): Promise<void> {
  const list = (key: State): string[] => {
    const raw = state.get(key)
    return raw ? (JSON.parse(raw) as string[]) : []
  }
  const steps: [string, () => Promise<void>][] = [
    [
      'save the local cache',
      async () => {
        const raw = state.get(State.LocalCache)
        if (!raw) return
        const local = JSON.parse(raw)
        // Loaded only when there is a cache to save: @actions/cache is most of a bundle's start-up time.
        const { saveLocalCache } = await import('../4-setup/local-cache.js')
        await saveLocalCache(local)
      }
    ],
    [
      'remove the builder',
      async () => {
        const name = state.get(State.CreatedBuilder)
        if (name) await removeBuilder(name)
        else core.info('No builder to remove: this run did not create one')
      }
    ],
    [
      'remove the OCI layouts',
      async () => {
        const failed = await removeLayouts(list(State.LayoutDirs))
        if (failed.length) throw new Error(failed.join(', '))
      }
    ],
    [
      'log out',
      async () => {
        const registries = list(State.LoggedInRegistries)
        if (!registries.length) core.info('No registry to log out of: this run did not log in')
        for (const registry of registries) await logout(registry)
      }
    ]
  ]
  for (const [name, step] of steps) {
    try {
      await step()
    } catch (e) {
      core.warning(`Post step could not ${name}: ${(e as Error).message}`)
    }
  }
}
