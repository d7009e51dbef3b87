// The buildx builder: check the buildx version, then use the builder the user named, the engine's own builder
// (`driver: docker`), or create a docker-container builder that the post step removes.
import * as core from '@actions/core'
import semver from 'semver'
import { lastMeaningfulLine, run } from '../lib/exec.js'
import type { Driver } from '../1-context/inputs.js'

/** Oldest buildx this action supports: bake's `attest`/`annotations` keys and push-by-digest metadata. */
export const MIN_BUILDX = '0.13.0'

/** `github.com/docker/buildx v0.13.1 sha` or Debian's `github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3`. */
export function parseBuildxVersion(output: string): string {
  const m = output.match(/buildx\s+v?(\d+\.\d+\.\d+)/)
  if (!m) throw new Error(`Cannot read the buildx version from '${output.trim()}'.`)
  return m[1]
}

export async function checkBuildx(): Promise<string> {
  const r = await run('docker', ['buildx', 'version'], { silent: true, ignoreReturnCode: true })
  if (r.exitCode !== 0) {
    throw new Error(
      `Docker Buildx is not available ('docker buildx version' failed: ${(r.stderr || r.stdout).trim()}). ` +
        'Install the docker-buildx plugin.'
    )
  }
  const version = parseBuildxVersion(r.stdout)
  if (semver.lt(version, MIN_BUILDX)) {
    throw new Error(
      `Buildx ${version} is too old: this action needs Buildx >= ${MIN_BUILDX}. Upgrade docker-buildx.`
    )
  }
  core.info(`Docker Buildx ${version}`)
  return version
}

export interface BuilderInfo {
  name: string
  driver: string
  platforms: string[]
  /** True when this action created it (the post step removes it). */
  created: boolean
}

/** Parses `docker buildx inspect` text: the builder's name, driver and the platforms of its nodes. */
export function parseInspect(text: string): { name: string; driver: string; platforms: string[] } {
  const field = (key: string) => text.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? ''
  const platforms = [...text.matchAll(/^Platforms:\s*(.*)$/gm)]
    .flatMap(m => m[1].split(','))
    .map(p => p.trim().replace(/\*$/, ''))
    .filter(Boolean)
  return { name: field('Name'), driver: field('Driver'), platforms: [...new Set(platforms)] }
}

/** `docker buildx inspect --bootstrap`; `hint` ends the error when the builder cannot be used. */
export async function inspectBuilder(
  name?: string,
  hint = "Check the builder input; 'docker buildx ls' lists the builders."
): Promise<{ name: string; driver: string; platforms: string[] }> {
  const args = ['buildx', 'inspect', '--bootstrap']
  if (name) args.push(name)
  const r = await run('docker', args, { silent: true, ignoreReturnCode: true })
  if (r.exitCode !== 0) {
    const reason = lastMeaningfulLine(r.stderr || r.stdout).replace(/^ERROR:\s*/, '')
    throw new Error(`Builder ${name ? `'${name}'` : '(current)'} is not usable: ${reason}. ${hint}`)
  }
  return parseInspect(r.stdout)
}

/** A builder name unique to this run, so concurrent jobs on one machine never share or remove each other's. */
export function builderName(runId: string, now = Date.now()): string {
  return `multiarch-${(runId || 'local').replace(/[^A-Za-z0-9]/g, '')}-${now.toString(36)}`
}

/**
 * `docker buildx create` for a docker-container builder. Host networking lets BuildKit reach what the runner
 * reaches (a cache service or registry on 127.0.0.1).
 */
export function createArgs(name: string, buildkitImage: string): string[] {
  return [
    'buildx',
    'create',
    '--name',
    name,
    '--driver',
    'docker-container',
    '--driver-opt',
    `image=${buildkitImage}`,
    '--driver-opt',
    'network=host'
  ]
}

export interface BuilderOptions {
  builder: string
  driver: Driver
  buildkitImage: string
  runId: string
  /** Told the name of a builder this run created, as soon as it exists (the post step removes it). */
  onCreated?: (name: string) => void
}

export async function setupBuilder(o: BuilderOptions): Promise<BuilderInfo> {
  if (o.builder) {
    const info = await inspectBuilder(o.builder)
    core.info(`Using builder '${info.name}' (driver ${info.driver}) from the builder input`)
    return { ...info, created: false }
  }
  if (o.driver === 'docker') {
    // The engine's own builder is named after the current Docker context.
    const context = (await run('docker', ['context', 'show'], { silent: true })).stdout.trim() || 'default'
    const info = await inspectBuilder(context)
    if (info.driver !== 'docker') {
      throw new Error(`Builder '${context}' uses driver ${info.driver}, not the engine's docker driver.`)
    }
    core.info(`Using the engine's builder '${info.name}' (driver docker); nothing to create`)
    return { ...info, created: false }
  }
  const name = builderName(o.runId)
  await run('docker', createArgs(name, o.buildkitImage))
  // Recorded before it boots: a builder that cannot start (image not pullable…) is still removed afterwards.
  o.onCreated?.(name)
  core.info(`Created builder '${name}' (docker-container, ${o.buildkitImage}); the post step removes it`)
  const info = await inspectBuilder(
    name,
    `BuildKit (${o.buildkitImage}) did not start: check the buildkit-image input, or use driver: docker.`
  )
  return { ...info, created: true }
}

/** Post step: remove a builder this action created; warns, never fails. */
export async function removeBuilder(name: string): Promise<void> {
  const r = await run('docker', ['buildx', 'rm', '--force', name], { ignoreReturnCode: true })
  if (r.exitCode === 0) core.info(`Removed builder '${name}'`)
  else core.warning(`Could not remove builder '${name}': ${(r.stderr || r.stdout).trim()}`)
}
