// Bake definition files (https://docs.docker.com/build/bake/reference/) carrying the computed metadata in a
// target that build targets inherit from (`docker-metadata-action` by default).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { labelsObject } from './labels.js'
import type { MetaResult } from './meta.js'

export type BakeKind = 'tags' | 'labels' | 'annotations' | 'all'

export function bakeDefinition(meta: MetaResult, kind: BakeKind, target: string): unknown {
  const args = { DOCKER_META_IMAGES: meta.imageNames.join(','), DOCKER_META_VERSION: meta.versionInfo.main }
  let body: unknown
  switch (kind) {
    case 'tags':
      body = { tags: meta.tags, args }
      break
    case 'labels':
      body = { labels: labelsObject(meta.labels) }
      break
    case 'annotations':
      body = { annotations: meta.annotations }
      break
    case 'all':
      body = { tags: meta.tags, labels: labelsObject(meta.labels), args }
      break
  }
  return { target: { [target]: body } }
}

/** A fresh directory for this step's bake files under the runner's temp dir (kept after the step). */
export function bakeDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.RUNNER_TEMP || tmpdir()
  mkdirSync(base, { recursive: true })
  return mkdtempSync(path.join(base, 'docker-metadata-action-'))
}

/** Writes docker-metadata-action-bake[-kind].json into `dir` and returns its path. */
export function writeBakeFile(dir: string, meta: MetaResult, kind: BakeKind, target: string): string {
  const file = path.join(dir, `docker-metadata-action-bake${kind === 'all' ? '' : `-${kind}`}.json`)
  writeFileSync(file, JSON.stringify(bakeDefinition(meta, kind, target), null, 2))
  return file
}
