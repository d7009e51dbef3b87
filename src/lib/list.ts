// The one list splitter for action inputs: entries on newlines and commas (or newlines only, where a value may
// hold a comma), trimmed; blank entries and `#` comment lines dropped. The meta sub-action's list inputs follow
// docker/metadata-action's CSV reading instead (2-tags/list.ts).

/** Splits a list input on newlines and commas; blank entries and `#` comment lines are dropped. */
export function splitList(value: string, { commas = true } = {}): string[] {
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map(s => s.trim())
    .filter(s => s.length > 0 && !s.startsWith('#'))
}
