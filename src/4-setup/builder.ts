// The buildx builder: the one the user named, the engine's own builder (`driver: docker`, after checking the
// engine has the containerd image store), or a docker-container builder that the post step removes, created with
// the options users set with docker/setup-buildx-action (driver-opts, buildkitd-flags, buildkitd-config-inline,
// a pinned BuildKit image).
import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { localSocket, surelyDefaultContext } from '../lib/docker-cli.js'
import { lastMeaningfulLine, run } from '../lib/exec.js'
import type { Driver } from '../1-context/inputs.js'
import { checkEngine, engineInfo, localEngineInfo } from './engine.js'
import { archOf, hasHandler, nativeArchs } from './qemu.js'

export interface BuilderInfo {
  name: string
  driver: string
  /** The platforms `buildx inspect` listed; empty when the builder was not inspected (see `engine`). */
  platforms: string[]
  /** True when this action created it (the post step removes it). */
  created: boolean
  /** The engine's own builder, not inspected: it runs the host's platforms and those binfmt_misc emulates. */
  engine?: boolean
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
  if (name) args.push('--', name)
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

/** Options of a docker-container builder the action creates. */
export interface CreateOptions {
  buildkitImage: string
  /** `driver-opts` lines, each given to buildx as one --driver-opt (buildx reads each as CSV key=value pairs). */
  driverOpts: string[]
  /** `buildkitd-flags`, one argument (buildx splits it like a shell would). */
  buildkitdFlags: string
  /** File holding `buildkitd-config-inline` (buildx copies it into the builder at create time). */
  configFile?: string
}

/**
 * `docker buildx create` for a docker-container builder. Host networking lets BuildKit reach what the runner
 * reaches (a cache service or registry on 127.0.0.1). The user's driver-opts come last, so an `image=` or
 * `network=` among them wins, as with setup-buildx-action.
 */
export function createArgs(name: string, o: CreateOptions): string[] {
  const args = ['buildx', 'create', '--name', name, '--driver', 'docker-container']
  args.push('--driver-opt', `image=${o.buildkitImage}`, '--driver-opt', 'network=host')
  for (const opt of o.driverOpts) args.push('--driver-opt', opt)
  if (o.buildkitdFlags) args.push('--buildkitd-flags', o.buildkitdFlags)
  if (o.configFile) args.push('--buildkitd-config', o.configFile)
  return args
}

export interface BuilderOptions {
  builder: string
  driver: Driver
  buildkitImage: string
  driverOpts: string[]
  buildkitdFlags: string
  buildkitdConfigInline: string
  runId: string
  /** Directory of this run's files (the buildkitd config written from buildkitd-config-inline). */
  tempDir: string
  /** The gha cache is requested (the docker driver's engine must speak cache v2). */
  ghaCache: boolean
  /** Told the name of a builder this run created, as soon as it exists (the post step removes it). */
  onCreated?: (name: string) => void
}

/** The builder-creation inputs that only apply to a builder the action creates. */
function creationInputs(o: BuilderOptions): string[] {
  const set: [string, boolean][] = [
    ['driver-opts', o.driverOpts.length > 0],
    ['buildkitd-flags', o.buildkitdFlags !== ''],
    ['buildkitd-config-inline', o.buildkitdConfigInline !== '']
  ]
  return set.filter(([, given]) => given).map(([name]) => name)
}

/** The engine's builder, or a docker-driver builder the user named: the engine needs the containerd store. */
async function useDockerDriver(info: Omit<BuilderInfo, 'created'>, o: BuilderOptions): Promise<BuilderInfo> {
  checkEngine(await engineInfo(), { ghaCache: o.ghaCache })
  return { ...info, created: false }
}

/**
 * True when the builder named `context` is the engine of this host: the default context (buildx reserves the name
 * `default` for its docker-driver builder) on a local socket (no DOCKER_HOST, or a unix:// one).
 */
export function localEngine(context: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return context === 'default' && localSocket(env) !== undefined
}

/**
 * The engine's own builder, named after the current Docker context, and the engine checked. On this host's engine
 * (the default context on a local socket) the builder is not inspected: its driver is docker by construction, and
 * its platforms are the host's plus what the kernel emulates, which unsupportedPlatforms reads after the QEMU step
 * (an inspect here, before QEMU, listed them as they were before it; and it was the plan phase's longest call).
 * When the context is surely `default` (docker-cli.ts) no docker CLI starts at all: the engine is asked on its
 * socket. Another context (a remote engine, Docker Desktop) is inspected as before.
 */
async function engineBuilder(o: BuilderOptions): Promise<BuilderInfo> {
  const local = { name: 'default', driver: 'docker', platforms: [], created: false, engine: true }
  const socket = localSocket()
  let info: BuilderInfo
  if (socket && surelyDefaultContext()) {
    checkEngine(await localEngineInfo(socket), { ghaCache: o.ghaCache })
    info = local
  } else {
    const [shown, engine] = await Promise.all([
      run('docker', ['context', 'show'], { silent: true }),
      engineInfo()
    ])
    const context = shown.stdout.trim() || 'default'
    info = localEngine(context) ? local : { ...(await inspectBuilder(context)), created: false }
    if (info.driver !== 'docker') {
      throw new Error(`Builder '${context}' uses driver ${info.driver}, not the engine's docker driver.`)
    }
    checkEngine(engine, { ghaCache: o.ghaCache })
  }
  core.info(`Using the engine's builder '${info.name}' (driver docker, containerd image store)`)
  return info
}

/**
 * The requested platforms a builder cannot build, for a warning: those `buildx inspect` did not list; for the
 * engine's builder (not inspected), those neither native here nor emulated by a registered QEMU handler, read now,
 * after the QEMU step installed what it could.
 */
export function unsupportedPlatforms(
  info: BuilderInfo,
  platforms: string[],
  handler: (arch: string) => boolean = hasHandler
): string[] {
  if (info.platforms.length) return platforms.filter(p => !info.platforms.includes(p))
  if (!info.engine) return []
  return platforms.filter(p => !nativeArchs().includes(archOf(p)) && !handler(archOf(p)))
}

/** Warns about the platforms the builder cannot build (see unsupportedPlatforms), saying how it knows. */
export function warnUnsupportedPlatforms(info: BuilderInfo, platforms: string[]): void {
  const unsupported = unsupportedPlatforms(info, platforms)
  if (!unsupported.length) return
  core.warning(
    info.platforms.length
      ? `Builder '${info.name}' does not list ${unsupported.join(', ')} (it lists ${info.platforms.join(', ')})`
      : `Builder '${info.name}' (the engine's) cannot run ${unsupported.join(', ')}: not native on this host, ` +
          'and no QEMU handler is registered for them (qemu input)'
  )
}

export async function setupBuilder(o: BuilderOptions): Promise<BuilderInfo> {
  const ignored = creationInputs(o)
  if ((o.builder || o.driver === 'docker') && ignored.length) {
    core.warning(
      `${ignored.join(', ')} only apply to the docker-container builder the action creates; ` +
        `ignored with ${o.builder ? `builder: ${o.builder}` : 'driver: docker'}.`
    )
  }
  if (o.builder) {
    const info = await inspectBuilder(o.builder)
    core.info(`Using builder '${info.name}' (driver ${info.driver}) from the builder input`)
    return info.driver === 'docker' ? useDockerDriver(info, o) : { ...info, created: false }
  }
  if (o.driver === 'docker') return engineBuilder(o)
  const name = builderName(o.runId)
  let configFile: string | undefined
  if (o.buildkitdConfigInline) {
    configFile = path.join(o.tempDir, 'buildkitd.toml')
    await writeFile(
      configFile,
      o.buildkitdConfigInline.endsWith('\n') ? o.buildkitdConfigInline : `${o.buildkitdConfigInline}\n`
    )
  }
  const r = await run('docker', createArgs(name, { ...o, configFile }), { ignoreReturnCode: true })
  // Recorded before it boots: a builder that cannot start (image not pullable…) is still removed afterwards.
  if (r.exitCode === 0) o.onCreated?.(name)
  if (r.exitCode !== 0) {
    const reason = lastMeaningfulLine(r.stderr || r.stdout).replace(/^ERROR:\s*/, '')
    throw new Error(
      `Cannot create the docker-container builder: ${reason}. Check the driver-opts, buildkitd-flags and ` +
        'buildkitd-config-inline inputs.'
    )
  }
  core.info(`Created builder '${name}' (docker-container, ${o.buildkitImage}); the post step removes it`)
  const info = await inspectBuilder(
    name,
    `BuildKit (${o.buildkitImage}) did not start: check that the buildkit-image input names an image this ` +
      'runner can pull, or use driver: docker.'
  )
  return { ...info, created: true }
}

/** Post step: remove a builder this action created; warns, never fails. */
export async function removeBuilder(name: string): Promise<void> {
  const r = await run('docker', ['buildx', 'rm', '--force', '--', name], { ignoreReturnCode: true })
  if (r.exitCode === 0) core.info(`Removed builder '${name}'`)
  else core.warning(`Could not remove builder '${name}': ${(r.stderr || r.stdout).trim()}`)
}
