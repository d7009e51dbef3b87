// computeMeta: the whole docker/metadata-action computation from raw input texts and a context to tags,
// labels and annotations. Pure apart from reading the clock (override with `now`) and the DOCKER_METADATA_*
// switches from `env`.
import type { RepoInfo, RunContext } from '../1-context/context.js'
import { parseFlavor, type Flavor } from './flavor.js'
import { parseImages, type Image } from './images.js'
import { labelsObject, mergeLabels, ociLabels } from './labels.js'
import { replaceInvalidTagChars } from './reference.js'
import { parseRules, type TagRule } from './rules.js'
import type { ExpressionScope } from './template.js'
import { computeVersion, type Version } from './version.js'

/** Raw multi-line input texts, as the action inputs give them. */
export interface MetaSpec {
  images: string
  tags: string
  flavor: string
  labels: string
  annotations: string
}

export interface MetaOptions {
  /** The run's "now" (labels' created date, `{{date}}`). Default: the current time. */
  now?: Date
  /** Where DOCKER_METADATA_SHORT_SHA_LENGTH and DOCKER_METADATA_ANNOTATIONS_LEVELS are read. Default process.env. */
  env?: NodeJS.ProcessEnv
  /** Skip bare-major semver tags for v0.x (used with BLACKLAKE_DEFAULTS). */
  noMajorZero?: boolean
}

export interface MetaResult {
  /** The main tag ('' when no tag was produced). */
  version: string
  /** Tags without image name, in output order. */
  tagNames: string[]
  /** image:tag for every enabled image (= tagNames when there is no image). */
  tags: string[]
  /** `k=v`, sorted by key, user entries overriding generated ones. */
  labels: string[]
  /** `level:k=v` for each annotation level (DOCKER_METADATA_ANNOTATIONS_LEVELS, default manifest). */
  annotations: string[]
  /** Annotations without level prefix. */
  annotationsRaw: string[]
  annotationLevels: string[]
  /** Enabled image names (lower-cased). */
  imageNames: string[]
  images: Image[]
  rules: TagRule[]
  flavor: Flavor
  versionInfo: Version
  /** Non-fatal problems (e.g. a tag that is not semver) for the caller to log as warnings. */
  warnings: string[]
  /** The instant used as "now". */
  now: Date
}

export function shortShaLength(env: NodeJS.ProcessEnv): number {
  const raw = env.DOCKER_METADATA_SHORT_SHA_LENGTH
  if (!raw) return 7
  const n = Number(raw)
  if (isNaN(n)) throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${raw}`)
  return n
}

export function computeMeta(
  spec: MetaSpec,
  ctx: RunContext,
  repo: RepoInfo | undefined,
  options: MetaOptions = {}
): MetaResult {
  const env = options.env ?? process.env
  const now = options.now ?? new Date()
  const warnings: string[] = []
  const scope: ExpressionScope = {
    ctx,
    now,
    shortShaLength: shortShaLength(env),
    warn: m => warnings.push(m)
  }
  const images = parseImages(spec.images)
  const rules = parseRules(spec.tags, scope.warn)
  const flavor = parseFlavor(spec.flavor)
  const versionInfo = computeVersion(rules, flavor, scope, repo, { noMajorZero: options.noMajorZero })

  const tagNames: string[] = []
  if (versionInfo.main) {
    tagNames.push(versionInfo.main, ...versionInfo.partial)
    if (versionInfo.latest) {
      const latest = `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`
      tagNames.push(replaceInvalidTagChars(latest))
    }
  }
  const imageNames = images.filter(i => i.enable).map(i => i.name)
  const tags = imageNames.length
    ? imageNames.flatMap(name => tagNames.map(t => `${name}:${t}`))
    : [...tagNames]

  const generated = ociLabels(ctx, repo, versionInfo.main, now)
  const labels = mergeLabels(generated, spec.labels, 'labels', scope)
  const annotationsRaw = mergeLabels(generated, spec.annotations, 'annotations', scope)
  const annotationLevels = (env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',')
  const annotations = annotationLevels.flatMap(level => annotationsRaw.map(a => `${level}:${a}`))

  return {
    version: versionInfo.main ?? '',
    tagNames,
    tags,
    labels,
    annotations,
    annotationsRaw,
    annotationLevels,
    imageNames,
    images,
    rules,
    flavor,
    versionInfo,
    warnings,
    now
  }
}

/** The `json` output: tags, tag names, labels (as an object) and annotations. */
export function metaJson(meta: MetaResult): {
  tags: string[]
  'tag-names': string[]
  labels: Record<string, string>
  annotations: string[]
} {
  return {
    tags: meta.tags,
    'tag-names': meta.tagNames,
    labels: labelsObject(meta.labels),
    annotations: meta.annotations
  }
}
