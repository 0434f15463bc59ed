#!/usr/bin/env bash
# Stops the local stack; data stays under the stack folder (remove .stack/run to start clean).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/kafka.sh" stop
bash "$here/elasticsearch.sh" stop
bash "$here/registry.sh" stop
