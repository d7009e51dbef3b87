// The inputs of the builder the action creates, as docker/setup-buildx-action names them (buildkit-image,
// driver-opts, buildkitd-flags, buildkitd-config-inline), and bake's entitlements (`allow`, as
// docker/bake-action's). Each value ends up in a buildx option string, so what could smuggle in another option is
// refused with the way to set it.
import { splitList } from '../lib/list.js'

export interface BuilderInputs {
  buildkitImage: string
  /** Extra `--driver-opt` lines of the docker-container builder. */
  driverOpts: string[]
  buildkitdFlags: string
  /** BuildKit daemon configuration (TOML). */
  buildkitdConfigInline: string
  /** The user's own bake entitlements (`--allow` each), as docker/bake-action's `allow`. */
  allow: string[]
}

/** `allow` entries: an entitlement name, optionally `=value` (network.host, security.insecure, fs.read=PATH). */
export function parseAllow(value: string): string[] {
  const entries = splitList(value)
  for (const e of entries) {
    if (!/^[a-z][a-z0-9.-]*(=\S.*)?$/.test(e)) {
      throw new Error(
        `Invalid allow entry '${e}'. Expected an entitlement such as network.host, security.insecure or ` +
          'fs.read=PATH (one per line or comma).'
      )
    }
  }
  return entries
}

/**
 * The builder-creation inputs, from a getter that applies the defaults. A BuildKit image is one
 * `--driver-opt image=…` field that buildx splits on commas, so a comma (or quote, or space) in it would smuggle
 * in other driver options: refused, with the way to set them.
 */
export function parseBuilderInputs(
  value: (
    name: 'buildkit-image' | 'driver-opts' | 'buildkitd-flags' | 'buildkitd-config-inline' | 'allow'
  ) => string
): BuilderInputs {
  const buildkitImage = value('buildkit-image')
  if (/[\s,"']/.test(buildkitImage)) {
    throw new Error(
      `Invalid buildkit-image '${buildkitImage}': give one image reference (e.g. moby/buildkit:v0.25.1); ` +
        'put other driver options in driver-opts, one per line.'
    )
  }
  const driverOpts = splitList(value('driver-opts'), { commas: false })
  for (const opt of driverOpts) {
    if (opt.startsWith('-') || !opt.includes('=')) {
      throw new Error(
        `Invalid driver-opts line '${opt}'. Expected key=value (e.g. image=moby/buildkit:v0.25.1).`
      )
    }
  }
  return {
    buildkitImage,
    driverOpts,
    buildkitdFlags: value('buildkitd-flags').replace(/\s+/g, ' ').trim(),
    buildkitdConfigInline: value('buildkitd-config-inline'),
    allow: parseAllow(value('allow'))
  }
}
