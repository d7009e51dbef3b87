// The meta sub-action's inputs, read once into one typed object (same names and defaults as
// docker/metadata-action v5/v6).
import * as core from '../lib/workflow-commands.js'
import type { MetaSpec } from './index.js'

export interface MetaInputs extends MetaSpec {
  context: 'workflow' | 'git'
  sepTags: string
  sepLabels: string
  sepAnnotations: string
  bakeTarget: string
  githubToken: string
}

export function getMetaInputs(): MetaInputs {
  const context = core.getInput('context') || 'workflow'
  if (context !== 'workflow' && context !== 'git') {
    throw new Error(`Invalid context source: ${context}. Expected workflow or git`)
  }
  const inputs: MetaInputs = {
    context,
    images: core.getInput('images'),
    tags: core.getInput('tags'),
    flavor: core.getInput('flavor'),
    labels: core.getInput('labels'),
    annotations: core.getInput('annotations'),
    sepTags: core.getInput('sep-tags', { trimWhitespace: false }) || '\n',
    sepLabels: core.getInput('sep-labels', { trimWhitespace: false }) || '\n',
    sepAnnotations: core.getInput('sep-annotations', { trimWhitespace: false }) || '\n',
    bakeTarget: core.getInput('bake-target') || 'docker-metadata-action',
    githubToken: core.getInput('github-token')
  }
  for (const [k, v] of Object.entries(inputs))
    if (k !== 'githubToken') core.debug(`input ${k}: ${JSON.stringify(v)}`)
  return inputs
}
