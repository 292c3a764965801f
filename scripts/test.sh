#!/usr/bin/env bash
# `npm test`: install what is missing, build, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run build --silent
npx jest "$@"
