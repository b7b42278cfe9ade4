#!/usr/bin/env bash
# Builds the web console (web/, with Vite) when its sources changed and serves it on
# http://127.0.0.1:8080, connected to the hub node at ws://127.0.0.1:9944.
#   FUSION_CONSOLE_RPC   the node's WebSocket URL (default ws://127.0.0.1:9944); `?rpc=` in the
#                        page's URL overrides it per tab (the page then shows a warning)
#   FUSION_CONSOLE_PORT  the HTTP port (default 8080); FUSION_CONSOLE_HOST the address (127.0.0.1)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
web="$REPO_ROOT/web"

npm_ci_if_changed "$web" "the console's npm dependencies"
# Build when there is no build yet, or a source is newer than it.
if [[ ! -f "$web/dist/index.html" ]] ||
	[[ -n "$(find "$web/src" "$web/public" "$web/index.html" "$web/vite.config.js" "$web/package-lock.json" \
		-newer "$web/dist/index.html" -print -quit)" ]]; then
	log "building the console (vite build)"
	(cd "$web" && npx --no-install vite build --logLevel warn)
fi
exec node "$web/serve.js" \
	--rpc "${FUSION_CONSOLE_RPC:-ws://127.0.0.1:9944}" \
	--port "${FUSION_CONSOLE_PORT:-8080}" \
	--host "${FUSION_CONSOLE_HOST:-127.0.0.1}"
