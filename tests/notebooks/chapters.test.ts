/**
 * Every chapter in notebooks/ executes with quick=true on the tslab kernel, and every check inside it
 * passes (a failing check throws, which fails its cell and so the run). One Jupyter server is shared,
 * and the result cache starts empty.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook, startServer, LocalServer } from "../../tools/runner";
import { projectRoot } from "../../tools/project/paths";

const notebooksDir = path.join(projectRoot, "notebooks");
const chapters = fs.readdirSync(notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-chapters-"));
// A fresh, empty result cache: every chapter computes (and so checks) its experiments for real, and
// writes its cache entries, whatever a developer's .cache/results holds. The server passes the
// environment on to its kernels.
process.env.GENLAB_CACHE_DIR = path.join(outDir, "cache");
let server: LocalServer;
// @jupyterlab/services logs WebSocket chatter on console.debug.
console.debug = () => undefined;

before(async () => { server = await startServer(); });
after(async () => {
  await server?.stop();
  fs.rmSync(outDir, { recursive: true, force: true });
});

test("there are chapters to run", () => {
  assert.ok(chapters.includes("00-welcome.ipynb"), `found ${chapters.join(", ")}`);
});

for (const name of chapters) {
  test(`${name} runs with quick=true and its checks pass`, { timeout: 300_000 }, async () => {
    const report = await runNotebook(path.join(notebooksDir, name), {
      parameters: { quick: true },
      outDir,
      server,
      writeReport: false,
      timeoutSec: 240,
    });
    const failed = report.status !== "ok" ? `\n${report.error?.message ?? ""}` : "";
    console.log(`# ${name}: ${report.status}, ${report.seconds.toFixed(1)} s`);
    assert.equal(report.status, "ok", `${name} failed${failed}`);
    const copy = JSON.parse(fs.readFileSync(path.join(outDir, name), "utf8")) as { cells: { outputs?: { text?: string | string[]; data?: Record<string, unknown> }[] }[] };
    const text = JSON.stringify(copy.cells.map((c) => c.outputs ?? []));
    assert.ok(!text.includes("✘"), `${name}: a failed check was printed`);
  });
}
