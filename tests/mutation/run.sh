#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the protocol runtime, one folder of src/PolyChat.Protocol at a time, killed by
# tests/PolyChat.Protocol.Tests. Not part of .ci/run: a pass takes far longer than the test suite (tests/README.md).
#
#   bash tests/mutation/run.sh                    # Delivery, Sequencing, Streaming, Receiving, one run each
#   bash tests/mutation/run.sh Sequencing         # one or more folders, one run each
#   bash tests/mutation/run.sh --together A B     # the folders in one run (one build and coverage pass), scored apart
#   MUTATION_CONCURRENCY=1 bash tests/mutation/run.sh Delivery
#
# Reports land in tests/mutation/StrykerOutput/<folder>/reports/ (git-ignored): mutation-report.html and .json; each
# run ends with the score per folder. Surviving mutants that no test can observe are listed in equivalent-mutants.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

together=false
if [ "${1:-}" = "--together" ]; then
  together=true
  shift
fi

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  folders=(Delivery Sequencing Streaming Receiving)
fi

for folder in "${folders[@]}"; do
  if [ ! -d "src/PolyChat.Protocol/$folder" ]; then
    echo "no such folder: src/PolyChat.Protocol/$folder" >&2
    exit 2
  fi
done

dotnet tool restore >/dev/null

# mutate <name> <folder>...: one Stryker run over the folders' hand-written sources (paths are relative to the
# project; generated code, in obj/ or *.g.cs, is never mutated), then the score of each folder.
mutate() {
  local name=$1
  shift
  local out="$here/StrykerOutput/$name"
  local globs=()
  for folder in "$@"; do
    globs+=(--mutate "**/$folder/**/*.cs")
  done
  rm -rf "$out"
  echo "== mutating src/PolyChat.Protocol/{$(IFS=,; echo "$*")}"
  local start status=0
  start=$(date +%s)
  (cd "$here" && dotnet stryker \
      --config-file stryker-config.json \
      --concurrency "${MUTATION_CONCURRENCY:-2}" \
      "${globs[@]}" \
      --mutate '!**/obj/**' \
      --mutate '!**/*.g.cs' \
      --output "$out" \
      --skip-version-check) || status=$?
  echo "== $name: $(( $(date +%s) - start )) s"
  if [ -f "$out/reports/mutation-report.json" ] && command -v jq >/dev/null 2>&1; then
    jq -r -f "$here/score.jq" "$out/reports/mutation-report.json"
  fi
  return $status
}

status=0
if $together; then
  mutate "$(IFS=+; echo "${folders[*]}")" "${folders[@]}" || status=$?
else
  for folder in "${folders[@]}"; do
    mutate "$folder" "$folder" || status=$?
  done
fi
exit $status
