#!/usr/bin/env bash
# `npm test`: install what is missing, lint (first: it is fast), build (type
# check + bundles), run the whole suite, then the suites that touch the
# store again on PostgreSQL, and close with one plain "Tests: N passed, N
# failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run lint --silent
npm run build --silent
results=$(mktemp)
pg_results=$(mktemp)
trap 'rm -f "$results" "$pg_results"' EXIT
status=0
npx jest --json --outputFile="$results" "$@" || status=$?
# The suites that touch the store, again on PostgreSQL (jest.postgres.config.js).
npx jest -c jest.postgres.config.js --passWithNoTests --json --outputFile="$pg_results" "$@" || status=$?
node -e '
const fs = require("fs");
const runs = process.argv.slice(1).map((f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } }).filter(Boolean);
const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const skipped = sum("numPendingTests") + sum("numTodoTests");
console.log(`Tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (skipped ? `, ${skipped} skipped` : "") + ` (SQLite run and PostgreSQL run together)`);
' "$results" "$pg_results" || true
exit $status
