// The `merge` sub-action, as named phases: digests → login → legs → tag policy → indexes → tags → verify →
// PR comment (src/pr-comment.ts, as the main action writes it) → report. No tag moves until every target's
// index exists in the registry, so a missing or failed leg, a refused release tag or a failed index push leaves
// every tag of every image where it was.
import * as core from '@actions/core'
import { repositoryOf } from '../3-plan/targets.js'
import { contextFromWorkflow, type RunContext } from '../1-context/context.js'
import { writePreviewComment } from '../8-report/pr-comment.js'
import { RegistryClient, type Credentials as ClientCredentials } from '../6-registry/client.js'
import { tagAll } from './publish.js'
import { login, logout, resolveCredentials } from '../6-registry/docker-login.js'
import { dockerConfigResolver } from '../6-registry/credentials.js'
import {
  actionSink,
  emptyReport,
  outputs,
  renderSummary,
  type ReportSink,
  type RunReport,
  type TargetResult
} from '../8-report/summary.js'
import {
  immutableConflictMessage,
  planImageTags,
  recheckImmutableTags,
  type ImmutableConflict,
  type ImageTagPlan
} from './tag-policy.js'
import { verificationMessage, verifyPushed } from './verify.js'
import { matchDigests, readDigests, type TargetSources } from './merge-digests.js'
import {
  checkComposed,
  composeIndex,
  indexAnnotations,
  pushIndex,
  type ComposedIndex
} from './merge-index.js'
import { getMergeInputs, type MergeInputs } from './merge-inputs.js'
import { parseImageRef } from '../6-registry/reference.js'
import { describeIndex } from '../6-registry/manifest.js'
import { signTargets } from './sign/sign-images.js'
import { plannedFlavor, plannedImage, plannedTags } from '../3-plan/document.js'

export interface MergeOptions {
  inputs?: MergeInputs
  sink?: ReportSink
  /** Where relative digest paths resolve (default GITHUB_WORKSPACE or the working directory). */
  cwd?: string
  /** The GitHub context (default the runner's, for the PR comment). */
  context?: RunContext
}

const group = <T>(name: string, fn: () => Promise<T>): Promise<T> => core.group(name, fn)

/** Phase: every leg's digest exists in the registry and holds exactly its platform. */
async function checkLegs(client: RegistryClient, sources: TargetSources[]): Promise<void> {
  const problems: string[] = []
  for (const s of sources) {
    for (const platform of s.platforms) {
      const ref = `${s.image}@${s.digests[platform]}`
      const m = await client.getManifest(ref)
      if (!m) {
        problems.push(`${s.target} ${platform}: ${ref} is not in the registry`)
        continue
      }
      const found = m.json.manifests
        ? describeIndex(m.json).images.map(i => i.platform)
        : ['(single manifest)']
      if (m.json.manifests && (found.length !== 1 || found[0] !== platform)) {
        problems.push(
          `${s.target} ${platform}: ${ref} holds ${found.join(', ') || 'no platform'}, expected ${platform}`
        )
      }
      core.info(`${s.target} ${platform}: ${ref}`)
    }
  }
  if (problems.length) {
    throw new Error(
      [
        'Cannot merge: build leg digests do not match the plan; no tag moved:',
        ...problems.map(p => `  ${p}`)
      ].join('\n')
    )
  }
}

/** Phase: monotonic floating tags and immutable release tags, before any index is pushed. */
async function tagPolicy(client: RegistryClient, inputs: MergeInputs, rows: TargetResult[]): Promise<void> {
  const { plan } = inputs
  const decisions: ImageTagPlan[] = []
  for (const row of rows) {
    const planned = plannedImage(plan, row.target)
    const d = await planImageTags(client, row.image, plan.version, plannedTags(plan, planned), {
      ...plannedFlavor(plan, planned),
      monotonic: plan.monotonic,
      overwrite: inputs.overwrite
    })
    if (d.note) core.info(`${row.target}: ${d.note}`)
    for (const w of d.withheld) core.info(`${row.target}: ${w.tag} withheld (${w.reason})`)
    row.withheld = d.withheld.map(w => ({ tag: `${row.image}:${w.tag}`, reason: w.reason }))
    decisions.push(d)
  }
  const conflicts = decisions.flatMap(d => d.conflicts)
  if (conflicts.length) throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite' }))
}

/** Phase: compose and check every index first, then push each by digest; still no tag. */
async function indexes(
  inputs: MergeInputs,
  client: RegistryClient,
  sources: TargetSources[],
  rows: TargetResult[]
): Promise<ComposedIndex[]> {
  const annotations = indexAnnotations(inputs.plan.annotations, inputs.plan.annotationLevels)
  const composed: ComposedIndex[] = []
  const diffs: string[] = []
  for (const s of sources) {
    const c = await composeIndex(s, annotations, inputs.builder || undefined)
    diffs.push(...checkComposed(c, s.platforms, inputs.attestations))
    composed.push(c)
  }
  if (diffs.length)
    throw new Error(
      [
        'The composed indexes are not what the plan asks for; nothing pushed, no tag moved:',
        ...diffs.map(d => `  ${d}`)
      ].join('\n')
    )
  const exists = async (ref: string) => (await client.getManifest(ref)) !== undefined
  for (const c of composed) {
    await pushIndex(c, exists)
    const row = rows.find(r => r.target === c.target) as TargetResult
    row.digest = c.digest
    row.platformDigests = Object.fromEntries(describeIndex(c.json).images.map(i => [i.platform, i.digest]))
    Object.assign(row, { status: 'untagged', reason: 'index pushed by digest, not tagged yet' })
  }
  return composed
}

/**
 * Phase: tags, through the main action's tagging (src/publish.ts `tagAll`: targets concurrently, each tag read
 * back), with stage 2 of the immutable rule before the first tag moves and the post-push verification after.
 */
async function tagging(client: RegistryClient, inputs: MergeInputs, report: RunReport): Promise<void> {
  await tagAll(client, report.targets, report, {
    beforeTagging: async rows => {
      const conflicts: ImmutableConflict[] = []
      for (const row of rows) {
        const withheld = new Set(row.withheld.map(w => w.tag))
        const apply = row.requestedTags.filter(r => !withheld.has(r)).map(r => r.slice(row.image.length + 1))
        conflicts.push(
          ...(await recheckImmutableTags(client, row.image, apply, row.digest as string, {
            ...plannedFlavor(inputs.plan, plannedImage(inputs.plan, row.target)),
            overwrite: inputs.overwrite
          }))
        )
      }
      if (conflicts.length)
        throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite', afterPush: true }))
    },
    afterTagging: rows => verify(client, inputs, rows)
  })
}

async function verify(client: RegistryClient, inputs: MergeInputs, rows: TargetResult[]): Promise<void> {
  const diffs: string[] = []
  for (const row of rows) {
    diffs.push(
      ...(await verifyPushed(client, {
        image: row.image,
        digest: row.digest as string,
        platforms: row.platforms,
        attestations: inputs.attestations,
        tags: row.tags.map(t => t.slice(row.image.length + 1))
      }))
    )
  }
  if (diffs.length) throw new Error(verificationMessage(diffs))
  core.info(`Verified ${rows.length} index(es): platforms, attestations and tags`)
}

function rowsOf(inputs: MergeInputs): TargetResult[] {
  return inputs.plan.images.map(i => ({
    target: i.target,
    image: i.image,
    platforms: i.platforms,
    requestedTags: plannedTags(inputs.plan, i).map(t => `${i.image}:${t}`),
    tags: [],
    withheld: [],
    platformDigests: {},
    pushed: false,
    status: 'planned',
    reason: 'waiting for every build leg'
  }))
}

/** Runs the merge; outputs and summary are written on success and failure alike. */
export async function run(o: MergeOptions = {}): Promise<RunReport> {
  const sink = o.sink ?? actionSink
  const report = emptyReport()
  const loggedIn: string[] = []
  // Set once the inputs and the context are read: the comment is written on success and failure alike.
  let previewComment: (() => Promise<void>) | undefined
  try {
    const inputs = o.inputs ?? getMergeInputs()
    const ctx = o.context ?? contextFromWorkflow()
    previewComment = () =>
      writePreviewComment({
        ctx,
        report,
        enabled: inputs.prComment,
        token: inputs.githubToken,
        attestations: inputs.attestations
      })
    const { plan } = inputs
    report.version = plan.version
    report.push = { push: plan.push, reason: plan.pushReason }
    report.targets = rowsOf(inputs)
    if (!plan.push) {
      core.notice(`Nothing to merge: ${plan.pushReason}.`)
      report.targets.forEach(r => Object.assign(r, { status: 'built', reason: plan.pushReason }))
      return report
    }
    const cwd = o.cwd ?? (process.env.GITHUB_WORKSPACE || process.cwd())
    const { sources, notes } = await group('Digests of the build legs', async () =>
      matchDigests(plan, await readDigests(inputs.digests, cwd))
    )
    for (const n of notes) core.warning(n)
    const credentials: Record<string, ClientCredentials> = {}
    await group('Registry login', async () => {
      for (const registry of new Set(plan.images.map(i => parseImageRef(repositoryOf(i.image)).registry))) {
        const c = resolveCredentials(registry, inputs.username, inputs.password, {
          actor: process.env.GITHUB_ACTOR ?? '',
          token: inputs.githubToken
        })
        if (!c) continue
        if (await login(c)) loggedIn.push(registry)
        credentials[registry] = { username: c.username, password: c.password }
      }
    })
    // Registries without a password input: what an earlier login step left in the docker config.
    const client = new RegistryClient({ credentials: dockerConfigResolver({ given: credentials }) })
    await group('Build legs', () => checkLegs(client, sources))
    await group('Tag policy', () => tagPolicy(client, inputs, report.targets))
    await group('Indexes (by digest, untagged)', () => indexes(inputs, client, sources, report.targets))
    // Signing: each index (and every leg's manifest in it) before any tag moves.
    await signTargets(client, report.targets, {
      inputs: inputs.signing,
      ctx,
      push: true,
      githubToken: inputs.githubToken
    })
    await group('Tagging and verification', () => tagging(client, inputs, report))
    return report
  } catch (e) {
    report.error = (e as Error).message
    for (const r of report.targets)
      if (r.status === 'planned')
        Object.assign(r, { status: 'not-built', reason: 'not merged: the merge failed' })
    core.setFailed(report.error)
    return report
  } finally {
    for (const registry of loggedIn) await logout(registry)
    try {
      await previewComment?.()
    } catch (e) {
      core.warning(`Could not write the PR comment: ${(e as Error).message}`)
    }
    try {
      const out = outputs(report)
      for (const name of ['version', 'tags', 'images', 'pushed'] as const) sink.output(name, out[name])
      await sink.summary(renderSummary(report).replace(/^## Multi-arch publish/, '## Multi-arch merge'))
    } catch (e) {
      core.warning(`Could not write the outputs or the summary: ${(e as Error).message}`)
    }
  }
}
