#!/usr/bin/env bash
# Fuzzes the frame reader with AFL++ through SharpFuzz for the given number of seconds (default 3600).
#   tests/PolyChat.Protocol.Fuzz/fuzz.sh [SECONDS]
# Installs what it needs (afl++ from Debian, the SharpFuzz.CommandLine tool), instruments the published
# PolyChat.Protocol.dll, seeds the corpus with every test frame and the sample transcript, and leaves
# findings in artifacts/fuzz/findings (crashes/ and hangs/ hold inputs to replay with the harness).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-3600}
out="$root/artifacts/fuzz"
mkdir -p "$out"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
fi

if [ ! -x "$out/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools"
fi

rm -rf "$out/bin"
dotnet publish "$here/PolyChat.Protocol.Fuzz.csproj" -c Release -o "$out/bin" --nologo
"$out/tools/sharpfuzz" "$out/bin/PolyChat.Protocol.dll"

if [ ! -d "$out/corpus" ]; then
  mkdir -p "$out/corpus"
  cp "$root"/tests/PolyChat.Protocol.Tests/Frames/*.json "$out/corpus/"
  cp "$root/src/PolyChat.Cli/samples/session.jsonl" "$out/corpus/"
fi

# A previous run's findings directory resumes the same campaign ("-i -").
input="$out/corpus"
[ -d "$out/findings/default/queue" ] && input=-

# The instrumentation is in the managed assembly (SharpFuzz), not in the native host AFL inspects.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
afl-fuzz -i "$input" -o "$out/findings" -t 5000 -m none -V "$seconds" -- "$out/bin/PolyChat.Protocol.Fuzz" || true

stats="$out/findings/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs)" "$stats"
fi
crashes=$(find "$out/findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "fuzz: $crashes crashing inputs in $out/findings/default/crashes"
