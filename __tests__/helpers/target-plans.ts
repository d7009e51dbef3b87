// Per-target plans as 3-plan/targets.ts makes them, for the tests of what comes after the plan: two image targets
// (v1.2.3 and latest, two platforms) and one whose output is not an image.
import type { TargetPlan } from '../../src/3-plan/targets.js'

export const plan = (target: string, image: string, producesImage = true): TargetPlan => ({
  target,
  producesImage,
  skipReason: producesImage
    ? undefined
    : 'its output is type=local, not an image: built as declared, nothing tagged',
  image,
  imageSource: 'registry/image-prefix',
  tags: producesImage ? [`${image}:v1.2.3`, `${image}:latest`] : [],
  platforms: ['linux/amd64', 'linux/arm64'],
  labels: {},
  annotations: [],
  cache: { from: [], to: undefined },
  attest: [],
  output: []
})

export const plans = [
  plan('api', 'localhost:5000/dtest/api'),
  plan('worker', 'localhost:5000/dtest/worker'),
  plan('docs', 'localhost:5000/dtest/docs', false)
]
