// The tag engine: docker/metadata-action's input language (images, tags, flavor, labels, annotations) and
// Docker reference rules, shared by the main action and the `meta` sub-action.
export {
  computeMeta,
  metaJson,
  shortShaLength,
  type MetaSpec,
  type MetaResult,
  type MetaOptions
} from './meta.js'
export { BLACKLAKE_DEFAULTS, BLACKLAKE_OPTIONS } from './defaults.js'
export { sanitizeTag, normalizeImageName, tagProblem, MAX_TAG_LENGTH } from './reference.js'
export { bakeDefinition, bakeDir, writeBakeFile, type BakeKind } from './bake.js'
export { parseList, type ListEntry } from './list.js'
export { parseRules, ruleToString, type TagRule } from './rules.js'
export { parseFlavor, type Flavor } from './flavor.js'
export { parseImages, type Image } from './images.js'
export { formatDate } from './template.js'
