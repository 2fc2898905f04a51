#!/usr/bin/env bash
# Keyword-spotting study: generates 10 spoken words × 100 utterances (scripts/generate-speech-set.sh),
# runs the search of bench/keyword-spotting-study.unas on them (8 keywords, 2 words as `unknown`,
# silence), re-trains the Pareto front and prints each front member's test accuracy and the best.
# Usage: scripts/kws-study.sh [WORK_DIR]   (default .bench/kws-study; the data are reused when complete)
# Needs dist/ (npm run build), espeak-ng and sox. Takes about half an hour on 2 cores (wasm backend).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$root/.bench/kws-study}"
mkdir -p "$work"
bash "$root/scripts/generate-speech-set.sh" "$work/data" 100 yes no up down left right on off stop go
cp "$root/bench/keyword-spotting-study.unas" "$work/kws.unas"
node "$root/bin/unas.js" check "$work/kws.unas"
node "$root/bin/unas.js" search "$work/kws.unas" --runs "$work/runs" --json >"$work/events.jsonl"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
const run = lines.find((e) => e.type === "run-started");
const front = lines.filter((e) => e.type === "candidate-finished" && e.candidate.testError !== undefined).map((e) => e.candidate);
if (!front.length) { console.error("no front member was measured on the test split"); process.exit(1); }
for (const c of front)
  console.log(`#${c.id}: test accuracy ${(100 * (1 - c.testError)).toFixed(2)} %  (validation ${(100 * (1 - c.error)).toFixed(2)} %)`);
const best = front.reduce((a, b) => (a.testError <= b.testError ? a : b));
console.log(JSON.stringify({ run: run && run.run, bestTestAccuracy: 1 - best.testError, candidate: best.id, frontMembers: front.length }));
' "$work/events.jsonl"
