// Registry access through the docker CLI: login (password on stdin, masked first) and logout (post step), for
// buildx and imagetools. The same login, for its one registry, is what client.ts sends when it moves tags
// through the registry API.
import * as core from '@actions/core'
import type { RunContext } from '../1-context/context.js'
import type { Inputs } from '../1-context/inputs.js'
import { ExecError, run } from '../lib/exec.js'
import { maskSecret, redact } from '../lib/secrets.js'
import { withRetry } from '../lib/retry.js'
import { dockerConfigFile, hasLogin, readDockerConfig } from './docker-config.js'

export interface RegistryLogin {
  registry: string
  username: string
  password: string
  /** The ghcr.io default (actor + workflow token), not the username/password inputs. */
  defaulted?: true
}

/**
 * Who logs in: the inputs, or for ghcr.io the actor with the workflow token. No password means no login.
 */
export function resolveCredentials(
  registry: string,
  username: string,
  password: string,
  defaults: { actor: string; token: string }
): RegistryLogin | undefined {
  const ghcr = registry.toLowerCase() === 'ghcr.io'
  const pass = password || (ghcr ? defaults.token : '')
  if (!pass) return undefined
  const user = username || (ghcr ? defaults.actor : '')
  if (!user) throw new Error(`A password is set for ${registry} but no username: set the username input.`)
  return password
    ? { registry, username: user, password: pass }
    : { registry, username: user, password: pass, defaulted: true }
}

/** The login the action's inputs describe, for the registry input only; undefined without a password. */
export function registryLogin(
  inputs: Pick<Inputs, 'registry' | 'username' | 'password' | 'githubToken'>,
  ctx: Pick<RunContext, 'actor'>
): RegistryLogin | undefined {
  return resolveCredentials(inputs.registry, inputs.username, inputs.password, {
    actor: ctx.actor,
    token: inputs.githubToken
  })
}

/** The registry's reason for a failed login, without docker's boilerplate and without the password. */
export function loginError(c: RegistryLogin, e: ExecError): Error {
  const raw = redact(`${e.result.stderr}\n${e.result.stdout}`, c.password)
  const line =
    raw
      .split('\n')
      .map(l => l.trim())
      .filter(l => /error|denied|unauthorized|failed/i.test(l))
      .pop() ?? e.message
  const reason = line.replace(/^Error response from daemon:\s*/i, '').replace(/^Error:\s*/i, '')
  const hint = /401|unauthorized|denied|incorrect|invalid/i.test(reason)
    ? ' The registry rejected the credentials: check the username and password inputs.'
    : ''
  return new Error(`Login to ${c.registry} as ${c.username} failed: ${reason}.${hint}`)
}

/**
 * `docker login`; returns false when it did not log in: the ghcr.io default login is skipped when an earlier step
 * already logged in to ghcr.io (docker/login-action with a PAT, say), so that login is neither replaced for the
 * rest of the job nor removed by this action's post step. Explicit username/password inputs always log in.
 */
export async function login(c: RegistryLogin, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  maskSecret(c.password)
  const file = dockerConfigFile(env)
  // A config that cannot be read holds no earlier login to keep.
  if (c.defaulted && hasLogin(await readDockerConfig(file).catch(() => ({})), c.registry)) {
    core.info(
      `Keeping the login to ${c.registry} an earlier step made (${file}): no default login, ` +
        'and the post step leaves it in place. Set username and password to log in as someone else.'
    )
    return false
  }
  try {
    await withRetry(`login to ${c.registry}`, () =>
      run('docker', ['login', `--username=${c.username}`, '--password-stdin', '--', c.registry], {
        input: c.password,
        silent: true
      })
    )
  } catch (e) {
    if (e instanceof ExecError) throw loginError(c, e)
    throw e
  }
  core.info(`Logged in to ${c.registry} as ${c.username}`)
  return true
}

/** Post step: log out; warns, never fails. */
export async function logout(registry: string): Promise<void> {
  const r = await run('docker', ['logout', '--', registry], { silent: true, ignoreReturnCode: true })
  if (r.exitCode === 0) core.info(`Logged out of ${registry}`)
  else core.warning(`Logout of ${registry} failed: ${(r.stderr || r.stdout).trim()}`)
}
