#!/usr/bin/env bash
# The test command (README, .ci/run). On a fresh machine of this project's kind it installs and starts
# whatever the tests need, then runs every test in the solution. Benchmarks are not run here.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "tests/run.sh: the .NET 10 SDK is required (dotnet not on PATH)." >&2
  exit 1
fi

# The service's tests start their own PostgreSQL (initdb + pg_ctl as the postgres user, on a free port of
# 127.0.0.1) from Debian's server binaries; the pages' tests drive Debian's Chromium (Playwright's own browser
# download cannot work here) with CJK fonts. Install what is missing.
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]} (apt-get install)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build LinxianWorkflow.sln -c Release --nologo -v quiet
dotnet run --project src/LinxianWorkflow.Cli -c Release --no-build -- validate workflows
dotnet test LinxianWorkflow.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal"
