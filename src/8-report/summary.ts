// What the run did, per target: the outputs (version, tags, images, metadata, bake-file, pushed) and the job
// summary, one row per target × platform with image, tags, digest and whether it was pushed (and why not).
// Written on success and on failure alike; nothing here ever holds a credential.
import * as core from '@actions/core'
import type { PushDecision } from '../1-context/push-decision.js'
import type { TargetSignature } from '../7-publish/sign/command.js'
import { signatureSection } from './signatures.js'

export type TargetStatus = 'planned' | 'pushed' | 'built' | 'untagged' | 'failed' | 'not-built' | 'skipped'

export interface TargetResult {
  target: string
  image: string
  platforms: string[]
  /** Every reference the plan asked for. */
  requestedTags: string[]
  /** References that now point at `digest`. */
  tags: string[]
  /** Tags a policy withheld, with the reason (issue 5's monotonic/immutable rules plug in here). */
  withheld: { tag: string; reason: string }[]
  /** Index digest pushed to the registry. */
  digest?: string
  /** platform → manifest digest inside the index. */
  platformDigests: Record<string, string>
  pushed: boolean
  status: TargetStatus
  /** Why it was not pushed / not tagged, or a note. */
  reason: string
  /** Extra per-target data for the `images` output (e.g. build metrics). */
  extra?: Record<string, unknown>
  /** Set when the index was signed (src/7-publish/sign): the cosign verify command the renderers show. */
  signature?: TargetSignature
}

export interface RunReport {
  version: string
  push: PushDecision
  dryRun: boolean
  targets: TargetResult[]
  metadataJson: string
  bakeFile: string
  /** The error that failed the step, if any. */
  error?: string
  /** Lines for the summary's notes (notices given during the run). */
  notes: string[]
  /** Markdown blocks appended to the summary (tag policy, build metrics). */
  sections: string[]
  /** Pushed by digest only, never tagged (digest-only input). */
  digestOnly: boolean
}

export function emptyReport(): RunReport {
  return {
    version: '',
    push: { push: false, reason: 'not decided' },
    dryRun: false,
    targets: [],
    metadataJson: '{}',
    bakeFile: '',
    notes: [],
    sections: [],
    digestOnly: false
  }
}

export interface ReportSink {
  output(name: string, value: string): void
  summary(markdown: string): Promise<void>
}

export const actionSink: ReportSink = {
  output: (name, value) => core.setOutput(name, value),
  summary: async markdown => {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(markdown, true).write()
  }
}

export function outputs(report: RunReport): Record<string, string> {
  const images: Record<string, unknown> = {}
  for (const t of report.targets) {
    if (t.status === 'skipped') continue
    images[t.target] = {
      image: t.image,
      tags: t.tags,
      platforms: t.platforms,
      digest: t.digest ?? null,
      pushed: t.pushed,
      ...(t.extra ?? {})
    }
  }
  const imageTargets = report.targets.filter(t => t.status !== 'skipped')
  const pushed =
    report.push.push && imageTargets.length > 0 && imageTargets.every(t => t.pushed) && !report.error
  return {
    version: report.version,
    digests: JSON.stringify(digestsOutput(report)),
    tags: report.targets.flatMap(t => t.tags).join('\n'),
    images: JSON.stringify(images),
    metadata: report.metadataJson,
    'bake-file': report.bakeFile,
    pushed: String(pushed)
  }
}

/**
 * The `digests` output: `{target: {platform: digest}}`, where the digest is the pushed index holding that
 * platform (with its attestation manifest): what a merge job combines with `imagetools create`.
 */
export function digestsOutput(report: RunReport): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const t of report.targets) {
    if (t.status === 'skipped' || !t.digest || !t.pushed) continue
    out[t.target] = Object.fromEntries(t.platforms.map(p => [p, t.digest as string]))
  }
  return out
}

/** One line per target: what was published, which tags were not moved and why (the summary's answer at a glance). */
export function glance(report: RunReport): string[] {
  const lines: string[] = []
  for (const t of report.targets) {
    if (t.status === 'skipped') continue
    const bare = (r: string) => code(r.slice(t.image.length + 1))
    let line = `- **${cell(t.target)}** ${code(t.image)}: `
    if (report.digestOnly && t.pushed) line += `pushed by digest, not tagged (${code(t.digest ?? '')})`
    else if (t.pushed)
      line += t.tags.length ? `published ${t.tags.map(bare).join(' ')}` : 'published, no tag moved'
    else line += `nothing published — ${cell(t.reason)}`
    if (t.withheld.length) {
      line += `; not moved: ${t.withheld.map(w => `${bare(w.tag)} (${cell(w.reason)})`).join(', ')}`
    }
    lines.push(line)
  }
  return lines
}

/** Makes any text safe inside a markdown table cell (branch names and tags are data, never markup). */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\r?\n/g, ' ')
}

const code = (text: string) => (text ? `<code>${cell(text)}</code>` : '')
const short = (digest?: string) => (digest ? digest.replace(/^sha256:/, 'sha256:').slice(0, 19) + '…' : '—')

function pushedCell(t: TargetResult): string {
  if (t.pushed) return '✅ pushed'
  if (t.status === 'planned') return cell(t.reason)
  return `❌ ${cell(t.reason)}`
}

export function renderSummary(report: RunReport): string {
  const lines: string[] = []
  const title = report.dryRun ? 'Multi-arch publish plan (dry run)' : 'Multi-arch publish'
  lines.push(`## ${title}`, '')
  if (report.error) lines.push(`> **Failed:** ${cell(report.error)}`, '')
  lines.push(
    `**Version:** ${code(report.version) || '—'} · **Push:** ${report.push.push ? 'yes' : 'no'} (${cell(report.push.reason)})`,
    ''
  )
  // The one place that says what was published and which tags were not moved, and why.
  if (!report.dryRun && report.targets.length) lines.push(...glance(report), '')
  lines.push('| Target | Platform | Image | Tags | Digest | Pushed |', '|---|---|---|---|---|---|')
  for (const t of report.targets) {
    if (t.status === 'skipped') continue
    // What moved once pushed (withheld tags are not in it); before that, what the plan asks for.
    const tags = t.pushed ? t.tags : t.requestedTags
    const tagCell =
      tags.map(r => code(r.slice(t.image.length + 1))).join(' ') || (report.digestOnly ? 'not tagged' : '—')
    for (const p of t.platforms) {
      const digest = t.platformDigests[p] ?? t.digest
      lines.push(
        `| ${cell(t.target)} | ${cell(p)} | ${code(t.image)} | ${tagCell} | ${digest ? `<code title="${cell(digest)}">${short(digest)}</code>` : '—'} | ${pushedCell(t)} |`
      )
    }
  }
  const skipped = report.targets.filter(t => t.status === 'skipped')
  if (skipped.length) {
    lines.push('', '**Not image targets:**', '')
    for (const t of skipped) lines.push(`- ${cell(t.target)}: ${cell(t.reason)}`)
  }
  const digests = report.targets.filter(t => t.digest)
  if (digests.length) {
    lines.push('', '**Index digests:**', '')
    for (const t of digests) lines.push(`- ${cell(t.target)}: ${code(`${t.image}@${t.digest}`)}`)
  }
  lines.push(...signatureSection(report.targets))
  for (const section of report.sections) lines.push('', section)
  if (report.notes.length) {
    lines.push('', '**Notes:**', '')
    for (const n of report.notes) lines.push(`- ${cell(n)}`)
  }
  return lines.join('\n') + '\n'
}

/** Writes outputs and the summary; never throws (it runs while the step may already be failing). */
export async function writeReport(report: RunReport, sink: ReportSink): Promise<void> {
  try {
    for (const [name, value] of Object.entries(outputs(report))) sink.output(name, value)
    await sink.summary(renderSummary(report))
  } catch (e) {
    core.warning(`Could not write the outputs or the summary: ${(e as Error).message}`)
  }
}
