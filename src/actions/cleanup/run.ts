// The `cleanup` sub-action, as named phases: the images (the bake file's image targets, named exactly as the main
// action names them) → which pull requests (the closed one of this event, or on a schedule every closed one
// whose previews are older than `older-than` days) → a plan per image (read only) → the registry check (one
// that refuses deletes fails the step before anything changes) → deletes → PR comments → summary.
// A sub-action rather than a mode of the main action: it needs no builder, QEMU or build, runs in its own job
// with `packages: write` (and no `contents: write`), and keeps the main bundle and its inputs as they are.
import * as core from '@actions/core'
import { contextFromWorkflow, type RunContext } from '../../1-context/context.js'
import { planImageNames } from '../../3-plan/plan.js'
import { RegistryClient } from '../../6-registry/client.js'
import { registryLogin } from '../../6-registry/docker-login.js'
import { packagesApiFor } from '../../6-registry/packages.js'
import {
  applyPlan,
  checkDeletesAllowed,
  hasWork,
  planImages,
  type CleanupAccess,
  type ImageCleanup
} from '../../7-publish/preview-cleanup.js'
import { closedAndOld, eventPullRequests } from '../../7-publish/preview-selection.js'
import { commentPreviewsRemoved, removedOutput, renderCleanupSummary } from '../../8-report/cleanup-report.js'
import { phase } from '../../lib/phase.js'
import { getCleanupInputs, type CleanupInputs } from './inputs.js'

export interface CleanupOptions {
  inputs?: CleanupInputs
  context?: RunContext
  /** The clock of the age rule (tests). */
  now?: Date
}

export interface CleanupResult {
  numbers: number[]
  results: ImageCleanup[]
  notes: string[]
  error?: string
}

/**
 * The registry client (the login the shared inputs describe, for the registry input only) and, for images on
 * GitHub Packages, its API with packages-token (else github-token).
 */
function access(inputs: CleanupInputs, ctx: RunContext): CleanupAccess {
  const creds = registryLogin(inputs.shared, ctx)
  return {
    client: new RegistryClient({
      credentials: creds ? { [creds.registry]: { username: creds.username, password: creds.password } } : {}
    }),
    packagesFor: packagesApiFor({
      token: inputs.packagesToken || inputs.shared.githubToken,
      apiUrl: ctx.apiUrl,
      forced: inputs.registryApi,
      repositoryOwner: ctx.repository.owner,
      repositoryOwnerType: ctx.payload?.repository?.owner?.type
    })
  }
}

/** Runs the clean-up; outputs and summary are written also on failure. */
export async function run(o: CleanupOptions = {}): Promise<CleanupResult> {
  const result: CleanupResult = { numbers: [], results: [], notes: [] }
  let dryRun = false
  try {
    const inputs = o.inputs ?? getCleanupInputs()
    dryRun = inputs.dryRun
    const ctx = o.context ?? contextFromWorkflow()
    const s = access(inputs, ctx)
    const images = await phase('Images', () => planImageNames(inputs.shared, ctx))
    const chosen = eventPullRequests(ctx, inputs.pullRequest)
    const numbers =
      chosen === 'scheduled'
        ? await phase('Closed pull requests with previews', () =>
            closedAndOld(images, {
              ctx,
              githubToken: inputs.shared.githubToken,
              olderThanDays: inputs.olderThanDays,
              now: o.now ?? new Date(),
              access: s,
              notes: result.notes
            })
          )
        : chosen
    if (!numbers?.length) return result
    result.numbers = numbers
    result.results = await phase(`Plan: previews of ${numbers.map(n => `#${n}`).join(', ')}`, () =>
      planImages(images, numbers, s)
    )
    for (const r of result.results) {
      for (const i of r.plan.remove)
        core.info(`${dryRun ? 'would delete' : 'to delete'} ${r.image}@${i.digest}: ${i.reason}`)
      for (const u of r.plan.untag)
        core.info(`${r.image}:${u.tag}: tag only, ${u.digest} stays (${u.keptBecause})`)
    }
    if (dryRun) return result
    const work = result.results.filter(hasWork)
    await phase('Registry check', () => checkDeletesAllowed(work, s.client))
    await phase('Delete', async () => {
      for (const r of work) await applyPlan(r, { client: s.client, packages: s.packagesFor(r.image) })
    })
    if (inputs.prComment) {
      await phase('Pull request comments', () =>
        commentPreviewsRemoved({ ctx, token: inputs.shared.githubToken, numbers, results: result.results })
      )
    }
    const problems = work.flatMap(r => r.problems)
    if (problems.length) throw new Error(`Some previews could not be removed:\n${problems.join('\n')}`)
    return result
  } catch (e) {
    result.error = (e as Error).message
    core.setFailed(result.error)
    return result
  } finally {
    core.setOutput('pull-requests', JSON.stringify(result.numbers))
    core.setOutput('removed', JSON.stringify(removedOutput(result.results, dryRun)))
    if (process.env.GITHUB_STEP_SUMMARY) {
      const md = renderCleanupSummary(result.results, {
        dryRun,
        numbers: result.numbers,
        notes: result.notes
      })
      await core.summary.addRaw(md, true).write()
    }
  }
}
