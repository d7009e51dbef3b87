// From the sorted tag rules and the context to the image version: the main tag, the other tags in order, and
// whether `latest` is added. Follows docker/metadata-action's documented rules (priority order, first value is
// the version, duplicates dropped, `latest` decided by the first rule that produced a value).
import semverParse from 'semver/functions/parse.js'
import semverPrerelease from 'semver/functions/prerelease.js'
import semverValid from 'semver/functions/valid.js'
import type { RepoInfo } from '../1-context/context.js'
import type { Flavor } from './flavor.js'
import { cleanPep440, isPep440Unstable, parsePep440, pep440Part } from './pep440.js'
import { replaceInvalidTagChars, sanitizeTag, tagProblem } from './reference.js'
import { ruleToString, type TagRule } from './rules.js'
import {
  isRawStatement,
  renderGlobal,
  renderSchedule,
  renderVersion,
  shortSha,
  type ExpressionScope
} from './template.js'

export interface Version {
  main: string | undefined
  partial: string[]
  latest: boolean
}

export interface VersionOptions {
  /** Skip semver patterns that render only the major part when the major version is 0 (BlackLake defaults). */
  noMajorZero?: boolean
}

/**
 * Rules whose value comes from Git (a branch, tag, PR number or SHA) are repaired into a valid tag (leading
 * `.`/`-` dropped, cut to 128 characters) even with a prefix such as `{{branch}}-`, which is empty off a
 * branch; rules whose value is the user's pattern (raw, semver, pep440, match, schedule) fail instead.
 */
const REPAIRED = new Set(['ref', 'edge', 'sha'])

class VersionBuilder {
  main: string | undefined
  partial: string[] = []
  latest: boolean | undefined

  add(value: string, latest: boolean, rule: TagRule): void {
    if (value.length === 0) return
    let tag = replaceInvalidTagChars(value)
    const problem = tagProblem(tag)
    if (problem) {
      if (!REPAIRED.has(rule.type)) {
        throw new Error(
          `The tag rule in ${rule.source} yields "${tag}", which is not a valid Docker tag: ${problem}. ` +
            'A tag holds at most 128 of [A-Za-z0-9_.-] and does not start with "." or "-"; change its ' +
            'pattern, value, prefix or suffix'
        )
      }
      tag = sanitizeTag(tag)
      if (!tag) return
    }
    if (this.main === undefined) this.main = tag
    else if (tag !== this.main) this.partial.push(tag)
    this.latest ??= latest
  }
}

export function computeVersion(
  rules: TagRule[],
  flavor: Flavor,
  scope: ExpressionScope,
  repo: RepoInfo | undefined,
  options: VersionOptions = {}
): Version {
  const { ctx } = scope
  const b = new VersionBuilder()
  const latestFor = (auto: boolean) => (flavor.latest === 'auto' ? auto : flavor.latest === 'true')
  const render = (template: string, rule: TagRule) => {
    try {
      return renderGlobal(template, scope)
    } catch (error) {
      throw new Error(`Cannot evaluate "${template}" in ${rule.source}: ${(error as Error).message}`, {
        cause: error
      })
    }
  }
  /** The rule's own prefix/suffix attribute (even empty), else the flavor's. */
  const affix = (rule: TagRule, key: 'prefix' | 'suffix') =>
    Object.prototype.hasOwnProperty.call(rule.attrs, key)
      ? render(rule.attrs[key], rule)
      : flavor[key]
        ? render(flavor[key], rule)
        : ''
  const push = (core: string, latest: boolean, rule: TagRule) => {
    b.add(`${affix(rule, 'prefix')}${core}${affix(rule, 'suffix')}`, latestFor(latest), rule)
  }
  const isTag = /^refs\/tags\//.test(ctx.ref)
  const tagName = ctx.ref.replace(/^refs\/tags\//g, '')
  const sourceValue = (rule: TagRule) =>
    rule.attrs.value.length > 0 ? render(rule.attrs.value, rule) : tagName
  const safe = <T>(rule: TagRule, what: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      throw new Error(`Cannot render the ${what} of ${rule.source}: ${(error as Error).message}`, {
        cause: error
      })
    }
  }
  const matchPart = (rule: TagRule, value: string) => {
    if (!rule.attrs.match) return value
    const m = safe(rule, 'match attribute', () => value.match(rule.attrs.match))
    if (!m) {
      scope.warn(`${rule.attrs.match} does not match ${value}.`)
      return value
    }
    if (m[1] === undefined) {
      throw new Error(
        `The match attribute of ${rule.source} needs a capture group, e.g. match=v(\\d.\\d.\\d)$`
      )
    }
    return m[1]
  }

  /**
   * What a semver or pep440 rule parses: its value (else the tag name) through `match`, `/` as `-`; undefined
   * when there is neither (not a tag, no value).
   */
  const versionInput = (rule: TagRule): string | undefined =>
    isTag || rule.attrs.value.length > 0 ? matchPart(rule, sourceValue(rule)).replace(/\//g, '-') : undefined
  /** Adds the rule's `pattern` rendered with a parsed version's parts. */
  const pushVersion = (rule: TagRule, pattern: string, parts: Record<string, unknown>, latest: boolean) => {
    push(
      safe(rule, 'pattern', () => renderVersion(pattern, parts)),
      latest,
      rule
    )
  }

  for (const rule of rules) {
    const enabled = render(rule.attrs.enable, rule)
    if (enabled !== 'true' && enabled !== 'false') {
      throw new Error(
        `Invalid value for enable attribute: ${enabled} in ${rule.source}. Expected true or false`
      )
    }
    if (enabled !== 'true') continue
    switch (rule.type) {
      case 'schedule': {
        if (!/schedule/.test(ctx.eventName)) break
        push(
          safe(rule, 'pattern', () => renderSchedule(rule.attrs.pattern, scope)),
          false,
          rule
        )
        break
      }
      case 'semver': {
        const raw = versionInput(rule)
        if (raw === undefined) break
        if (!semverValid(raw)) {
          scope.warn(`${raw} is not a valid semver. More info: https://semver.org/`)
          break
        }
        const parsed = semverParse(raw, { loose: true })
        if (!parsed) break
        const parts = parsed as unknown as Record<string, unknown>
        if (semverPrerelease(raw)) {
          const pattern = isRawStatement(rule.attrs.pattern) ? rule.attrs.pattern : '{{version}}'
          pushVersion(rule, pattern, parts, false)
        } else {
          if (options.noMajorZero && parsed.major === 0 && rendersOnlyMajor(rule.attrs.pattern)) break
          pushVersion(rule, rule.attrs.pattern, parts, true)
        }
        break
      }
      case 'pep440': {
        const raw = versionInput(rule)
        if (raw === undefined) break
        const parsed = parsePep440(raw)
        if (!parsed) {
          scope.warn(
            `${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`
          )
          break
        }
        if (isPep440Unstable(parsed)) {
          push(isRawStatement(rule.attrs.pattern) ? raw : (cleanPep440(raw) ?? raw), false, rule)
        } else {
          pushVersion(
            rule,
            rule.attrs.pattern,
            {
              raw: () => raw,
              version: () => cleanPep440(raw),
              major: () => pep440Part(parsed, 0),
              minor: () => pep440Part(parsed, 1),
              patch: () => pep440Part(parsed, 2)
            },
            true
          )
        }
        break
      }
      case 'match': {
        if (!isTag && rule.attrs.value.length === 0) break
        const raw = sourceValue(rule)
        const literal = rule.attrs.pattern.match(/^\/(.+)\/(.*)$/)
        let re: RegExp
        try {
          re = literal ? new RegExp(literal[1], literal[2]) : new RegExp(rule.attrs.pattern)
        } catch (error) {
          throw new Error(`Invalid regular expression in ${rule.source}: ${(error as Error).message}`, {
            cause: error
          })
        }
        const m = raw.match(re)
        if (!m) {
          scope.warn(`${rule.attrs.pattern} does not match ${raw}.`)
          break
        }
        const group = (m as unknown as Record<string, string | undefined>)[rule.attrs.group]
        if (group === undefined) {
          scope.warn(`Group ${rule.attrs.group} does not exist for ${rule.attrs.pattern} pattern.`)
          break
        }
        push(group, true, rule)
        break
      }
      case 'ref': {
        if (rule.attrs.event === 'branch' && /^refs\/heads\//.test(ctx.ref)) {
          push(ctx.ref.replace(/^refs\/heads\//g, ''), false, rule)
        } else if (rule.attrs.event === 'tag' && isTag) {
          push(tagName, true, rule)
        } else if (rule.attrs.event === 'pr' && /^refs\/pull\//.test(ctx.ref)) {
          push(ctx.ref.replace(/^refs\/pull\//g, '').replace(/\/merge$/g, ''), false, rule)
        }
        break
      }
      case 'edge': {
        if (!/^refs\/heads\//.test(ctx.ref)) break
        const branch = rule.attrs.branch || repo?.default_branch || ''
        if (branch !== ctx.ref.replace(/^refs\/heads\//g, '')) break
        push('edge', false, rule)
        break
      }
      case 'raw':
        push(render(rule.attrs.value, rule), false, rule)
        break
      case 'sha': {
        if (!ctx.sha) break
        push(rule.attrs.format === 'short' ? shortSha(ctx.sha, scope.shortShaLength) : ctx.sha, false, rule)
        break
      }
    }
  }
  return { main: b.main, partial: [...new Set(b.partial)], latest: b.latest ?? false }
}

/** True when a semver pattern uses `{{major}}` and none of the finer parts (so v0.x would give a bare `0`). */
export function rendersOnlyMajor(pattern: string): boolean {
  const names = [...pattern.matchAll(/\{\{\s*([a-z_]+)/g)].map(m => m[1])
  return (
    names.includes('major') &&
    !names.some(n => ['minor', 'patch', 'version', 'raw', 'prerelease'].includes(n))
  )
}

export { ruleToString }
