// Finds a Node 24 binary (the runtime action.yml declares) through `npx -p node@24`, once per process.
import { execFileSync } from 'node:child_process'

let cached
export function node24() {
  if (process.env.NODE24_BIN) return process.env.NODE24_BIN
  if (!cached) {
    cached = execFileSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit']
    }).trim()
    process.env.NODE24_BIN = cached
  }
  return cached
}
