// Loads a context fixture (__tests__/fixtures/contexts/NAME.json) the way the runner hands it to an action.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { contextFromWorkflow, type RepoInfo, type RunContext } from '../../src/1-context/context.js'

const dir = path.join(process.cwd(), '__tests__', 'fixtures', 'contexts')

export function loadContext(name: string, env: Record<string, string | undefined> = {}): RunContext {
  const fixture = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'))
  const tmp = mkdtempSync(path.join(tmpdir(), 'ctx-'))
  const eventPath = path.join(tmp, 'event.json')
  writeFileSync(eventPath, JSON.stringify(fixture.payload))
  return contextFromWorkflow({ ...fixture.env, GITHUB_EVENT_PATH: eventPath, ...env })
}

export const REPO: RepoInfo = {
  name: 'Hello-World',
  full_name: 'octocat/Hello-World',
  description: 'This your first repo!',
  html_url: 'https://github.com/octocat/Hello-World',
  default_branch: 'master',
  license: { spdx_id: 'MIT' }
}

/** 2020-01-10T00:30:00Z, the instant metadata-action's README examples use. */
export const NOW = new Date('2020-01-10T00:30:00.000Z')

export const spec = (
  over: Partial<Record<'images' | 'tags' | 'flavor' | 'labels' | 'annotations', string>> = {}
) => ({
  images: 'name/app',
  tags: '',
  flavor: '',
  labels: '',
  annotations: '',
  ...over
})
