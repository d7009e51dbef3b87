// Handlebars expressions of the tags/labels/annotations inputs: `{{branch}}`, `{{tag}}`, `{{sha}}`,
// `{{base_ref}}`, `{{is_default_branch}}`, `{{is_not_default_branch}}`, `{{date 'FMT' tz='ZONE'}}`,
// `{{commit_date 'FMT' tz='ZONE'}}`. Rendering goes through Handlebars itself so escaping and parsing match
// docker/metadata-action; dates use moment.js format tokens (./dates.ts).
import Handlebars from 'handlebars'
import type { RunContext } from '../1-context/context.js'
import { formatMoment } from './dates.js'

export interface ExpressionScope {
  ctx: RunContext
  /** The run's "now" (one instant for the whole computation). */
  now: Date
  /** Short SHA length (DOCKER_METADATA_SHORT_SHA_LENGTH). */
  shortShaLength: number
  /** Receives non-fatal problems (e.g. an unknown time zone). */
  warn: (message: string) => void
}

interface HelperOptions {
  hash?: Record<string, unknown>
}

/** Formats `date` with a moment.js format string in time zone `tz` (default UTC). */
export function formatDate(
  date: Date,
  format: string,
  tz = 'UTC',
  warn: (m: string) => void = () => {}
): string {
  try {
    return formatMoment(date, format, tz)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    warn(`Unknown time zone "${tz}"; formatting the date in UTC`)
    return formatMoment(date, format, 'UTC')
  }
}

function dateHelper(name: string, date: Date, warn: (m: string) => void) {
  return (format: unknown, options?: HelperOptions): string => {
    if (options === undefined) {
      throw new Error(
        `{{${name}}} needs a format, e.g. {{${name} 'YYYYMMDD'}} or {{${name} 'YYYYMMDD' tz='Asia/Tokyo'}}`
      )
    }
    let tz = 'UTC'
    for (const [key, value] of Object.entries(options.hash ?? {})) {
      if (key !== 'tz')
        throw new Error(`Unknown ${key} attribute of {{${name}}}: only tz='Zone/Name' is allowed`)
      tz = String(value)
    }
    // Without a usable format (e.g. an unquoted one, which Handlebars reads as an empty path) moment.js falls
    // back to ISO 8601 with `Z` in UTC and the offset elsewhere.
    const fmt =
      typeof format === 'string' && format
        ? format
        : tz === 'UTC'
          ? 'YYYY-MM-DDTHH:mm:ss[Z]'
          : 'YYYY-MM-DDTHH:mm:ssZ'
    return formatDate(date, fmt, tz, warn)
  }
}

export function shortSha(sha: string, length: number): string {
  return length >= sha.length ? sha : sha.substring(0, length)
}

const stripHeads = (ref: string) => ref.replace(/^refs\/heads\//g, '')

/** `{{is_default_branch}}` as docker/metadata-action decides it: from the event payload's repository. */
export function isDefaultBranchExpression(ctx: RunContext): boolean {
  const branch = stripHeads(ctx.ref)
  if (!branch) return false
  if (ctx.payload?.repository?.default_branch == branch) return true
  // These events always run on the last commit of the default branch.
  return /create|discussion|issues|schedule/.test(ctx.eventName)
}

function render(template: string, data: Record<string, unknown>): string {
  return Handlebars.compile(template)(data)
}

/** Renders the global expressions (tags prefix/suffix/value/enable, labels, annotations, flavor). */
export function renderGlobal(template: string, scope: ExpressionScope): string {
  if (!template.includes('{{')) return template
  const { ctx } = scope
  return render(template, {
    branch: () => (/^refs\/heads\//.test(ctx.ref) ? stripHeads(ctx.ref) : ''),
    tag: () => (/^refs\/tags\//.test(ctx.ref) ? ctx.ref.replace(/^refs\/tags\//g, '') : ''),
    sha: () => shortSha(ctx.sha, scope.shortShaLength),
    base_ref: () => {
      if (/^refs\/tags\//.test(ctx.ref) && ctx.payload?.base_ref != undefined) {
        return String(ctx.payload.base_ref).replace(/^refs\/heads\//g, '')
      }
      if (/^refs\/pull\//.test(ctx.ref) && ctx.payload?.pull_request?.base?.ref != undefined) {
        return String(ctx.payload.pull_request.base.ref)
      }
      return ''
    },
    is_default_branch: () => String(isDefaultBranchExpression(ctx)),
    is_not_default_branch: () => String(!isDefaultBranchExpression(ctx)),
    date: dateHelper('date', scope.now, scope.warn),
    commit_date: dateHelper('commit_date', ctx.commitDate ?? scope.now, scope.warn)
  })
}

/** Renders a `type=schedule` pattern: only `{{date}}` and `{{commit_date}}` are known there. */
export function renderSchedule(pattern: string, scope: ExpressionScope): string {
  return render(pattern, {
    date: dateHelper('date', scope.now, scope.warn),
    commit_date: dateHelper('commit_date', scope.ctx.commitDate ?? scope.now, scope.warn)
  })
}

/** Renders a semver/pep440 pattern against version parts. */
export function renderVersion(pattern: string, data: Record<string, unknown>): string {
  return render(pattern, data)
}

/** True when the pattern is exactly `{{raw}}` (pre-releases then keep the raw tag instead of `{{version}}`). */
export function isRawStatement(pattern: string): boolean {
  try {
    const program = Handlebars.parseWithoutProcessing(pattern)
    if (program.body.length !== 1 || program.body[0].type !== 'MustacheStatement') return false
    const path = (program.body[0] as unknown as { path: { parts?: string[] } }).path
    return path.parts?.length === 1 && path.parts[0] === 'raw'
  } catch {
    return false
  }
}
