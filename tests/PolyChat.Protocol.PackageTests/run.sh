#!/usr/bin/env bash
# Package checks for CI: pack PolyChat.Protocol to a local feed, build and run a fresh consumer from that
# feed only, pack PolyChat.Testing and run a fresh xunit project over it, pack the store and cluster packages,
# publish and run a Native AOT app
# over the library, and publish the polychat CLI as Native AOT and run it: replays (same as JIT), signals, the demo.
# Prints one "package-check: <name>: pass|fail" line per check and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
artifacts="$root/artifacts"
rm -rf "$artifacts/packages" "$artifacts/consumer-packages" "$artifacts/aot" "$artifacts/cli-aot" "$artifacts"/cli-aot-sessions.db* "$artifacts/cli-aot-missing.db"
mkdir -p "$artifacts"
# The one version (Directory.Build.props), as MSBuild resolves it: the package is looked up under it.
version=$(dotnet msbuild src/PolyChat.Protocol/PolyChat.Protocol.csproj -getProperty:Version -nologo 2>/dev/null | tr -d '[:space:]')
if [ -z "$version" ]; then
  echo "package-check: cannot read the version from Directory.Build.props" >&2
  exit 1
fi
echo "version: $version"
failed=0
checks=0

check() {
  local name=$1
  shift
  local log="$artifacts/$name.log"
  checks=$((checks + 1))
  if "$@" >"$log" 2>&1; then
    echo "package-check: $name: pass"
  else
    echo "package-check: $name: fail (log follows)"
    tail -n 60 "$log"
    failed=$((failed + 1))
  fi
}

no_il_warnings() {
  # IL2xxx/IL3xxx are trim and AOT warnings: there must be none, not even suppressed to one line.
  ! grep -E "warning IL[23][0-9]{3}" "$1"
}

check pack dotnet pack src/PolyChat.Protocol/PolyChat.Protocol.csproj -c Release -o "$artifacts/packages" --nologo

# The feed must also hold the package's own dependencies (the logging abstractions and what they need),
# exactly as the library resolved them, so the consumer restores from this feed and nothing else.
copy_dependencies() {
  local cache
  cache=$(dotnet nuget locals global-packages --list | sed 's/^[^:]*: *//')
  python3 - "$root/src/PolyChat.Protocol/obj/project.assets.json" "$cache" "$artifacts/packages" <<'PY'
import json, os, shutil, sys
assets, cache, feed = sys.argv[1:4]
libraries = json.load(open(assets))["libraries"]
for key, library in libraries.items():
    if library.get("type") != "package":
        continue
    name, version = key.split("/")
    if name.lower().startswith("microsoft.codeanalysis"):
        continue  # build-time analyzers (PrivateAssets=all) never reach consumers
    source = os.path.join(cache, library["path"], f"{name.lower()}.{version.lower()}.nupkg")
    shutil.copy(source, feed)
    print(f"feed: {name} {version}")
PY
}
check feed-dependencies copy_dependencies
check package-layout bash -c "
  set -e
  nupkg='$artifacts/packages/PolyChat.Protocol.$version.nupkg'
  test -f '$artifacts/packages/PolyChat.Protocol.$version.snupkg'
  entries=\$(unzip -Z1 \"\$nupkg\")
  for entry in lib/net8.0/PolyChat.Protocol.dll lib/net8.0/PolyChat.Protocol.xml lib/net10.0/PolyChat.Protocol.dll lib/net10.0/PolyChat.Protocol.xml \
               analyzers/dotnet/cs/PolyChat.Protocol.Generators.dll buildTransitive/PolyChat.Protocol.props README.md; do
    echo \"\$entries\" | grep -qx \"\$entry\" || { echo \"missing \$entry\"; exit 1; }
  done
  ! echo \"\$entries\" | grep -q 'Microsoft.CodeAnalysis' || { echo 'Roslyn must not be bundled'; exit 1; }
  ! echo \"\$entries\" | grep -q '^lib/.*Generators' || { echo 'the generator must not be a lib reference'; exit 1; }
  unzip -p \"\$nupkg\" PolyChat.Protocol.nuspec | grep -q '<license type=\"expression\">MIT</license>'
  unzip -p \"\$nupkg\" PolyChat.Protocol.nuspec | grep -q '<readme>README.md</readme>'
"
check consumer bash -c "cd tests/PolyChat.Protocol.PackageTests/Consumer && rm -rf bin obj && dotnet run -c Release -p:PolyChatVersion=$version --nologo"

# PolyChat.Testing (the simulator, for users' own tests): pack it to the same feed, check its layout, then build
# and run a fresh xunit project (its README's example) that gets PolyChat.* from the feed only. The test
# frameworks come from this machine's package cache, through a config written here, outside the repository.
testing_consumer() {
  local artifacts=$1 version=$2 cache config nupkg entries
  nupkg="$artifacts/packages/PolyChat.Testing.$version.nupkg"
  entries=$(unzip -Z1 "$nupkg")
  for entry in lib/net10.0/PolyChat.Testing.dll lib/net10.0/PolyChat.Testing.xml README.md; do
    echo "$entries" | grep -qx "$entry" || { echo "missing $entry"; return 1; }
  done
  unzip -p "$nupkg" PolyChat.Testing.nuspec | grep -q "id=\"PolyChat.Protocol\" version=\"$version\""
  unzip -p "$nupkg" PolyChat.Testing.nuspec | grep -q 'frameworkReference name="Microsoft.AspNetCore.App"'
  cache=$(dotnet nuget locals global-packages --list | sed 's/^[^:]*: *//')
  config="$artifacts/testing-consumer.nuget.config"
  cat > "$config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$artifacts/testing-consumer-packages" /></config>
  <packageSources>
    <clear />
    <add key="local" value="$artifacts/packages" />
    <add key="cache" value="$cache" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="PolyChat.*" /></packageSource>
    <packageSource key="cache"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
  cd tests/PolyChat.Protocol.PackageTests/TestingConsumer
  rm -rf bin obj "$artifacts/testing-consumer-packages"
  dotnet restore --configfile "$config" -p:PolyChatVersion="$version"
  dotnet test --no-restore -c Release -p:PolyChatVersion="$version" --nologo
}
check pack-testing dotnet pack src/PolyChat.Testing/PolyChat.Testing.csproj -c Release -o "$artifacts/packages" -p:Version=$version --nologo
check testing-consumer bash -c "set -eo pipefail; $(declare -f testing_consumer); testing_consumer '$artifacts' '$version'"
# The packages that build on the library (durable stores, the cluster): each packs, holds both targets with their XML
# docs and its README, and depends on PolyChat.Protocol at this very version.
extension_packages() {
  local artifacts=$1 version=$2 name nupkg entries entry
  for name in PolyChat.Storage.Sqlite PolyChat.Storage.PostgreSql PolyChat.Orleans; do
    dotnet pack "src/$name/$name.csproj" -c Release -o "$artifacts/packages" -p:Version="$version" --nologo
    nupkg="$artifacts/packages/$name.$version.nupkg"
    entries=$(unzip -Z1 "$nupkg")
    for entry in "lib/net8.0/$name.dll" "lib/net8.0/$name.xml" "lib/net10.0/$name.dll" "lib/net10.0/$name.xml" README.md; do
      echo "$entries" | grep -qx "$entry" || { echo "$name: missing $entry"; return 1; }
    done
    unzip -p "$nupkg" "$name.nuspec" | grep -q "<dependency id=\"PolyChat.Protocol\" version=\"$version\"" \
      || { echo "$name: no dependency on PolyChat.Protocol $version"; return 1; }
    unzip -p "$nupkg" "$name.nuspec" | grep -q '<license type="expression">MIT</license>' || { echo "$name: no MIT license"; return 1; }
    echo "$name $version: packed"
  done
}
check pack-extensions bash -c "set -eo pipefail; $(declare -f extension_packages); extension_packages '$artifacts' '$version'"
check aot-app bash -c "
  set -e
  dotnet publish tests/PolyChat.Protocol.PackageTests/AotApp/AotApp.csproj -c Release -r linux-x64 -o '$artifacts/aot' --nologo 2>&1 | tee '$artifacts/aot-publish.log'
  $(declare -f no_il_warnings); no_il_warnings '$artifacts/aot-publish.log'
  '$artifacts/aot/AotApp'
"
# The native binary must behave as the regular (JIT) build: same stdout, stderr and exit code for a replay.
same_as_jit() {
  local native=$1
  shift
  local jit_out jit_err native_out native_err jit_code native_code
  jit_out=$(mktemp); jit_err=$(mktemp); native_out=$(mktemp); native_err=$(mktemp)
  dotnet run --project src/PolyChat.Cli -c Release --no-launch-profile -- "$@" >"$jit_out" 2>"$jit_err"; jit_code=$?
  "$native" "$@" >"$native_out" 2>"$native_err"; native_code=$?
  echo "polychat $*: exit $native_code native, $jit_code JIT; $(wc -l <"$native_out") lines of output"
  [ "$native_code" -eq "$jit_code" ] && cmp "$jit_out" "$native_out" && cmp "$jit_err" "$native_err"
}

# serve and demo stop on SIGINT and SIGTERM and exit 0. Job control (set -m) keeps SIGINT deliverable to a
# background job, as it is to a terminal's foreground process.
stops_on() {
  local signal=$1 ready=$2
  shift 2
  set -m
  local out pid code start elapsed
  out=$(mktemp)
  "$@" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 300); do grep -q "$ready" "$out" && break; sleep 0.1; done
  grep -q "$ready" "$out" || { echo "$*: no '$ready' line within 30 s"; cat "$out"; kill -KILL "$pid"; return 1; }
  start=$(date +%s%N)
  kill "-$signal" "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$*: still running 10 s after SIG$signal"; kill -KILL "$pid"; return 1
  fi
  wait "$pid"; code=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "$*: SIG$signal -> exit $code in $elapsed ms"
  [ "$code" -eq 0 ]
}

# A SQLite session store with one session (the tables of SqlSessionStore.DefaultSchema), for polychat sessions: written
# here with Python's sqlite3, so the native tool reads a file no .NET code of this run wrote. Fixed instants in the past.
sessions_store() {
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
PRAGMA journal_mode = WAL;
CREATE TABLE polychat_sessions (session_id TEXT NOT NULL PRIMARY KEY, handled_cursor BIGINT NOT NULL, capabilities TEXT NULL, agent_joined BIGINT NOT NULL, end_reason TEXT NULL, owner TEXT NULL, lease_token BIGINT NOT NULL, lease_expires_at BIGINT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE polychat_recent (session_id TEXT NOT NULL, ordinal BIGINT NOT NULL, event_id TEXT NOT NULL, sequence BIGINT NULL, PRIMARY KEY (session_id, ordinal));
CREATE TABLE polychat_outbox (session_id TEXT NOT NULL, client_event_id TEXT NOT NULL, ordinal BIGINT NOT NULL, frame TEXT NOT NULL, accepted_at BIGINT NOT NULL, attempts BIGINT NOT NULL, settled TEXT NULL, PRIMARY KEY (session_id, client_event_id));
CREATE TABLE polychat_chunks (session_id TEXT NOT NULL, ordinal BIGINT NOT NULL, message_id TEXT NOT NULL, frame TEXT NOT NULL, PRIMARY KEY (session_id, ordinal));
INSERT INTO polychat_sessions VALUES ('aot-session', 7, '{"streaming":true,"heartbeat_interval_seconds":30}', 1, NULL, 'worker-1', 3, 1740823230000, 1740823200000, 1740823205000);
INSERT INTO polychat_recent VALUES ('aot-session', 1, 'e-7', 7);
INSERT INTO polychat_outbox VALUES ('aot-session', 'aot-c-1', 1, '{}', 1740823200000, 2, NULL);
INSERT INTO polychat_outbox VALUES ('aot-session', 'aot-c-0', 0, '{}', 1740823100000, 1, 'sent');
""")
db.commit()
PY
}

# The conventional Native AOT publish, as any .NET user runs it.
check cli-aot bash -c "
  set -e
  dotnet publish src/PolyChat.Cli -c Release -r linux-x64 -p:PublishAot=true -p:TrimmerSingleWarn=false -o '$artifacts/cli-aot' --nologo 2>&1 | tee '$artifacts/cli-aot-publish.log'
  $(declare -f no_il_warnings same_as_jit stops_on)
  no_il_warnings '$artifacts/cli-aot-publish.log'
  test -f '$artifacts/cli-aot/samples/session.jsonl' || { echo 'the sample transcript is not published beside the tool'; exit 1; }
  '$artifacts/cli-aot/polychat' replay '$artifacts/cli-aot/samples/session.jsonl' >/dev/null
  same_as_jit '$artifacts/cli-aot/polychat' replay '$artifacts/cli-aot/samples/session.jsonl'
  same_as_jit '$artifacts/cli-aot/polychat' replay --cursor 5 src/PolyChat.Cli/samples/session.jsonl
  $(declare -f sessions_store)
  sessions_store '$artifacts/cli-aot-sessions.db'
  same_as_jit '$artifacts/cli-aot/polychat' sessions --store '$artifacts/cli-aot-sessions.db'
  same_as_jit '$artifacts/cli-aot/polychat' sessions --store 'Data Source=$artifacts/cli-aot-sessions.db' --json
  '$artifacts/cli-aot/polychat' sessions show aot-session --store '$artifacts/cli-aot-sessions.db' --json | grep -q 'attempts.: 2,'
  '$artifacts/cli-aot/polychat' sessions show aot-session --store '$artifacts/cli-aot-sessions.db' | grep -q '^capabilities  *streaming, heartbeat 30s$'
  # Commands that exit non-zero: called in a || list, so set -e lets same_as_jit collect both exit codes.
  same_as_jit '$artifacts/cli-aot/polychat' sessions show no-such-session --store '$artifacts/cli-aot-sessions.db' || exit 1
  code=0; '$artifacts/cli-aot/polychat' sessions show no-such-session --store '$artifacts/cli-aot-sessions.db' 2>/dev/null || code=\$?; [ \$code -eq 8 ]
  same_as_jit '$artifacts/cli-aot/polychat' sessions --store '$artifacts/cli-aot-missing.db' || exit 1
  code=0; '$artifacts/cli-aot/polychat' sessions --store '$artifacts/cli-aot-missing.db' 2>/dev/null || code=\$?; [ \$code -eq 7 ]
  ! test -e '$artifacts/cli-aot-missing.db'
  for signal in INT TERM; do
    stops_on \$signal 'Press Ctrl+C to stop.' '$artifacts/cli-aot/polychat' serve --port 0
    stops_on \$signal 'simulator on ' '$artifacts/cli-aot/polychat' demo --pace 60000
  done
  echo \"polychat native binary: \$(stat -c %s '$artifacts/cli-aot/polychat') bytes\"
"
grep -hE "^polychat (native binary|replay)|SIG(INT|TERM) -> exit" "$artifacts/cli-aot.log" 2>/dev/null || true

# The demo, once, on the native binary: a scripted conversation through the simulator's faults (seed 7 drops
# frames, retries a message and duplicates an echo) ends with every message sent. Real time, so it lives here and
# not in the unit tests. What it checks is our rule for the demo; the ending follows §2 and §5e as noted below.
demo_completes() {
  local native=$1 out err code
  shift
  out=$(mktemp); err=$(mktemp)
  timeout 120 "$native" demo "$@" >"$out" 2>"$err"; code=$?
  echo "polychat demo $*: exit $code; $(wc -l <"$out") lines of output"
  python3 - "$code" "$out" "$err" <<'PY'
import re, sys
code, stdout, stderr = int(sys.argv[1]), open(sys.argv[2], encoding="utf-8").read(), open(sys.argv[3], encoding="utf-8").read()
# What the end request says when a drop lost its echo and SESSION_END and the server no longer knows the session.
ended_unseen = "the session ended: after the end request the server no longer knows it (404), so its echo and SESSION_END were not received"
problems = []
def expect(condition, what):
    if not condition:
        problems.append(what)
expect(code == 0, f"exit code {code}")
expect("messages: sent, sent, sent" in stdout, "no 'messages: sent, sent, sent' summary")
expect("lost" not in stdout, "'lost' in the output")
expect("exception" not in (stdout + stderr).lower(), "'exception' in the output")
# The session ends as asked: SESSION_END arrives (§2 USER_END_SESSION -> echo -> SESSION_END), or, when a fault
# drops the connection right after the end request, the server no longer knows the ended session on reconnect
# (§5e, 404) and the demo says so.
if ended_unseen not in stdout:
    expect("EVENT_TYPE_SESSION_END" in stdout and "REASON_USER_END" in stdout, "no SESSION_END with REASON_USER_END")
# Delivery lines say what happened to a message as a person watching the chat reads it, never a status transition
# such as "Sending -> Sending": each message is sent and then echoed. Indented lines are delivery updates,
# rejected frames and gaps; the last two are not about deliveries. A send that fails on a dropping socket says so
# ("attempt 1 did not go out (...), will retry"), as DeliveryLine formats it.
lines = stdout.splitlines()
deliveries = [l for l in lines if l.startswith("    ") and not l.startswith("    rejected frame: ") and not l.startswith("    gap: ")]
expect(deliveries, "no delivery lines")
pattern = re.compile(
    r'^    ("[^"]*"|agent join request|end of session): (sending…|retrying \(attempt \d+\)|attempt \d+ did not go out \(.+\), will retry|sent \(echo #\d+\)|duplicate echo ignored)$'
    r'|^    end of session: failed: ' + re.escape(ended_unseen) + '$')
for line in deliveries:
    expect(pattern.fullmatch(line), f"delivery line not as expected: {line!r}")
for text in ['"Can I change my delivery address?"', '"Great, and when will it arrive?"', '"Thanks, that\'s all."', "end of session"]:
    expect(f"    {text}: sending…" in deliveries, f"no '{text}: sending…' line")
    unseen = text == "end of session" and f"    end of session: failed: {ended_unseen}" in deliveries
    sent = sum(1 for l in deliveries if l.startswith(f"    {text}: sent (echo #"))
    expect(sent == (0 if unseen else 1), f"{sent} 'sent' lines for {text}")
expect("->" not in stdout, "'->' in the output")
for problem in problems:
    print("demo: " + problem)
if problems:
    print(stdout)
    print(stderr)
sys.exit(1 if problems else 0)
PY
}
check cli-aot-demo demo_completes "$artifacts/cli-aot/polychat" --seed 7
grep -h "^polychat demo" "$artifacts/cli-aot-demo.log" 2>/dev/null || true

echo "package-checks: $((checks - failed)) passed, $failed failed"
exit $((failed > 0))
