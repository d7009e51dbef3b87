// The CLI's terminal: the action's log and its result, for a person or a script rather than for GitHub.
// - The log: @actions/core speaks the runner's workflow-command language on stdout (`::group::`, `::warning::`,
//   `::debug::`); outside GitHub Actions those lines are rendered for a terminal and sent to stderr, so stdout
//   holds only the result. `quiet` keeps warnings, notices and errors; `normal` adds the log lines (build
//   progress); `verbose` adds debug lines.
//   https://docs.github.com/actions/reference/workflow-commands-for-github-actions
// - The result: one row per image (target, image, platforms, the tags that move or would move), then what stays
//   where it is and why, what was published or why not; or one JSON document for scripts.
import { tagOf } from '../6-registry/reference.js'
import { imageTargets, type RunReport } from '../7-publish/results.js'

export type LogLevel = 'quiet' | 'normal' | 'verbose'

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/

const unescape = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')

/** One log line as a terminal shows it; undefined drops the line. */
export function renderLine(line: string, level: LogLevel): string | undefined {
  const m = COMMAND.exec(line)
  if (!m) return level === 'quiet' ? undefined : line
  const [, command, data] = m
  const text = unescape(data)
  switch (command) {
    case 'group':
      return level === 'quiet' ? undefined : `\n── ${text}`
    case 'debug':
      return level === 'verbose' ? `debug: ${text}` : undefined
    case 'notice':
    case 'warning':
    case 'error':
      return `${command}: ${text}`
    case 'endgroup':
    case 'add-mask':
      return undefined
    default:
      return level === 'quiet' ? undefined : line
  }
}

/** Routes what the action writes to stdout through renderLine onto stderr, for the rest of the process. */
export function renderWorkflowCommands(level: LogLevel): (text: string) => void {
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    const lines = text.split('\n')
    const last = lines.pop() as string
    const shown = lines.map(l => renderLine(l, level)).filter((l): l is string => l !== undefined)
    const rendered = shown.map(l => `${l}\n`).join('') + (last ? (renderLine(last, level) ?? '') : '')
    return (err as (c: string, ...r: unknown[]) => boolean)(rendered, ...rest)
  }) as typeof process.stdout.write
  // The result still goes to the real stdout.
  return text => void out(text)
}

/** Columns padded to their widest cell; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  )
}

/** The result for a person: one row per image, then per target what stays, what was published or why not. */
export function renderResult(report: RunReport): string {
  const images = imageTargets(report.targets)
  const pushWord = report.dryRun
    ? report.push.push
      ? 'would push'
      : 'would not push'
    : report.push.push
      ? 'push'
      : 'no push'
  const lines = [`Version ${report.version || '(none)'} · ${pushWord} (${report.push.reason})`, '']
  const moving = (t: (typeof images)[number]) =>
    report.dryRun || !t.pushed ? t.requestedTags.filter(r => !t.withheld.some(w => w.tag === r)) : t.tags
  const header = ['TARGET', 'IMAGE', 'PLATFORMS', report.dryRun ? 'WOULD MOVE' : 'TAGS']
  const rows = images.map(t => [
    t.target,
    t.image,
    t.platforms.join(', '),
    moving(t)
      .map(r => tagOf(t.image, r))
      .join(' ') || (report.digestOnly ? '(digest only)' : '—')
  ])
  if (rows.length) lines.push(...table([header, ...rows]), '')
  for (const t of images) {
    const reasons = new Map<string, string[]>()
    for (const w of t.withheld)
      reasons.set(w.reason, [...(reasons.get(w.reason) ?? []), tagOf(t.image, w.tag)])
    for (const [reason, tags] of reasons) {
      lines.push(
        `${t.target}: ${tags.join(', ')} ${report.dryRun ? 'would stay' : 'stayed'} where ${tags.length > 1 ? 'they are' : 'it is'} (${reason})`
      )
    }
    if (t.pushed && t.digest) lines.push(`${t.target}: ${t.image}@${t.digest}`)
    else if (!report.dryRun && t.status !== 'planned') lines.push(`${t.target}: not published (${t.reason})`)
  }
  for (const t of report.targets.filter(x => x.status === 'skipped'))
    lines.push(`${t.target}: not an image: ${t.reason}`)
  for (const n of report.notes) lines.push(`note: ${n}`)
  if (report.error) lines.push('', `Failed: ${report.error}`)
  return lines.join('\n').replace(/\n+$/, '') + '\n'
}

/** The result for a script: stable keys, tag names without the image. */
export function resultJson(report: RunReport): Record<string, unknown> {
  return {
    version: report.version,
    push: report.push,
    dryRun: report.dryRun,
    error: report.error ?? null,
    targets: report.targets.map(t => ({
      target: t.target,
      image: t.image,
      status: t.status,
      reason: t.reason,
      platforms: t.platforms,
      requestedTags: t.requestedTags.map(r => tagOf(t.image, r)),
      tags: t.tags.map(r => tagOf(t.image, r)),
      withheld: t.withheld.map(w => ({ tag: tagOf(t.image, w.tag), reason: w.reason })),
      digest: t.digest ?? null,
      platformDigests: t.platformDigests,
      pushed: t.pushed
    })),
    notes: report.notes
  }
}
