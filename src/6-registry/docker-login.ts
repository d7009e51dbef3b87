// Registry access through the docker CLI: login (password on stdin, masked first) and logout (post step), for
// buildx and imagetools. The same login, for its one registry, is what client.ts sends when it moves tags
// through the registry API.
import * as core from '@actions/core'
import { ExecError, run } from '../lib/exec.js'
import { maskSecret, redact } from '../lib/secrets.js'
import { withRetry } from '../lib/retry.js'

export interface RegistryLogin {
  registry: string
  username: string
  password: string
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
  const ghcr = registry === 'ghcr.io'
  const pass = password || (ghcr ? defaults.token : '')
  if (!pass) return undefined
  const user = username || (ghcr ? defaults.actor : '')
  if (!user) throw new Error(`A password is set for ${registry} but no username: set the username input.`)
  return { registry, username: user, password: pass }
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

export async function login(c: RegistryLogin): Promise<void> {
  maskSecret(c.password)
  try {
    await withRetry(`login to ${c.registry}`, () =>
      run('docker', ['login', '--username', c.username, '--password-stdin', c.registry], {
        input: c.password,
        silent: true
      })
    )
  } catch (e) {
    if (e instanceof ExecError) throw loginError(c, e)
    throw e
  }
  core.info(`Logged in to ${c.registry} as ${c.username}`)
}

/** Post step: log out; warns, never fails. */
export async function logout(registry: string): Promise<void> {
  const r = await run('docker', ['logout', registry], { silent: true, ignoreReturnCode: true })
  if (r.exitCode === 0) core.info(`Logged out of ${registry}`)
  else core.warning(`Logout of ${registry} failed: ${(r.stderr || r.stdout).trim()}`)
}
