// The action's tags: the tag engine (src/tags) on the action's inputs, with BlackLake's scheme when tags and
// flavor are empty, plus the pull request head tag. The main action and the `plan` sub-action both call
// resolveMeta, so the single-job and multi-runner paths can never compute different tags.
import * as core from '@actions/core'
import type { RepoInfo, RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import { isForkPullRequest } from '../1-context/push-decision.js'
import { BLACKLAKE_DEFAULTS, BLACKLAKE_OPTIONS, computeMeta, type MetaResult } from './index.js'

/**
 * With BlackLake's default tags a same-repository pull request also gets `pr-<N>-<short head
 * sha>` (the merge commit GitHub builds is not the head a reviewer sees, so `{{sha}}` cannot express it).
 */
export function prHeadTag(ctx: RunContext, tagNames: string[]): string | undefined {
  const n = ctx.payload?.pull_request?.number
  const head = String(ctx.payload?.pull_request?.head?.sha ?? '')
  if (!/^pull_request/.test(ctx.eventName) || !/^[0-9a-f]{7,}$/.test(head)) return undefined
  if (!tagNames.includes(`pr-${n}`) || isForkPullRequest(ctx)) return undefined
  return `pr-${n}-${head.slice(0, 7)}`
}

/** Tags, labels and annotations from the tag engine (BlackLake's scheme when tags/flavor are empty). */
export function resolveMeta(inputs: Inputs, ctx: RunContext, repo: RepoInfo | undefined): MetaResult {
  const meta = computeMeta(
    {
      images: '',
      tags: inputs.tags || BLACKLAKE_DEFAULTS.tags,
      flavor: inputs.flavor || BLACKLAKE_DEFAULTS.flavor,
      labels: inputs.labels,
      annotations: inputs.annotations
    },
    ctx,
    repo,
    inputs.tags ? {} : BLACKLAKE_OPTIONS
  )
  for (const w of meta.warnings) core.warning(w)
  const extra = inputs.tags ? undefined : prHeadTag(ctx, meta.tagNames)
  if (extra) meta.tagNames.push(extra)
  return meta
}
