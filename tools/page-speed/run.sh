#!/usr/bin/env bash
# Builds the app and the tool, starts the app on a loopback port over the checkout's models/ and prompts/, measures
# (arguments go to page-speed, e.g. --runs 5), and stops the app it started. Usage: tools/page-speed/run.sh [--runs N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
config="${CONFIG:-Release}"
port="${PORT:-5097}"
dotnet build "$root/src/GptPlayground" -c "$config" -v q -nologo >/dev/null
dotnet build "$root/tools/page-speed" -c "$config" -v q -nologo >/dev/null
cd "$root"
ASPNETCORE_ENVIRONMENT=Production dotnet "src/GptPlayground/bin/$config/net10.0/gptplayground.dll" serve --urls "http://127.0.0.1:$port" >/tmp/page-speed-app.log 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.5; done
dotnet "tools/page-speed/bin/$config/net10.0/page-speed.dll" --url "http://127.0.0.1:$port" "$@"
