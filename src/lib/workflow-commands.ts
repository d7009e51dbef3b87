// The few GitHub Actions workflow commands the meta sub-action needs (inputs, outputs, environment, log
// groups, annotations), written to the runner's files and stdout exactly as @actions/core writes them.
// @actions/core pulls an HTTP client (undici, ~420 kB) into the bundle for OIDC; the sub-action's startup
// time is mostly bundle size, so it uses this instead.
import { appendFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

function command(name: string, message: string): void {
  process.stdout.write(`::${name}::${escapeData(message)}${EOL}`)
}

function fileCommand(fileVar: 'GITHUB_OUTPUT' | 'GITHUB_ENV', name: string, value: string): boolean {
  const file = process.env[fileVar]
  if (!file) return false
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: the ${name} value contains the delimiter ${delimiter}`)
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
  return true
}

export function getInput(name: string, options: { trimWhitespace?: boolean } = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || ''
  return options.trimWhitespace === false ? value : value.trim()
}

export function setOutput(name: string, value: string): void {
  if (!fileCommand('GITHUB_OUTPUT', name, value)) {
    process.stdout.write(EOL)
    process.stdout.write(`::set-output name=${name}::${escapeData(value)}${EOL}`)
  }
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value
  if (!fileCommand('GITHUB_ENV', name, value))
    process.stdout.write(`::set-env name=${name}::${escapeData(value)}${EOL}`)
}

export const isDebug = (): boolean => process.env.RUNNER_DEBUG === '1'
export const info = (message: string): void => void process.stdout.write(message + EOL)
export const debug = (message: string): void => command('debug', message)
export const warning = (message: string): void => command('warning', message)
export const error = (message: string): void => command('error', message)
export const startGroup = (name: string): void => command('group', name)
export const endGroup = (): void => void process.stdout.write(`::endgroup::${EOL}`)

export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}
