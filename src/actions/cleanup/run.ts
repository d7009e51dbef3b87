// The `cleanup` sub-action, as named phases: which pull requests (the closed one of this event, or on a
// schedule every closed one whose previews are older than `older-than` days) → the images (the bake file's
// image targets, named exactly as the main action names them) → a plan per image (read only) → the registry
// check (one that refuses deletes fails the step before anything changes) → deletes → PR comments → summary.
// A sub-action rather than a mode of the main action: it needs no builder, QEMU or build, runs in its own job
// with `packages: write` (and no `contents: write`), and keeps the main bundle and its inputs as they are.
import * as core from '@actions/core'
import { contextFromWorkflow, type RunContext } from '../../1-context/context.js'
import { isForkPullRequest } from '../../1-context/push-decision.js'
import { pullState } from '../../1-context/pull-state.js'
import { printDefinition } from '../../3-plan/definition.js'
import { bakeInvocation } from '../../3-plan/plan.js'
import { planTarget } from '../../3-plan/targets.js'
import { RegistryClient } from '../../6-registry/client.js'
import { registryLogin } from '../../6-registry/docker-login.js'
import { DeleteRefusedError } from '../../6-registry/delete.js'
import { PackagesApi, packageOf } from '../../6-registry/packages.js'
import { parseImageRef } from '../../6-registry/reference.js'
import {
  applyPlan,
  hasWork,
  planImage,
  previewNumbersOf,
  type ImageCleanup,
  type RegistryApi
} from '../../7-publish/preview-cleanup.js'
import { previewTagMatcher } from '../../7-publish/preview-graph.js'
import {
  markPreviewsRemoved,
  renderCleanupSummary,
  renderRemovedComment
} from '../../8-report/cleanup-report.js'
import { pullRequestNumber } from '../../8-report/pr-comment.js'
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

const DAY = 24 * 60 * 60 * 1000
const group = <T>(name: string, fn: () => Promise<T>): Promise<T> => core.group(name, fn)

/** The image targets of the bake file, named as the main action names them (tags are irrelevant here). */
async function resolveImages(
  inputs: CleanupInputs,
  ctx: RunContext
): Promise<{ target: string; image: string }[]> {
  const s = inputs.shared
  const invocation = bakeInvocation(s, ctx, '')
  const { definition } = await printDefinition(invocation)
  const out: { target: string; image: string }[] = []
  for (const [name, t] of Object.entries(definition.target)) {
    const plan = planTarget(name, t, {
      registry: s.registry,
      imagePrefix: invocation.env.IMAGE_PREFIX,
      images: s.images,
      platforms: [],
      tagNames: [],
      labels: [],
      annotations: [],
      push: false,
      cache: 'none',
      cacheScope: '',
      cacheWrite: false,
      ghaAvailable: false,
      pushByDigest: true,
      sbom: { enabled: false },
      provenance: { enabled: false }
    })
    if (!plan.producesImage) core.info(`${name}: not an image (${plan.skipReason}); nothing to clean`)
    else if (!out.some(o => o.image === plan.image)) out.push({ target: name, image: plan.image })
  }
  for (const o of out) core.info(`${o.target}: ${o.image}`)
  return out
}

interface Session {
  inputs: CleanupInputs
  ctx: RunContext
  client: RegistryClient
  packagesFor(image: string): PackagesApi | undefined
}

function session(inputs: CleanupInputs, ctx: RunContext): Session {
  const s = inputs.shared
  const creds = registryLogin(s, ctx)
  const client = new RegistryClient({
    credentials: creds ? { [creds.registry]: { username: creds.username, password: creds.password } } : {}
  })
  const apis = new Map<string, PackagesApi>()
  const ownerType = ctx.payload?.repository?.owner?.type
  const api = (image: string): RegistryApi =>
    inputs.registryApi !== 'auto'
      ? inputs.registryApi
      : parseImageRef(image).registry === 'ghcr.io'
        ? 'github-packages'
        : 'distribution'
  return {
    inputs,
    ctx,
    client,
    packagesFor(image) {
      if (api(image) !== 'github-packages') return undefined
      const { owner } = packageOf(parseImageRef(image).repository)
      let p = apis.get(owner)
      if (!p) {
        const ours = owner.toLowerCase() === ctx.repository.owner.toLowerCase()
        p = new PackagesApi({
          token: inputs.packagesToken || s.githubToken,
          apiUrl: ctx.apiUrl,
          owner,
          ownerType:
            ours && ownerType === 'Organization' ? 'org' : ours && ownerType === 'User' ? 'user' : undefined
        })
        apis.set(owner, p)
      }
      return p
    }
  }
}

/** Scheduled mode: the closed pull requests whose newest preview image is older than the limit. */
async function closedAndOld(
  s: Session,
  images: { target: string; image: string }[],
  now: Date,
  notes: string[]
): Promise<number[]> {
  const found = new Set<number>()
  for (const { image } of images) {
    for (const n of await previewNumbersOf(s.client, image, s.packagesFor(image))) found.add(n)
  }
  const cutoff = now.getTime() - s.inputs.olderThanDays * DAY
  const { owner, repo } = s.ctx.repository
  const out: number[] = []
  for (const n of [...found].sort((a, b) => a - b)) {
    const pr = await pullState({ token: s.inputs.shared.githubToken, owner, repo, apiUrl: s.ctx.apiUrl }, n)
    if (!pr) {
      notes.push(`#${n}: no such pull request in ${owner}/${repo}; its previews are left alone`)
      continue
    }
    if (pr.state === 'open') {
      notes.push(`#${n}: open; previews kept`)
      continue
    }
    let newest: Date | undefined
    for (const { target, image } of images) {
      const p = await planImage({
        target,
        image,
        numbers: [n],
        client: s.client,
        packages: s.packagesFor(image)
      })
      if (p.plan.newest && (!newest || p.plan.newest > newest)) newest = p.plan.newest
    }
    const at = newest ?? pr.closedAt
    const age = at ? Math.floor((now.getTime() - at.getTime()) / DAY) : undefined
    if (at && at.getTime() <= cutoff) {
      out.push(n)
      core.info(`#${n}: closed; newest preview ${age} day(s) old: removed`)
    } else {
      notes.push(
        `#${n}: closed, but its newest ${newest ? 'preview image' : 'closing'} is ${age ?? '?'} day(s) old ` +
          `(< ${s.inputs.olderThanDays}); previews kept for now`
      )
    }
  }
  return out
}

/** Which pull requests this run cleans; undefined (with the reason logged) when it has nothing to do. */
async function selectPullRequests(
  s: Session,
  images: { target: string; image: string }[],
  now: Date,
  notes: string[]
): Promise<number[] | undefined> {
  const { inputs, ctx } = s
  if (inputs.pullRequest) return [inputs.pullRequest]
  const number = pullRequestNumber(ctx)
  if (number === undefined)
    return group('Closed pull requests with previews', () => closedAndOld(s, images, now, notes))
  if (ctx.payload?.action !== 'closed') {
    core.notice(
      `Pull request #${number} is not closed (event action '${ctx.payload?.action}'): its previews stay.`
    )
    return undefined
  }
  if (isForkPullRequest(ctx)) {
    core.notice(
      `Pull request #${number} comes from a fork: it never pushed previews, so there is nothing to remove.`
    )
    return undefined
  }
  return [number]
}

function outputs(r: CleanupResult, dryRun: boolean): void {
  const removed: Record<string, { tags: string[]; deleted: string[]; untagged: string[] }> = {}
  for (const x of r.results) {
    if (!hasWork(x)) continue
    removed[x.image] = {
      tags: x.plan.previewTags,
      deleted: (dryRun ? x.plan.remove : x.removed).map(i => i.digest),
      untagged: dryRun ? x.plan.untag.map(u => u.tag) : x.untagged
    }
  }
  core.setOutput('pull-requests', JSON.stringify(r.numbers))
  core.setOutput('removed', JSON.stringify(removed))
}

/** Rewrites the preview comments of each cleaned pull request. */
async function comment(s: Session, r: CleanupResult): Promise<void> {
  const { owner, repo } = s.ctx.repository
  const runUrl = s.ctx.runId ? `${s.ctx.serverUrl}/${owner}/${repo}/actions/runs/${s.ctx.runId}` : undefined
  const merged = pullRequestNumber(s.ctx) !== undefined ? !!s.ctx.payload?.pull_request?.merged : undefined
  for (const n of r.numbers) {
    const mine = previewTagMatcher([n])
    const touched = r.results.filter(
      x => x.plan.previewTags.some(mine) && (x.removed.length || x.untagged.length)
    )
    if (!touched.length) continue
    const results = await markPreviewsRemoved({
      token: s.inputs.shared.githubToken,
      owner,
      repo,
      number: n,
      apiUrl: s.ctx.apiUrl,
      body: marker => renderRemovedComment(marker, n, touched, { runUrl, merged })
    })
    for (const c of results) core.info(`#${n}: preview comment ${c.action}`)
  }
}

/** Runs the clean-up; outputs and summary are written also on failure. */
export async function run(o: CleanupOptions = {}): Promise<CleanupResult> {
  const result: CleanupResult = { numbers: [], results: [], notes: [] }
  let dryRun = false
  try {
    const inputs = o.inputs ?? getCleanupInputs()
    dryRun = inputs.dryRun
    const s = session(inputs, o.context ?? contextFromWorkflow())
    const images = await group('Images', () => resolveImages(inputs, s.ctx))
    const numbers = await selectPullRequests(s, images, o.now ?? new Date(), result.notes)
    if (!numbers?.length) return result
    result.numbers = numbers
    result.results = await group(`Plan: previews of ${numbers.map(n => `#${n}`).join(', ')}`, async () => {
      const out: ImageCleanup[] = []
      for (const { target, image } of images) {
        out.push(
          await planImage({ target, image, numbers, client: s.client, packages: s.packagesFor(image) })
        )
      }
      return out
    })
    for (const r of result.results) {
      for (const i of r.plan.remove)
        core.info(`${dryRun ? 'would delete' : 'to delete'} ${r.image}@${i.digest}: ${i.reason}`)
      for (const u of r.plan.untag)
        core.info(`${r.image}:${u.tag}: tag only, ${u.digest} stays (${u.keptBecause})`)
    }
    if (dryRun) return result
    const work = result.results.filter(hasWork)
    await group('Registry check', async () => {
      for (const r of work) {
        if (r.api !== 'distribution') continue
        try {
          await s.client.probeDelete(r.image)
        } catch (e) {
          if (!(e instanceof DeleteRefusedError)) throw e
          for (const x of work) x.refused = true
          r.problems.push(e.message)
          throw new Error(`${e.message} Nothing was deleted.`, { cause: e })
        }
      }
    })
    await group('Delete', async () => {
      for (const r of work) await applyPlan(r, { client: s.client, packages: s.packagesFor(r.image) })
    })
    if (inputs.prComment) await group('Pull request comments', () => comment(s, result))
    const problems = work.flatMap(r => r.problems)
    if (problems.length) throw new Error(`Some previews could not be removed:\n${problems.join('\n')}`)
    return result
  } catch (e) {
    result.error = (e as Error).message
    core.setFailed(result.error)
    return result
  } finally {
    outputs(result, dryRun)
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
