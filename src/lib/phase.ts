// A phase of an action run: one collapsible group in the log, and its duration at debug level (`phase NAME: N
// ms`), which is what `npm run bench:overhead` collects to show where the action's own time goes.
import * as core from '@actions/core'

export async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await core.group(name, fn)
  } finally {
    core.debug(`phase ${name}: ${Date.now() - started} ms`)
  }
}
