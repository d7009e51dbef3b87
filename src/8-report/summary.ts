// What the run did, per target, as the outputs (version, tags, images, digests, metadata, bake-file, pushed) and
// the job summary: one line per target saying what was published and which tags stayed and why, then one row
// per target × platform. Written on success and on failure alike; nothing here ever holds a credential. The
// rows come from 7-publish/results.ts; this module only reads them.
import * as core from '@actions/core'
import { tagOf } from '../6-registry/reference.js'
import { imageTargets, type RunReport, type TargetResult } from '../7-publish/results.js'
import { normalizePlatform } from '../lib/platform.js'
import { cell, code } from './markdown.js'
import { signatureSection } from './signatures.js'

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
  const rows = imageTargets(report.targets)
  for (const t of rows) {
    images[t.target] = {
      image: t.image,
      tags: t.tags,
      platforms: t.platforms,
      digest: t.digest ?? null,
      pushed: t.pushed,
      ...(t.extra ?? {})
    }
  }
  const pushed = report.push.push && rows.length > 0 && rows.every(t => t.pushed) && !report.error
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
 * The `digests` output: `{target: {platform: manifest digest, "index": index digest}}` for every pushed target.
 * The index holds each platform with its attestation manifest: it is what merge combines (merge-digests.ts
 * reads `index`); the platform entries say which manifest each platform got.
 */
export function digestsOutput(report: RunReport): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const t of imageTargets(report.targets)) {
    if (!t.digest || !t.pushed) continue
    const platforms = t.platforms.flatMap(p => {
      const digest = t.platformDigests[normalizePlatform(p)]
      return digest ? [[p, digest]] : []
    })
    out[t.target] = { ...Object.fromEntries(platforms), index: t.digest }
  }
  return out
}

/** One line per target: what was published, which tags were not moved and why (the summary's answer at a glance). */
export function glance(report: RunReport): string[] {
  const lines: string[] = []
  for (const t of imageTargets(report.targets)) {
    const bare = (r: string) => code(tagOf(t.image, r))
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

const short = (digest?: string) => (digest ? `${digest.slice(0, 19)}…` : '—')

function pushedCell(t: TargetResult): string {
  if (t.pushed) return '✅ pushed'
  if (t.status === 'planned') return cell(t.reason)
  return `❌ ${cell(t.reason)}`
}

export function renderSummary(report: RunReport, heading = 'Multi-arch publish'): string {
  const lines: string[] = []
  const title = report.dryRun ? `${heading} plan (dry run)` : heading
  lines.push(`## ${title}`, '')
  if (report.error) lines.push(`> **Failed:** ${cell(report.error)}`, '')
  lines.push(
    `**Version:** ${code(report.version) || '—'} · **Push:** ${report.push.push ? 'yes' : 'no'} (${cell(report.push.reason)})`,
    ''
  )
  // The one place that says what was published and which tags were not moved, and why.
  if (!report.dryRun && report.targets.length) lines.push(...glance(report), '')
  lines.push('| Target | Platform | Image | Tags | Digest | Pushed |', '|---|---|---|---|---|---|')
  for (const t of imageTargets(report.targets)) {
    // What moved once pushed (withheld tags are not in it); before that, what the plan asks for.
    const tags = t.pushed ? t.tags : t.requestedTags
    const tagCell =
      tags.map(r => code(tagOf(t.image, r))).join(' ') || (report.digestOnly ? 'not tagged' : '—')
    for (const p of t.platforms) {
      const digest = t.platformDigests[normalizePlatform(p)] ?? t.digest
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

/**
 * Writes the outputs (all of them, or the `names` an action declares) and the summary; never throws (it runs
 * while the step may already be failing).
 */
export async function writeReport(
  report: RunReport,
  sink: ReportSink,
  o: { names?: string[]; heading?: string } = {}
): Promise<void> {
  try {
    for (const [name, value] of Object.entries(outputs(report))) {
      if (!o.names || o.names.includes(name)) sink.output(name, value)
    }
    await sink.summary(renderSummary(report, o.heading))
  } catch (e) {
    core.warning(`Could not write the outputs or the summary: ${(e as Error).message}`)
  }
}
