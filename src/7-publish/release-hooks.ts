// The release policies of issue 5 on the publish hooks (src/publish.ts), in the order a run meets them:
//   beforeBuild    monotonic floating tags and immutable release tags, decided from the registry's tags (stage 1:
//                  an existing exact version fails the step before anything is built or pushed);
//   beforeTagging  immutable tags read again after the push by digest (stage 2: a concurrent release), then the
//                  withheld floating tags are set on each target;
//   afterTagging   post-push verification (platforms, one attestation per platform, every tag on the index);
//   afterPublish   build metrics (progress stream + sizes from the registry) and the sticky PR comment.
// The withheld tags reach the summary through each target's `withheld` (report.ts), not a section of their own.
// The decisions live in E's modules (tag-policy, verify, metrics, pr-comment); this file only connects them.
import * as core from '@actions/core'
import type { TargetPlan } from '../3-plan/targets.js'
import { variantFlavor } from '../3-plan/image-names.js'
import type { BakeRunResult } from '../5-build/bake-run.js'
import type { RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import {
  addSizes,
  metricsByPlatform,
  metricsTable,
  parseProgress,
  platformSizes
} from '../8-report/metrics.js'
import { writePreviewComment } from '../8-report/pr-comment.js'
import type { PublishHooks } from './publish.js'
import type { RegistryClient } from '../6-registry/client.js'
import type { RunReport, TargetResult } from '../8-report/summary.js'
import {
  immutableConflictMessage,
  planImageTags,
  recheckImmutableTags,
  type ImageTagPlan,
  type ImmutableConflict
} from './tag-policy.js'
import { verificationMessage, verifyPushed } from './verify.js'

export interface ReleaseSettings {
  inputs: Inputs
  ctx: RunContext
  /** The computed version (main tag). */
  version: string
  /** The tag engine's flavor prefix/suffix (the policy recognises `v1` inside `alpine-v1`). */
  flavor: { prefix: string; suffix: string }
  /** Whether attestations were requested (pushing with SBOM or provenance on). */
  attestations: boolean
  client: () => RegistryClient | undefined
}

/** `image:tag` → `tag`. */
export const bareTag = (image: string, ref: string): string => ref.slice(image.length + 1)

export function releaseHooks(s: ReleaseSettings): PublishHooks {
  const tagPlans = new Map<string, ImageTagPlan>()
  // A target's variant (variants input) wraps the tag engine's flavor: its tags are read inside both.
  const variants = new Map<string, TargetPlan['variant']>()
  const policy = (target: string) => ({
    ...variantFlavor(s.flavor, variants.get(target)),
    monotonic: s.inputs.monotonic,
    overwrite: s.inputs.overwrite
  })
  const need = (): RegistryClient => {
    const c = s.client()
    if (!c) throw new Error('No registry client: the release checks ran before the registry login phase.')
    return c
  }
  return {
    beforeBuild: async (plans: TargetPlan[], report: RunReport) => {
      if (!report.push.push || s.inputs.digestOnly) return
      const conflicts: ImmutableConflict[] = []
      for (const p of plans.filter(p => p.producesImage && p.tags.length)) {
        variants.set(p.target, p.variant)
        const bare = p.tags.map(r => bareTag(p.image, r))
        const plan = await planImageTags(need(), p.image, s.version, bare, policy(p.target)).catch(
          (e: Error) => {
            throw new Error(
              `Release tag check of ${p.target} (${p.image}) failed before building; nothing was pushed: ${e.message}`,
              { cause: e }
            )
          }
        )
        tagPlans.set(p.target, plan)
        conflicts.push(...plan.conflicts)
        for (const w of plan.withheld) core.info(`${p.image}:${w.tag} will not move: ${w.reason}`)
        if (plan.note) core.info(`${p.image}: ${plan.note}`)
      }
      if (conflicts.length) throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite' }))
    },
    beforeTagging: async (targets: TargetResult[]) => {
      const conflicts: ImmutableConflict[] = []
      for (const t of targets) {
        const bare = t.requestedTags.map(r => bareTag(t.image, r))
        conflicts.push(
          ...(await recheckImmutableTags(need(), t.image, bare, t.digest as string, policy(t.target)))
        )
        const plan = tagPlans.get(t.target)
        t.withheld = (plan?.withheld ?? []).map(w => ({ tag: `${t.image}:${w.tag}`, reason: w.reason }))
      }
      if (conflicts.length) {
        throw new Error(immutableConflictMessage(conflicts, { input: 'overwrite', afterPush: true }))
      }
    },
    afterTagging: async (targets: TargetResult[]) => {
      const diffs: string[] = []
      for (const t of targets) {
        diffs.push(
          ...(await verifyPushed(need(), {
            image: t.image,
            digest: t.digest as string,
            platforms: t.platforms,
            attestations: s.attestations,
            tags: t.tags.map(r => bareTag(t.image, r))
          }))
        )
      }
      if (diffs.length) throw new Error(verificationMessage(diffs))
      core.info(`Verified ${targets.length} image(s): platforms, attestations and every tag on its index.`)
    },
    afterPublish: async (report: RunReport, build: BakeRunResult | undefined) => {
      if (build) await addMetrics(s, report, build)
      await writePreviewComment({
        ctx: s.ctx,
        report,
        enabled: s.inputs.prComment,
        token: s.inputs.githubToken,
        attestations: s.attestations
      })
    }
  }
}

async function addMetrics(s: ReleaseSettings, report: RunReport, build: BakeRunResult): Promise<void> {
  const images = report.targets.filter(t => t.status !== 'skipped')
  const platforms = [...new Set(images.flatMap(t => t.platforms))]
  let metrics = parseProgress(build.progress, {
    targets: images.map(t => t.target),
    defaultTarget: images.length === 1 ? images[0].target : undefined,
    defaultPlatform: platforms.length === 1 ? platforms[0] : undefined
  })
  const client = s.client()
  for (const t of images) {
    if (client && t.digest && t.pushed) {
      metrics = addSizes(metrics, t.target, await platformSizes(client, t.image, t.digest))
    }
    t.extra = { ...(t.extra ?? {}), metrics: metricsByPlatform(metrics, t.target) }
  }
  if (metrics.length) report.sections.push(`### Build metrics\n\n${metricsTable(metrics)}`)
}
