// Loads the captured buildx fixtures (see __tests__/fixtures/bake/README.md).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bake')

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8')
}

export function jsonFixture<T = unknown>(name: string): T {
  return JSON.parse(fixture(name)) as T
}
