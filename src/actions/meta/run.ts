// The meta sub-action: a drop-in for docker/metadata-action. Reads the context and the repository, computes
// the metadata with the tag engine and writes the same outputs (and DOCKER_METADATA_OUTPUT_* variables).
import { readFileSync } from 'node:fs'
import * as core from '../../lib/workflow-commands.js'
import {
  contextFromGit,
  contextFromWorkflow,
  fetchCommitDate,
  fetchRepo,
  type RunContext
} from '../../1-context/context.js'
import {
  bakeDir,
  computeMeta,
  metaJson,
  ruleToString,
  writeBakeFile,
  type MetaResult
} from '../../2-tags/index.js'
import { getMetaInputs, type MetaInputs } from '../../2-tags/meta-inputs.js'
import { parseBoolean } from '../../lib/boolean.js'

async function resolveContext(inputs: MetaInputs): Promise<RunContext> {
  const workflow = contextFromWorkflow()
  const ctx =
    inputs.context === 'git'
      ? await contextFromGit({ cwd: process.env.GITHUB_WORKSPACE || process.cwd(), base: workflow })
      : workflow
  // The commit date costs an API call when the payload lacks it: only fetch it when an input uses it.
  const texts = [inputs.tags, inputs.flavor, inputs.labels, inputs.annotations].join('\n')
  if (!ctx.commitDate && texts.includes('commit_date')) {
    ctx.commitDate = await fetchCommitDate(ctx, inputs.githubToken)
  }
  return ctx
}

function outputWriter(): (name: string, value: string) => void {
  const raw = process.env.DOCKER_METADATA_SET_OUTPUT_ENV
  const alsoEnv = raw ? parseBoolean('DOCKER_METADATA_SET_OUTPUT_ENV', raw) : true
  return (name, value) => {
    core.setOutput(name, value)
    if (alsoEnv)
      core.exportVariable(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value)
  }
}

function logParsedInputs(meta: MetaResult): void {
  core.startGroup('Processing images input')
  for (const image of meta.images) core.info(`name=${image.name},enable=${image.enable}`)
  core.endGroup()
  core.startGroup('Processing tags input')
  for (const rule of meta.rules) core.info(ruleToString(rule))
  core.endGroup()
  core.startGroup('Processing flavor input')
  const f = meta.flavor
  for (const line of [
    `latest=${f.latest}`,
    `prefix=${f.prefix}`,
    `prefixLatest=${f.prefixLatest}`,
    `suffix=${f.suffix}`,
    `suffixLatest=${f.suffixLatest}`
  ])
    core.info(line)
  core.endGroup()
}

function group(name: string, lines: string[]): void {
  core.startGroup(name)
  for (const line of lines) core.info(line)
  core.endGroup()
}

export async function run(): Promise<void> {
  try {
    const inputs = getMetaInputs()
    const setOutput = outputWriter()
    const ctx = await resolveContext(inputs)
    const repo = await fetchRepo(ctx, inputs.githubToken, m => core.warning(m))
    group('Context info', [
      `eventName: ${ctx.eventName}`,
      `sha: ${ctx.sha}`,
      `ref: ${ctx.ref}`,
      `workflow: ${process.env.GITHUB_WORKFLOW ?? ''}`,
      `action: ${process.env.GITHUB_ACTION ?? ''}`,
      `actor: ${ctx.actor}`,
      `runNumber: ${ctx.runNumber}`,
      `runId: ${ctx.runId}`,
      `commitDate: ${ctx.commitDate ?? ''}`
    ])
    if (core.isDebug()) group('Webhook payload', [JSON.stringify(ctx.payload, null, 2)])

    const meta = computeMeta(inputs, ctx, repo)
    logParsedInputs(meta)
    for (const warning of meta.warnings) core.warning(warning)

    if (!meta.version) core.warning('No Docker image version has been generated. Check tags input.')
    else group('Docker image version', [meta.version])
    setOutput('version', meta.version)

    if (meta.tags.length === 0) core.warning('No Docker tag has been generated. Check tags input.')
    else group('Docker tags', meta.tags)
    setOutput('tags', meta.tags.join(inputs.sepTags))
    setOutput('tag-names', meta.tagNames.join(inputs.sepTags))

    group('Docker labels', meta.labels)
    setOutput('labels', meta.labels.join(inputs.sepLabels))

    group('Annotations', meta.annotations)
    setOutput('annotations', meta.annotations.join(inputs.sepAnnotations))

    const json = metaJson(meta)
    group('JSON output', [JSON.stringify(json, null, 2)])
    setOutput('json', JSON.stringify(json))

    const dir = bakeDir()
    for (const kind of ['tags', 'labels', 'annotations'] as const) {
      const file = writeBakeFile(dir, meta, kind, inputs.bakeTarget)
      group(`Bake file definition (${kind})`, [readFileSync(file, 'utf8')])
      setOutput(`bake-file-${kind}`, file)
    }
    setOutput('bake-file', writeBakeFile(dir, meta, 'all', inputs.bakeTarget))
  } catch (error) {
    core.setFailed((error as Error).message)
  }
}
