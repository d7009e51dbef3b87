// The inputs that say what bake reads and how its targets are named: docker/bake-action's `vars` and `source`
// (same names, same meanings), and the per-target lines `images` (target=image) and `variants`
// (target=…,suffix=…). Each parser fails with what it expected.
import { splitList } from '../lib/list.js'

/** A target's tag prefix/suffix around every computed tag (targets sharing one image). */
export type Variant = { prefix: string; suffix: string }

/** The `images` input: `target=full/image/name` lines (not the meta sub-action's `images`, a list of names). */
export function parseTargetImages(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of splitList(value, { commas: false })) {
    const eq = line.indexOf('=')
    // A line without `target=` is the image of every image target without a line of its own (key `*`), as
    // metadata-action's images input names the image of the targets inheriting its bake target.
    const target = eq < 0 ? '*' : line.slice(0, eq).trim()
    const image = line.slice(eq + 1).trim()
    if (eq === 0 || !image || /\s/.test(image)) {
      throw new Error(
        `Invalid images line '${line}'. Expected 'target=registry/namespace/name', or one 'registry/namespace/name' for every target.`
      )
    }
    if (/[@]|:[^/]*$/.test(image.replace(/^[^/]*\//, ''))) {
      throw new Error(
        `Invalid image name '${image}' for target '${target}': give the name without a tag or digest.`
      )
    }
    out[target] = image
  }
  return out
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `vars`: one `NAME=value` per line, as bake-action's (`--var NAME=value`). */
export function parseVars(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of splitList(value, { commas: false })) {
    const eq = line.indexOf('=')
    const name = line.slice(0, eq).trim()
    if (eq <= 0 || !VAR_NAME.test(name)) {
      throw new Error(`Invalid vars line '${line}'. Expected 'NAME=value' with a bake variable name.`)
    }
    out[name] = line.slice(eq + 1).trim()
  }
  return out
}

/** `variants`: one `target=NAME,suffix=-alpine` (and/or `prefix=alpine-`) per line. */
export function parseVariants(value: string): Record<string, Variant> {
  const out: Record<string, Variant> = {}
  for (const line of splitList(value, { commas: false })) {
    const fields = Object.fromEntries(
      line.split(',').map(f => {
        const eq = f.indexOf('=')
        return eq < 0 ? [f.trim(), ''] : [f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1).trim()]
      })
    ) as Record<string, string>
    const unknown = Object.keys(fields).filter(k => !['target', 'prefix', 'suffix'].includes(k))
    if (!fields.target || unknown.length || (!fields.prefix && !fields.suffix)) {
      throw new Error(
        `Invalid variants line '${line}'. Expected 'target=NAME,suffix=-variant' and/or 'prefix=variant-'.`
      )
    }
    out[fields.target] = { prefix: fields.prefix ?? '', suffix: fields.suffix ?? '' }
  }
  return out
}

/** `source`: a remote definition bake can read itself (Git or HTTP(S) URL); `.` or empty is the workdir. */
export function parseSource(value: string): string {
  const v = value.trim()
  if (v === '' || v === '.') return ''
  if (!/^(https?:\/\/|git:\/\/|ssh:\/\/|git@)[^\s]+$/.test(v)) {
    throw new Error(
      `Invalid source '${value}'. Expected a remote bake definition (a Git URL such as ` +
        `https://github.com/owner/repo.git#ref, or an HTTPS tarball), or '.' for the files in workdir.`
    )
  }
  return v
}
