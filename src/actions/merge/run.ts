// The `merge` sub-action, as phases: the legs' digests → login (the plan's registry only) → legs check →
// release check → one index per target, pushed by digest → signing → tagging, all or nothing → PR comment →
// report. The
// release check and the tagging are the main action's own (7-publish/release-policy.ts, tagging.ts), so a
// release follows one rule whichever path published it. No tag moves until every target's index exists, so a
// missing or failed leg, a refused release tag or a failed index push leaves every tag where it was.
import * as core from '@actions/core'
import { contextFromWorkflow, type RunContext } from '../../1-context/context.js'
import { plannedFlavor, plannedTags, type PlanDocument } from '../../3-plan/document.js'
import { RegistryClient } from '../../6-registry/client.js'
import { registryCredentials } from '../../6-registry/credentials.js'
import { login, logout, resolveCredentials } from '../../6-registry/docker-login.js'
import { parseImageRef, tagRef } from '../../6-registry/reference.js'
import { matchDigests, readDigests } from '../../7-publish/merge-digests.js'
import { checkLegs, indexAnnotations, pushIndexes } from '../../7-publish/merge-index.js'
import { checkBeforePush, releasePolicy } from '../../7-publish/release-policy.js'
import { abandoned, builtOnly, emptyReport, plannedTarget, type RunReport } from '../../7-publish/results.js'
import { signAndTag } from '../../7-publish/release.js'
import { writePreviewComment } from '../../8-report/pr-comment.js'
import { actionSink, writeReport, type ReportSink } from '../../8-report/summary.js'
import { phase } from '../../lib/phase.js'
import { getMergeInputs, type MergeInputs } from './inputs.js'

export interface MergeOptions {
  inputs?: MergeInputs
  sink?: ReportSink
  /** Where relative digest paths resolve (default GITHUB_WORKSPACE or the working directory). */
  cwd?: string
  /** The GitHub context (default the runner's, for the PR comment). */
  context?: RunContext
}

/** The outputs merge/action.yml declares. */
const OUTPUTS = ['version', 'tags', 'images', 'pushed']

/**
 * Phase: `docker login` to the plan's registry (the one the username and password, or the job token for
 * ghcr.io, belong to) and a registry client holding those credentials for that registry only. Images of the
 * plan on other registries get only what earlier login steps left in the docker config for them: a credential
 * is never sent to a registry it is not for.
 */
async function loginPhase(
  plan: PlanDocument,
  inputs: MergeInputs,
  loggedIn: string[]
): Promise<RegistryClient> {
  const c = resolveCredentials(plan.registry, inputs.username, inputs.password, {
    actor: process.env.GITHUB_ACTOR ?? '',
    token: inputs.githubToken
  })
  // False when an earlier step's login of ghcr.io was kept: its credentials come from the docker config.
  const logged = c ? await login(c) : false
  if (logged && c) loggedIn.push(c.registry)
  if (!c) core.info(`No login to ${plan.registry}: no password given; using the docker config's credentials`)
  const others = [...new Set(plan.images.map(i => parseImageRef(i.image).registry))].filter(
    r => r !== plan.registry
  )
  if (others.length && c) {
    core.info(
      `${others.join(', ')}: the docker config's credentials only (the login is for ${plan.registry})`
    )
  }
  return new RegistryClient({ credentials: registryCredentials(c, c?.defaulted === true && !logged) })
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
    const { plan } = inputs
    previewComment = () =>
      writePreviewComment({
        ctx,
        report,
        enabled: inputs.prComment,
        token: inputs.githubToken,
        attestations: inputs.attestations
      })
    report.version = plan.version
    report.push = { push: plan.push, reason: plan.pushReason }
    report.targets = plan.images.map(i =>
      plannedTarget(
        { ...i, requestedTags: plannedTags(plan, i).map(t => tagRef(i.image, t)) },
        'waiting for every build leg'
      )
    )
    if (!plan.push) {
      core.notice(`Nothing to merge: ${plan.pushReason}.`)
      for (const t of report.targets) builtOnly(t, plan.pushReason)
      return report
    }
    const cwd = o.cwd ?? (process.env.GITHUB_WORKSPACE || process.cwd())
    const { sources, notes } = await phase('Digests of the build legs', async () =>
      matchDigests(plan, await readDigests(inputs.digests, cwd))
    )
    for (const n of notes) core.warning(n)
    const client = await phase('Registry login', () => loginPhase(plan, inputs, loggedIn))
    const policy = releasePolicy({
      version: plan.version,
      labels: plan.labels,
      affixes: plan.flavor,
      // A target's variant wraps the flavor: its image's tags are read inside both.
      imageAffixes: Object.fromEntries(
        plan.images.filter(i => i.variant).map(i => [i.image, plannedFlavor(plan, i)])
      ),
      monotonic: plan.monotonic,
      overwrite: inputs.overwrite,
      attestations: inputs.attestations
    })
    await phase('Build legs', () => checkLegs(client, sources))
    const images = plan.images.map(i => ({ image: i.image, tags: plannedTags(plan, i) }))
    await phase('Release tags', () => checkBeforePush(client, images, policy))
    await phase('Indexes (by digest, untagged)', () =>
      pushIndexes(client, sources, report.targets, {
        annotations: indexAnnotations(plan.annotations, plan.annotationLevels),
        builder: inputs.builder || undefined,
        attestations: inputs.attestations
      })
    )
    // Each index (and every leg's manifest in it) is signed before any tag moves.
    await signAndTag(client, report.targets, policy, {
      inputs: inputs.signing,
      ctx,
      githubToken: inputs.githubToken
    })
    return report
  } catch (e) {
    report.error = (e as Error).message
    for (const t of report.targets) abandoned(t, 'not merged: the merge failed')
    core.setFailed(report.error)
    return report
  } finally {
    for (const registry of loggedIn) await logout(registry)
    try {
      await previewComment?.()
    } catch (e) {
      core.warning(`Could not write the PR comment: ${(e as Error).message}`)
    }
    await writeReport(report, sink, { names: OUTPUTS, heading: 'Multi-arch merge' })
  }
}
