# BlackLake's image recipes (the guide's `just bake`, `just bake-target api`, …). Each one runs the action's own
# engine, the CLI bundled in dist/, so a laptop build resolves the same bake definition, images, tags and
# platforms as CI. `just` comes from the `rust-just` dev dependency: `npm ci`, then `npx just <recipe>`.
# Every recipe passes extra arguments on to the CLI as action inputs (`--registry localhost:5000`,
# `--driver docker`, `--labels team=web`, …); `node dist/cli.js --help` lists them.

# Arguments reach the recipe lines as "$1", "$2", "$@" and are never pasted into the command text, so a value
# with spaces, quotes or `$(…)` stays one argument, as it does with the npm scripts.
set positional-arguments := true

# List the recipes.
@default:
    "{{ just_executable() }}" --justfile "{{ justfile() }}" --list

# Build every image of the default group for its platforms; nothing is pushed.
bake *ARGS:
    @node dist/cli.js publish --push false "$@"

# Build one target (or group) for its platforms; nothing is pushed.
bake-target TARGET *ARGS:
    @node dist/cli.js publish --push false --targets "$@"

# Build one target for one platform (e.g. `just bake-platform linux/arm64 api`); nothing is pushed.
bake-platform PLATFORM TARGET *ARGS:
    @platform="$1"; target="$2"; shift 2; node dist/cli.js publish --push false --platforms "$platform" --targets "$target" "$@"

# Build, push by digest and tag every image of the default group, exactly as the action does in CI.
bake-push *ARGS:
    @node dist/cli.js publish --push true "$@"

# Resolve images, tags, platforms and the final bake definition (e.g. `just plan --ref refs/tags/v1.2.3`); build and push nothing.
plan *ARGS:
    @node dist/cli.js plan "$@"
