// OCI labels and annotations: the generated org.opencontainers.image.* set, then the user's entries (with
// global expressions rendered), later keys overriding earlier ones, sorted by key.
import type { RepoInfo, RunContext } from '../1-context/context.js'
import { parseList, where } from './list.js'
import { renderGlobal, type ExpressionScope } from './template.js'

export function ociLabels(
  ctx: RunContext,
  repo: RepoInfo | undefined,
  version: string | undefined,
  now: Date
): string[] {
  return [
    `org.opencontainers.image.title=${repo?.name || ''}`,
    `org.opencontainers.image.description=${repo?.description || ''}`,
    `org.opencontainers.image.url=${repo?.html_url || ''}`,
    `org.opencontainers.image.source=${repo?.html_url || ''}`,
    `org.opencontainers.image.version=${version || ''}`,
    `org.opencontainers.image.created=${now.toISOString()}`,
    `org.opencontainers.image.revision=${ctx.sha || ''}`,
    `org.opencontainers.image.licenses=${repo?.license?.spdx_id || ''}`
  ]
}

/** Generated entries plus the `input` list's entries: `key=value` strings, de-duplicated by key, sorted by key. */
export function mergeLabels(
  generated: string[],
  input: string,
  inputName: string,
  scope: ExpressionScope
): string[] {
  const all = [...generated]
  for (const entry of parseList(input)) {
    try {
      all.push(renderGlobal(entry.text, scope))
    } catch (error) {
      throw new Error(`Cannot evaluate ${where(inputName, entry)}: ${(error as Error).message}`, {
        cause: error
      })
    }
  }
  const byKey = new Map<string, string>()
  for (const label of all) {
    const [key, ...values] = label.split('=')
    if (values.length === 0) continue
    byKey.set(key, values.join('='))
  }
  return [...byKey].sort((a, b) => a[0].localeCompare(b[0])).map(([key, value]) => `${key}=${value}`)
}

/** `k=v` strings to an object (as the json output and bake files carry them). */
export function labelsObject(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const label of labels) {
    const m = label.match(/([^=]*)=(.*)/)
    if (m) out[m[1]] = m[2]
  }
  return out
}
