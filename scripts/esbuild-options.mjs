// The esbuild settings of every bundle: the action's (scripts/build.mjs) and the benchmark's baseline
// (scripts/bench-meta.mjs), so both are measured as built the same way.

// Bundled CommonJS dependencies call require(); ESM output needs one made for it.
export const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

// handlebars requires `source-map` only to attach source maps to compiled templates, inside a try/catch with a
// built-in fallback (handlebars/lib/handlebars/compiler/code-gen.js); our templates are tag patterns, never
// debugged, so the 26 KB module is left out of the bundles.
const withoutSourceMap = {
  name: 'without-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, () => ({
      path: 'source-map',
      namespace: 'without-source-map'
    }))
    build.onLoad({ filter: /.*/, namespace: 'without-source-map' }, () => ({
      contents: 'module.exports = {}'
    }))
  }
}

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  banner: { js: requireShim },
  plugins: [withoutSourceMap]
}
