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

// @actions/core imports @actions/http-client for one thing, the OIDC token (core.getIDToken, which only signing
// asks for), and http-client imports undici: evaluating undici was ~100 ms of every step's start-up under Node 24
// (measured here). So inside core's oidc-utils the client is a stand-in that loads the real one on first use,
// with the same constructor and getJson; everything else that imports http-client gets the real module.
const lazyOidcHttpClient = {
  name: 'lazy-oidc-http-client',
  setup(build) {
    build.onResolve({ filter: /^@actions\/http-client$/ }, args =>
      /@actions[\\/]core[\\/]lib[\\/]oidc-utils\.js$/.test(args.importer)
        ? { path: 'oidc-http-client', namespace: 'lazy-oidc-http-client', pluginData: args.resolveDir }
        : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'lazy-oidc-http-client' }, args => ({
      resolveDir: args.pluginData,
      contents: `
        export class HttpClient {
          constructor(...args) { this.args = args }
          async getJson(...args) {
            const { HttpClient } = await import('@actions/http-client')
            return new HttpClient(...this.args).getJson(...args)
          }
        }`
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
  plugins: [withoutSourceMap, lazyOidcHttpClient]
}
