// The one boolean parser, for action inputs, flavor keys and environment switches: `true` / `false` in any case,
// and Go's strconv.ParseBool short forms `1`, `t`, `0`, `f` (docker/metadata-action reads its DOCKER_METADATA_*
// switches with those words, so the meta sub-action must accept them; inputs gain nothing from refusing them).

const TRUE = new Set(['true', '1', 't'])
const FALSE = new Set(['false', '0', 'f'])

/** Parses `value`; an empty value is `fallback` when one is given. Errors name the setting and the words. */
export function parseBoolean(name: string, value: string, fallback?: boolean): boolean {
  const v = value.trim().toLowerCase()
  if (v === '' && fallback !== undefined) return fallback
  if (TRUE.has(v)) return true
  if (FALSE.has(v)) return false
  throw new Error(`Invalid ${name} '${value}'. Expected true or false.`)
}
