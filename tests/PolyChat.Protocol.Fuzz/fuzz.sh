#!/usr/bin/env bash
# Fuzzes the frame reader with AFL++ through SharpFuzz for the given number of seconds (default 3600).
#   tests/PolyChat.Protocol.Fuzz/fuzz.sh [SECONDS]
#   tests/PolyChat.Protocol.Fuzz/fuzz.sh --minimize     # afl-cmin the campaign's queue into corpus/
# Installs what it needs (afl++ from Debian, the SharpFuzz.CommandLine tool), instruments the published
# PolyChat.Protocol.dll, seeds the corpus with every test frame, the sample transcript and the kept corpus
# (corpus/, which FuzzCorpusTests replays in CI), and leaves findings in artifacts/fuzz/findings (crashes/
# and hangs/ hold inputs to replay with the harness: `dotnet run --project tests/PolyChat.Protocol.Fuzz -- FILE`).
# Once a finding is fixed, copy its input into corpus/ so that it stays a regression test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/artifacts/fuzz"
mkdir -p "$out"
minimize=false
if [ "${1:-}" = "--minimize" ]; then
  minimize=true
  seconds=0
else
  seconds=${1:-3600}
fi

if ! command -v afl-fuzz >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
fi

if [ ! -x "$out/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools"
fi

rm -rf "$out/bin"
dotnet publish "$here/PolyChat.Protocol.Fuzz.csproj" -c Release -o "$out/bin" --nologo
"$out/tools/sharpfuzz" "$out/bin/PolyChat.Protocol.dll"

# The instrumentation is in the managed assembly (SharpFuzz), not in the native host AFL inspects.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1

if $minimize; then
  # The smallest set of queue entries with the same coverage replaces the queue-* files; inputs of fixed
  # findings, copied in by hand under other names, are never removed.
  rm -rf "$out/cmin"
  afl-cmin -i "$out/findings/default/queue" -o "$out/cmin" -t 5000 -m none -- "$out/bin/PolyChat.Protocol.Fuzz"
  rm -f "$here"/corpus/queue-*
  for file in "$out"/cmin/*; do
    cp "$file" "$here/corpus/queue-$(basename "$file" | cut -d, -f1 | tr ':' '-')"
  done
  echo "fuzz: $(ls "$here"/corpus | wc -l) inputs in $here/corpus"
  exit 0
fi

if [ ! -d "$out/corpus" ]; then
  mkdir -p "$out/corpus"
  cp "$root"/tests/PolyChat.Protocol.Tests/Frames/*.json "$out/corpus/"
  cp "$root/src/PolyChat.Cli/samples/session.jsonl" "$out/corpus/"
  cp "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
fi

# A previous run's findings directory resumes the same campaign ("-i -").
input="$out/corpus"
[ -d "$out/findings/default/queue" ] && input=-

afl-fuzz -i "$input" -o "$out/findings" -t 5000 -m none -V "$seconds" -- "$out/bin/PolyChat.Protocol.Fuzz" || true

stats="$out/findings/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs)" "$stats"
fi
crashes=$(find "$out/findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "fuzz: $crashes crashing inputs in $out/findings/default/crashes"
