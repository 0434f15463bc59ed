#!/usr/bin/env bash
# Brings the local stack up (Kafka, Elasticsearch and the schema registry, in parallel) and returns once all answer.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
started=$SECONDS
bash "$here/fetch.sh"
bash "$here/kafka.sh" start & kafka=$!
bash "$here/elasticsearch.sh" start & es=$!
bash "$here/registry.sh" start & registry=$!
failed=0
wait "$kafka" || failed=1
wait "$es" || failed=1
wait "$registry" || failed=1
[[ $failed == 0 ]] || die "the stack did not come up (see the log tails above)"
log "stack ready in $((SECONDS - started))s"
bash "$here/status.sh"
