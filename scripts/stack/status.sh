#!/usr/bin/env bash
# Says which local servers run, with their versions and addresses; exits 1 unless all run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
rc=0
bash "$here/kafka.sh" status || rc=1
bash "$here/elasticsearch.sh" status || rc=1
bash "$here/registry.sh" status || rc=1
exit $rc
