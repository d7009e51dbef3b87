// Keeping credentials out of logs: the runner's mask, and a redaction for messages built from a command's output.
import * as core from '@actions/core'

/** Masks a value in the runner's log (only inside Actions: elsewhere the mask command would print it). */
export function maskSecret(value: string): void {
  if (value && process.env.GITHUB_ACTIONS === 'true') core.setSecret(value)
}

/** Removes every occurrence of the secret from a message (belt and braces: the log masks it too). */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text
}
