// A plan document as the plan sub-action writes it, for merge tests: defaults of a tag push, with overrides.
import { PLAN_SCHEMA, type PlanDocument } from '../../src/3-plan/document.js'

export function planDocument(overrides: Partial<PlanDocument> = {}): PlanDocument {
  return {
    schema: PLAN_SCHEMA,
    version: 'v1.2.3',
    tags: ['v1.2.3', 'latest'],
    labels: [],
    annotations: [],
    annotationLevels: ['manifest'],
    flavor: { prefix: '', suffix: '' },
    monotonic: true,
    registry: 'localhost:5000',
    push: true,
    pushReason: 'push event',
    images: [{ target: 'api', image: 'localhost:5000/acme/api', platforms: ['linux/amd64', 'linux/arm64'] }],
    ...overrides
  }
}
