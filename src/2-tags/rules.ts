// The `tags` input: one rule per line, `type=<kind>,attr=value,...` (a bare value is `type=raw,value=…`).
// Parsed and defaulted as docker/metadata-action documents it, then sorted by priority (stable, highest first).
// Unlike metadata-action, an unknown attribute or a non-numeric priority is an error naming the line.
import { parseList, splitFields, where, type ListEntry } from './list.js'

export const RULE_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const
export type RuleType = (typeof RULE_TYPES)[number]

export const DEFAULT_PRIORITIES: Record<RuleType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
}

const GLOBAL_ATTRS = ['enable', 'priority', 'prefix', 'suffix']
const TYPE_ATTRS: Record<RuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
}
const ALL_ATTRS = new Set([...GLOBAL_ATTRS, ...Object.values(TYPE_ATTRS).flat()])

export interface TagRule {
  type: RuleType
  /** Attributes as written plus the documented defaults (prefix/suffix only when given or defaulted). */
  attrs: Record<string, string>
  priority: number
  /** The input line, for error messages. */
  source: string
}

export const DEFAULT_TAG_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr'
]

export function ruleToString(rule: TagRule): string {
  return [`type=${rule.type}`, ...Object.entries(rule.attrs).map(([k, v]) => `${k}=${v}`)].join(',')
}

/** Parses one rule line. `warn` receives notes about attributes that do not apply to the rule's type. */
export function parseRule(entry: ListEntry, warn: (m: string) => void = () => {}): TagRule {
  const at = where('tags', entry)
  let fields: string[]
  try {
    fields = splitFields(entry.text)
  } catch (error) {
    throw new Error(`Malformed ${at}: ${(error as Error).message}. Expected type=<type>,<attr>=<value>,…`, {
      cause: error
    })
  }
  let type: RuleType | undefined
  const attrs: Record<string, string> = {}
  for (const field of fields) {
    const parts = field
      .toString()
      .split(/(?<=^[^=]+?)=/)
      .map(item => item.trim())
    if (parts.length === 1) {
      attrs.value = parts[0]
      continue
    }
    const key = parts[0].toLowerCase()
    const value = parts[1]
    if (key === 'type') {
      if (!(RULE_TYPES as readonly string[]).includes(value)) {
        throw new Error(
          `Unknown tag type attribute: ${value} in ${at}. Expected one of: ${RULE_TYPES.join(', ')}`
        )
      }
      type = value as RuleType
    } else if (!ALL_ATTRS.has(key)) {
      throw new Error(
        `Unknown tag attribute "${key}" in ${at}. Expected type and: ${[...ALL_ATTRS].sort().join(', ')}`
      )
    } else {
      attrs[key] = value
    }
  }
  type ??= 'raw'
  for (const key of Object.keys(attrs)) {
    if (
      !GLOBAL_ATTRS.includes(key) &&
      !TYPE_ATTRS[type].includes(key) &&
      !(key === 'value' && type === 'raw')
    ) {
      warn(`Attribute "${key}" has no effect on type=${type} in ${at}`)
    }
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(attrs, k)
  const need = (k: string, what: string) => {
    if (!has(k)) throw new Error(`Missing ${k} attribute in ${at}: type=${type} needs ${what}`)
  }
  switch (type) {
    case 'schedule':
      if (!has('pattern')) attrs.pattern = 'nightly'
      break
    case 'semver':
    case 'pep440':
      need('pattern', 'a pattern such as pattern={{version}}')
      if (!has('value')) attrs.value = ''
      if (!has('match')) attrs.match = ''
      break
    case 'match':
      need('pattern', 'a regular expression such as pattern=v(.*)')
      if (!has('group')) attrs.group = '0'
      if (isNaN(+attrs.group))
        throw new Error(`Invalid match group "${attrs.group}" in ${at}: expected a number`)
      if (!has('value')) attrs.value = ''
      break
    case 'edge':
      if (!has('branch')) attrs.branch = ''
      break
    case 'ref':
      need('event', 'event=branch, event=tag or event=pr')
      if (!['branch', 'tag', 'pr'].includes(attrs.event)) {
        throw new Error(`Invalid event "${attrs.event}" in ${at}: expected branch, tag or pr`)
      }
      if (attrs.event === 'pr' && !has('prefix')) attrs.prefix = 'pr-'
      break
    case 'raw':
      need('value', 'a value such as value=foo')
      break
    case 'sha':
      if (!has('prefix')) attrs.prefix = 'sha-'
      if (!has('format')) attrs.format = 'short'
      if (!['short', 'long'].includes(attrs.format)) {
        throw new Error(`Invalid format "${attrs.format}" in ${at}: expected short or long`)
      }
      break
  }
  if (!has('enable')) attrs.enable = 'true'
  let priority = DEFAULT_PRIORITIES[type]
  if (has('priority')) {
    if (!/^-?\d+$/.test(attrs.priority)) {
      throw new Error(
        `Invalid priority "${attrs.priority}" in ${at}: expected a whole number such as priority=500`
      )
    }
    priority = Number(attrs.priority)
  } else {
    attrs.priority = String(priority)
  }
  return { type, attrs, priority, source: at }
}

/** Parses the whole `tags` input (the default rule set when it is empty), sorted by priority, highest first. */
export function parseRules(input: string, warn: (m: string) => void = () => {}): TagRule[] {
  let entries = parseList(input)
  if (entries.length === 0) entries = DEFAULT_TAG_RULES.map((text, i) => ({ text, line: i + 1 }))
  const rules = entries.map(e => parseRule(e, warn))
  return rules.sort((a, b) => b.priority - a.priority)
}
