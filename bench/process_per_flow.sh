#!/usr/bin/env bash
# The process-per-flow baseline: one operator process per pack of PROJECT (selected with
# --provider <file stem>), each with a fresh state folder of its own under STATE_BASE.
#
# usage: process_per_flow.sh OPERATOR PROJECT STATE_BASE
set -euo pipefail
op=$1 project=$2 state_base=$3
rm -rf "$state_base"
mkdir -p "$state_base"
for pack in "$project"/providers/messaging/*.gtpack; do
    id=$(basename "$pack" .gtpack)
    "$op" dev setup messaging --tenant acme --project-root "$project" \
        --state-dir "$state_base/$id" --provider "$id" >/dev/null
done
