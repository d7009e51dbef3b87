// The `plan` sub-action: resolves the bake definition and the tags exactly as the main action does (same
// inputs, same code: resolveMeta in 2-tags/action-tags.ts, bakeInvocation and imageOptions in 3-plan/plan.ts), then
// writes the build matrix (image target × platform → runner) and the plan document the merge job reads.
// Nothing is built or pushed here.
import * as core from '@actions/core'
import { printDefinition } from '../../3-plan/definition.js'
import { NO_BUILD_PLAN_OPTIONS, planTargets, type TargetPlan } from '../../3-plan/targets.js'
import { bakeInvocation, describeDefinition, imageOptions } from '../../3-plan/plan.js'
import { contextFromWorkflow, fetchRepo, type RunContext } from '../../1-context/context.js'
import { parseInputs, type InputName, type Inputs } from '../../1-context/inputs.js'
import { decidePush } from '../../1-context/push-decision.js'
import { cell } from '../../8-report/markdown.js'
import { resolveMeta } from '../../2-tags/action-tags.js'
import { buildMatrix, parseRunnerMap, type Matrix } from '../../3-plan/matrix.js'
import { planDocument, type PlanDocument } from '../../3-plan/document.js'

/** The main action's inputs plan reads; the rest keep their defaults. */
const SHARED_INPUTS: InputName[] = [
  'files',
  'targets',
  'workdir',
  'registry',
  'image-prefix',
  'images',
  'platforms',
  'tags',
  'flavor',
  'labels',
  'annotations',
  'push',
  'set',
  'github-token',
  'vars',
  'source',
  'variants'
]

export interface PlanResult {
  matrix: Matrix
  document: PlanDocument
  plans: TargetPlan[]
}

/** The plan for these inputs and this context (the `docker buildx bake --print` call is the only I/O besides the repository lookup). */
export async function plan(inputs: Inputs, runners: string, ctx: RunContext): Promise<PlanResult> {
  const repo = await fetchRepo(ctx, inputs.githubToken, m => core.warning(m))
  const meta = resolveMeta(inputs, ctx, repo)
  const push = decidePush(inputs.push, ctx)
  const { definition, files } = await printDefinition(bakeInvocation(inputs, ctx, meta.version))
  core.info(`Bake definition: ${describeDefinition(inputs, files)}`)
  const plans = planTargets(definition, {
    ...imageOptions(inputs, ctx, meta, push.push),
    ...NO_BUILD_PLAN_OPTIONS
  })
  const matrix = buildMatrix(plans, parseRunnerMap(runners))
  return {
    matrix,
    document: planDocument(meta, plans, push, { monotonic: inputs.monotonic, registry: inputs.registry }),
    plans
  }
}

function summary(r: PlanResult): string {
  const d = r.document
  const lines = [
    '## Multi-runner plan',
    '',
    `**Version:** ${cell(d.version) || '—'} · **Tags:** ${d.tags.map(cell).join(', ') || '—'} · **Push:** ${d.push ? 'yes' : 'no'} (${cell(d.pushReason)})`,
    '',
    '| Target | Platform | Runner | Emulated | Image |',
    '|---|---|---|---|---|'
  ]
  for (const e of r.matrix.include) {
    lines.push(
      `| ${cell(e.target)} | ${cell(e.platform)} | ${cell(e.runner)} | ${e.qemu ? 'QEMU' : 'native'} | ${cell(e.image)} |`
    )
  }
  for (const p of r.plans.filter(p => !p.producesImage))
    lines.push('', `- ${cell(p.target)}: ${cell(p.skipReason ?? '')}`)
  return lines.join('\n') + '\n'
}

export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => (SHARED_INPUTS.includes(name) ? core.getInput(name) : ''))
    const result = await plan(inputs, core.getInput('runners'), contextFromWorkflow())
    const { matrix, document: d } = result
    for (const e of matrix.include) {
      core.info(
        `${e.slug}: ${e.image} ${e.platform} on ${e.runner}${e.qemu ? ' (no runner mapped: QEMU)' : ''}`
      )
    }
    core.setOutput('matrix', JSON.stringify(matrix))
    core.setOutput('plan', JSON.stringify(d))
    core.setOutput('version', d.version)
    core.setOutput('tags', JSON.stringify(d.tags))
    core.setOutput('labels', d.labels.join('\n'))
    core.setOutput('annotations', d.annotations.join('\n'))
    core.setOutput('targets', d.images.map(i => i.target).join(','))
    core.setOutput('push', String(d.push))
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary(result), true).write()
  } catch (e) {
    core.setFailed((e as Error).message)
  }
}
