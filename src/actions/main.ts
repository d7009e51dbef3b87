// The main action as phases, each taking what it needs and returning what it produces: context and tags → bake
// definition, secret guard and per-target plan, with QEMU and the builder → override file (a dry run checks the
// release tags and stops here) → registry login and cache → release check (before anything is pushed) → build →
// push by digest → signing → tagging, all or nothing → metrics, PR comment, report. A `call` other than build
// (check, outline, targets) only evaluates the targets after the context phase. The phases are in main-phases.ts; the
// post step is post.ts.
import * as core from '@actions/core'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { contextFromWorkflow, type RunContext } from '../1-context/context.js'
import { getInputs, type Inputs } from '../1-context/inputs.js'
import { startBuildxChecks } from '../4-setup/buildx.js'
import type { BakeRunResult } from '../5-build/bake-run.js'
import { RegistryClient } from '../6-registry/client.js'
import { registryCredentials } from '../6-registry/credentials.js'
import { registryLogin } from '../6-registry/docker-login.js'
import { variantFlavor } from '../3-plan/image-names.js'
import {
  checkBeforePush,
  dryRunReleaseCheck,
  releaseImages,
  releasePolicy
} from '../7-publish/release-policy.js'
import { emptyReport, type RunReport } from '../7-publish/results.js'
import { signAndTag } from '../7-publish/release.js'
import { recordDigestsOnly } from '../7-publish/tagging.js'
import { actionSink, writeReport, type ReportSink } from '../8-report/summary.js'
import { phase } from '../lib/phase.js'
import { actionState, State, type StateStore } from '../lib/state.js'
import {
  buildPhase,
  callPhase,
  contextPhase,
  lastStep,
  loginPhase,
  overridePhase,
  planPhase,
  pushPhase
} from './main-phases.js'

export interface RunOptions {
  inputs?: Inputs
  context?: RunContext
  state?: StateStore
  sink?: ReportSink
}

/** Runs the action; returns the report (outputs and summary are already written, also on failure). */
export async function run(o: RunOptions = {}): Promise<RunReport> {
  const state = o.state ?? actionState
  const sink = o.sink ?? actionSink
  state.save(State.IsPost, 'true')
  // Node's start and the bundle's load, up to here: part of the action's overhead, like any phase.
  core.debug(`phase start-up: ${Math.round(performance.now())} ms`)
  const report = emptyReport()
  // Set as the phases produce them; the last step (metrics, PR comment) reads them, on failure too.
  let client: RegistryClient | undefined
  let build: BakeRunResult | undefined
  let last: (() => Promise<void>) | undefined
  try {
    const inputs = o.inputs ?? getInputs()
    startBuildxChecks(inputs)
    const ctx = o.context ?? contextFromWorkflow()
    report.dryRun = inputs.dryRun
    report.digestOnly = inputs.digestOnly
    const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'multiarch-'))
    const tags = await phase('Context and tags', () => contextPhase(inputs, ctx, report))
    if (inputs.call !== 'build') {
      await phase(`bake --call ${inputs.call}`, () => callPhase(inputs, ctx, tags.meta.version, dir, state))
      return report
    }
    const attestations = report.push.push && (inputs.sbom.enabled || inputs.provenance.enabled)
    last = () => lastStep(inputs, ctx, report, build, client, attestations)
    const { plan, builder } = await phase('Bake definition, plan and builder', () =>
      planPhase(inputs, ctx, tags, report, dir, state)
    )
    const affixes = { prefix: tags.meta.flavor.prefix, suffix: tags.meta.flavor.suffix }
    const policy = releasePolicy({
      version: tags.meta.version,
      labels: tags.meta.labels,
      affixes,
      // A target's variant (variants input) wraps the flavor: its image's tags are read inside both.
      imageAffixes: Object.fromEntries(
        plan.plans
          .filter(p => p.producesImage && p.variant)
          .map(p => [p.image, variantFlavor(affixes, p.variant)])
      ),
      monotonic: inputs.monotonic,
      overwrite: inputs.overwrite,
      attestations
    })
    const invocation = { ...plan.invocation, builder }
    const title = inputs.dryRun ? 'Final bake definition (dry run)' : 'Override file'
    report.bakeFile = await phase(title, () => overridePhase(inputs, invocation, plan.plans, dir))
    const release = report.push.push && !inputs.digestOnly
    if (inputs.dryRun) {
      if (release) {
        const reader = new RegistryClient({ credentials: registryCredentials(registryLogin(inputs, ctx)) })
        await phase('Release tags (dry run)', () => dryRunReleaseCheck(reader, report, policy))
      }
      core.info('dry-run: nothing was built or pushed.')
      return report
    }
    const images = plan.plans.filter(p => p.producesImage).map(p => p.image)
    const registry = await phase('Registry login and cache', () => loginPhase(inputs, ctx, state, images))
    client = registry
    if (release) await phase('Release tags', () => checkBeforePush(registry, releaseImages(report), policy))
    build = await phase(`Build ${plan.plans.map(p => p.target).join(', ')}`, () =>
      buildPhase(inputs, invocation, plan.plans, report, state, dir)
    )
    if (!build.ok) throw new Error(build.error)
    if (plan.plans.some(p => p.layoutDir)) {
      await phase('Push by digest', () => pushPhase(registry, report, plan.plans, dir))
    }
    if (release) {
      await signAndTag(registry, report.targets, policy, {
        inputs: inputs.signing,
        ctx,
        githubToken: inputs.githubToken
      })
    } else if (report.push.push) {
      await phase('Digests (no tags)', () => recordDigestsOnly(registry, report.targets))
      core.info('digest-only: pushed by digest, not tagged; see the digests output.')
    } else {
      core.info(`Tagging skipped: ${report.push.reason}`)
    }
    return report
  } catch (e) {
    report.error = (e as Error).message
    core.setFailed(report.error)
    return report
  } finally {
    await last?.()
    await writeReport(report, sink)
  }
}
