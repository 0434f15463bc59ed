#!/bin/sh
# Starts the service with its memory settings: `npm start`, the container image and the benchmark all run this one file.
# Arguments go to node (e.g. --cpu-prof). Settings already in the environment win: a NODE_OPTIONS flag given
# later overrides the same flag here, and a MALLOC_MMAP_THRESHOLD_ or MALLOC_ARENA_MAX already set is kept.
#   --max-old-space-size=320   the V8 heap stays well inside the pod's 512 MiB limit, so garbage collection,
#                              not the OOM killer, answers memory pressure
#   --max-semi-space-size=8    a young generation of 8 MiB: V8 otherwise grows it further when memory looks plentiful
#   MALLOC_MMAP_THRESHOLD_     glibc hands buffers of 128 KiB and more (kafkajs fetches) back to the system when freed
#   MALLOC_ARENA_MAX=2         glibc keeps two malloc arenas instead of up to eight per core: memory freed by one of
#                              Node's threads (GC helpers, libuv pool) is reused by the others instead of held apart
set -eu
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export NODE_OPTIONS="--max-old-space-size=320 --max-semi-space-size=8${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec node "$@" "$(dirname "$0")/../dist/src/main.js"
