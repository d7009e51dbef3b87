// What the docker CLI would do, without starting it, where that is plain from its configuration (docker/cli:
// cli/config, cli-plugins/manager, cli/command's context resolution). Every docker CLI start costs a Go program,
// and `docker buildx …` costs three: the CLI, the plugin once for its metadata, the plugin again for the command
// (measured on this project's 2-core machine: `docker buildx version` 580-980 ms, the plugin alone 200-330 ms,
// and the action makes several buildx calls on its critical path). So:
// - the exec wrapper runs the buildx plugin the CLI would run, as the CLI runs it: the same file, found in the
//   CLI's order (config.json's cliPluginsExtraDirs, <config dir>/cli-plugins, the system directories), started as
//   `docker-buildx buildx ARGS` with DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND set, which makes buildx run as a
//   plugin (same commands, flags, defaults and messages as under `docker`);
// - the builder phase knows the current context is `default` when nothing names another one.
// Anything this does not recognise (no plugin file, a config.json it cannot read, another OS, a context named
// elsewhere) leaves the question to the docker CLI itself, which then answers or says what is wrong.
import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

type Env = Record<string, string | undefined>

/** The docker CLI's own plugin directories on Linux, in its order of preference. */
export const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins'
]

/** Set by the docker CLI when it runs a plugin; buildx runs as a plugin (not standalone) when it is set. */
export const REEXEC_ENV = 'DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND'

/** The docker CLI's configuration directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: Env): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
}

/** The fields of config.json that choose a plugin or a context (credentials are 6-registry/docker-config.ts's). */
export interface CliSettings {
  cliPluginsExtraDirs?: string[]
  currentContext?: string
}

/** config.json of the config directory ({} when there is none); undefined when it cannot be read as the CLI would. */
export function readCliSettings(configDir: string): CliSettings | undefined {
  let text: string
  try {
    text = readFileSync(path.join(configDir, 'config.json'), 'utf8')
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined
  }
  if (text.trim() === '') return {}
  let config: Record<string, unknown>
  try {
    config = JSON.parse(text) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (!config || typeof config !== 'object') return undefined
  const dirs = config.cliPluginsExtraDirs ?? []
  const current = config.currentContext ?? ''
  if (!Array.isArray(dirs) || dirs.some(d => typeof d !== 'string') || typeof current !== 'string') {
    return undefined
  }
  return { cliPluginsExtraDirs: dirs as string[], currentContext: current }
}

/** Where the docker CLI looks for plugins, first match wins; undefined when config.json cannot be read. */
export function pluginDirs(configDir: string): string[] | undefined {
  const config = readCliSettings(configDir)
  if (!config) return undefined
  return [...(config.cliPluginsExtraDirs ?? []), path.join(configDir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS]
}

/** The first `docker-buildx` the CLI would find, when it is an executable file; undefined otherwise. */
export function findBuildxPlugin(env: Env, platform: NodeJS.Platform = process.platform): string | undefined {
  // Elsewhere the CLI's directories differ (Docker Desktop's, `.exe` names): leave those to `docker`.
  if (platform !== 'linux') return undefined
  for (const dir of pluginDirs(dockerConfigDir(env)) ?? []) {
    const file = path.join(dir, 'docker-buildx')
    let isFile: boolean
    try {
      isFile = statSync(file).isFile()
    } catch {
      continue
    }
    // The CLI takes the first that exists and refuses it if it is no plugin: so does this (through `docker`).
    if (!isFile) return undefined
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The command that runs `docker buildx ARGS` as the docker CLI would, in the environment `env` of the child:
 * the plugin itself with `buildx ARGS` and REEXEC_ENV, or `docker` unchanged when no plugin file is found.
 */
export function buildxCommand(
  args: string[],
  env: Record<string, string>
): { tool: string; args: string[]; env: Record<string, string> } {
  const plugin = findBuildxPlugin(env)
  if (!plugin) return { tool: 'docker', args, env }
  return { tool: plugin, args, env: { ...env, [REEXEC_ENV]: 'docker' } }
}

/**
 * True when the current Docker context is surely `default`: neither DOCKER_CONTEXT nor config.json's
 * currentContext names another (DOCKER_HOST, when set, selects `default` too). False means "ask the CLI".
 */
export function surelyDefaultContext(env: Env = process.env): boolean {
  const named = (name: string | undefined) => !name || name === 'default'
  const config = readCliSettings(dockerConfigDir(env))
  return config !== undefined && named(env.DOCKER_CONTEXT) && named(config.currentContext)
}

/** The engine's unix socket when DOCKER_HOST leaves it local (unset: the default socket); undefined otherwise. */
export function localSocket(env: Env = process.env): string | undefined {
  const host = env.DOCKER_HOST
  if (!host) return '/var/run/docker.sock'
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined
}
