// PEP 440 versions (https://peps.python.org/pep-0440/): validation, normalisation ("clean") and the
// major/minor/patch parts, with the same results as @renovate/pep440 (which docker/metadata-action uses),
// on native regular expressions.
const PATTERN =
  'v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
  '(?<pre>[-_\\.]?(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\\.]?(?<pre_n>[0-9]+)?)?' +
  '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\\.]?(?<post_l>post|rev|r)[-_\\.]?(?<post_n2>[0-9]+)?))?' +
  '(?<dev>[-_\\.]?(?<dev_l>dev)[-_\\.]?(?<dev_n>[0-9]+)?)?)' +
  '(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?'
const validRe = new RegExp(`^${PATTERN}$`, 'i')
const cleanRe = new RegExp(`^\\s*${PATTERN}\\s*$`, 'i')

type Letter = [string, number] | null

export interface Pep440Version {
  epoch: number
  release: number[]
  pre: Letter
  post: Letter
  dev: Letter
  local: Array<string | number> | null
}

function letterVersion(letter: string | undefined, number: string | undefined): Letter {
  if (letter) {
    let l = letter.toLowerCase()
    if (l === 'alpha') l = 'a'
    else if (l === 'beta') l = 'b'
    else if (['c', 'pre', 'preview'].includes(l)) l = 'rc'
    else if (['rev', 'r'].includes(l)) l = 'post'
    return [l, Number(number || 0)]
  }
  return number ? ['post', Number(number)] : null
}

export function parsePep440(version: string, lenient = false): Pep440Version | null {
  const g = (lenient ? cleanRe : validRe).exec(version)?.groups
  if (!g) return null
  return {
    epoch: Number(g.epoch ?? 0),
    release: g.release.split('.').map(Number),
    pre: letterVersion(g.pre_l, g.pre_n),
    post: letterVersion(g.post_l, g.post_n1 || g.post_n2),
    dev: letterVersion(g.dev_l, g.dev_n),
    local: g.local
      ? g.local.split(/[._-]/).map(p => (Number.isNaN(Number(p)) ? p.toLowerCase() : Number(p)))
      : null
  }
}

export function validPep440(version: string): boolean {
  return validRe.test(version)
}

/** The normalised form: `v1.2.3rc2` -> `1.2.3rc2`, `1.2.3post1` -> `1.2.3.post1`, `1.2.3beta2` -> `1.2.3b2`. */
export function cleanPep440(version: string): string | null {
  const p = parsePep440(version, true)
  if (!p) return null
  let out = p.epoch !== 0 ? `${p.epoch}!` : ''
  out += p.release.join('.')
  if (p.pre) out += p.pre.join('')
  if (p.post) out += '.' + p.post.join('')
  if (p.dev) out += '.' + p.dev.join('')
  // @renovate/pep440 renders the local segment with commas (an array in a template string); keep its output.
  if (p.local) out += `+${p.local.join(',')}`
  return out
}

/** dev, pre and post releases only get `{{version}}` (or `{{raw}}`) tags. */
export function isPep440Unstable(version: Pep440Version): boolean {
  return Boolean(version.pre || version.dev || version.post)
}

export const pep440Part = (version: Pep440Version, index: 0 | 1 | 2): number => version.release[index] ?? 0
