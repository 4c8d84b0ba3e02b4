#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the protocol runtime, one folder at a time.
# Not part of .ci/run: a full pass takes far longer than the test suite (see tests/README.md).
#
#   bash tests/mutation/run.sh                 # every folder
#   bash tests/mutation/run.sh Sequencing      # one or more folders
#   MUTATION_CONCURRENCY=1 bash tests/mutation/run.sh Delivery
#
# Reports land in tests/mutation/StrykerOutput/<folder>/ (git-ignored): reports/mutation-report.html
# and .json. Surviving mutants that no test can observe are listed in equivalent-mutants.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

dotnet tool restore >/dev/null

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  folders=(Delivery Sequencing Streaming Receiving)
fi

status=0
for folder in "${folders[@]}"; do
  if [ ! -d "src/PolyChat.Protocol/$folder" ]; then
    echo "no such folder: src/PolyChat.Protocol/$folder" >&2
    exit 2
  fi
  out="$here/StrykerOutput/$folder"
  rm -rf "$out"
  echo "== mutating src/PolyChat.Protocol/$folder"
  start=$(date +%s)
  # Only the folder's hand-written sources: generated code (obj/, *.g.cs) is never mutated.
  (cd "$here" && dotnet stryker \
      --config-file stryker-config.json \
      --concurrency "${MUTATION_CONCURRENCY:-2}" \
      --mutate "**/$folder/**/*.cs" \
      --mutate '!**/obj/**' \
      --mutate '!**/*.g.cs' \
      --output "$out" \
      --skip-version-check) || status=$?
  echo "== $folder: $(( $(date +%s) - start )) s"
done
exit $status
