#!/usr/bin/env node
/**
 * npm run bench [-- --quick] [--no-numpy] [--no-tslab] [--js] [--out FILE]
 * Times the lab's kernels against numpy on this machine (and the tslab cell overhead), prints a
 * table and writes build/bench/bench.json. See docs/performance.md.
 */
import { formatReport, runBench, writeReport } from "../bench";

const HELP = `usage: npm run bench -- [--quick] [--no-numpy] [--no-tslab] [--js] [--threads N] [--out FILE]
  --quick     smaller sizes and fewer repeats (a smoke test, ~30 s)
  --no-numpy  skip the numpy column
  --no-tslab  skip the tslab cell-overhead row (no Jupyter server is started)
  --js        also time the float64 operations on the pure-JS fallback (GENLAB_LINALG=js)
  --threads N BLAS threads for the lab's OpenBLAS and numpy alike (default: all cores); 1 gives
              steadier numbers on a busy machine
  --out FILE  where to write the JSON report (default build/bench/bench.json)`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(HELP);
    return;
  }
  const known = new Set(["--quick", "--no-numpy", "--no-tslab", "--js", "--out", "--threads"]);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out" || args[i] === "--threads") { i++; continue; }
    if (!known.has(args[i])) {
      console.error(`bench: unknown option ${args[i]}\n${HELP}`);
      process.exit(2);
    }
  }
  const outIdx = args.indexOf("--out");
  const thIdx = args.indexOf("--threads");
  const threads = thIdx >= 0 ? Number(args[thIdx + 1]) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    console.error("bench: --threads needs a positive integer");
    process.exit(2);
  }
  const report = await runBench({
    quick: args.includes("--quick"),
    numpy: !args.includes("--no-numpy"),
    tslab: !args.includes("--no-tslab"),
    js: args.includes("--js"),
    threads,
  });
  console.log(formatReport(report));
  const file = writeReport(report, outIdx >= 0 ? args[outIdx + 1] : undefined);
  console.log(`\nwrote ${file}`);
}

main().then(
  () => process.exit(0), // tfjs and the Jupyter client keep handles open; end explicitly
  (e) => {
    console.error(`bench: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
