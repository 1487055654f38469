/**
 * The two user-facing commands besides the runner: `npm start` (here its second half, dist/cli/start.js,
 * after setup) serves the chapters with the project's tslab kernel on 127.0.0.1 with a token, and
 * `npm run doctor` reports what it found and exits 0 on a set-up machine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { projectRoot } from "../../src/project/paths";
import { freePort } from "../../src/runner";

const cli = (name: string): string => path.join(projectRoot, "dist", "cli", `${name}.js`);

test("start serves notebooks/ on 127.0.0.1 with a token and the project's tslab kernel", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [cli("start"), "--no-browser", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
  child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 30_000);
      const poll = setInterval(() => {
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
        if (m) { clearInterval(poll); clearTimeout(timer); resolve(m[0]); }
      }, 100);
    });
    const token = new URL(url).searchParams.get("token")!;
    assert.ok(token.length >= 32, "a long random token");
    let specs: { kernelspecs: Record<string, { spec: { display_name: string } }> } | null = null;
    for (let i = 0; i < 100 && !specs; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
        if (r.ok) specs = (await r.json()) as typeof specs;
      } catch { /* not up yet */ }
      if (!specs) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(specs, `the server answered:\n${out}`);
    assert.equal(specs!.kernelspecs.tslab?.spec.display_name, "TypeScript (genlab)");
    const denied = await fetch(`http://127.0.0.1:${port}/api/kernelspecs`);
    assert.equal(denied.status, 403, "no token, no access");
    const tree = await fetch(`http://127.0.0.1:${port}/api/contents?token=${token}`);
    const listing = (await tree.json()) as { content: { name: string }[] };
    assert.ok(listing.content.some((f) => f.name === "00-welcome.ipynb"), "the notebooks folder is the root");
  } finally {
    try { process.kill(-child.pid!, "SIGTERM"); } catch { /* gone */ }
    await new Promise((r) => child.once("exit", r));
  }
});

test("doctor reports Node, Jupyter, kernel, backends and versions, and exits 0 here", { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, [cli("doctor")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const what of ["Node.js", "Jupyter server", "kernel", "library", "TensorFlow.js", "float64 linear algebra", "plotly.js", "danfojs"]) {
    assert.match(r.stdout, new RegExp(`✔ ${what.replace(".", "\\.")}:`), `doctor names ${what}`);
  }
  assert.match(r.stdout, /everything the lab needs is here/);
});
