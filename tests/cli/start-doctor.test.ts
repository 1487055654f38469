/**
 * The two user-facing commands besides the runner: `npm start` (here its second half, dist/tools/cli/start.js,
 * after setup) serves the chapters with the project's tslab kernel on 127.0.0.1 with a token, and
 * `npm run doctor` reports what it found and exits 0 on a set-up machine. Also how start fails and
 * stops: a taken --port, SIGTERM as npm passes it on, SIGKILL; and its token on no command line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { projectRoot } from "../../tools/project/paths";
import { freePort } from "../../tools/runner";
import { alive, childrenOf, processes, waitFor } from "../runner/helpers";

const cli = (name: string): string => path.join(projectRoot, "dist", "tools", "cli", `${name}.js`);

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

/** Start `npm start`'s second half as npm runs it (`sh -c "<script> args"`, the script taken from package.json). */
function startAsNpm(port: number): { child: ChildProcess; output: () => string } {
  const script = (JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start;
  const tail = script.replace(/^bash kernel-setup\/setup\.sh && /, ""); // setup is tested by npm test itself
  const child = spawn("sh", ["-c", `${tail} --no-browser --port ${port}`], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => { out += d.toString(); });
  child.stderr!.on("data", (d: Buffer) => { out += d.toString(); });
  return { child, output: () => out };
}
const tokenIn = (out: string) => /http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9a-f]+)/.exec(out)?.[1];
const serverOf = (pid: number) => childrenOf(pid).find((c) => processes().find((p) => p.pid === c)?.cmdline.includes("serve.py"));

test("start refuses a --port another program holds, and prints no address", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
  try {
    const r = spawnSync(process.execPath, [cli("start"), "--no-browser", "--port", String(port)], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken by another program`));
    assert.doesNotMatch(r.stdout + r.stderr, /token=[0-9a-f]/);
  } finally {
    blocker.close();
  }
});

test("SIGTERM as npm sends it stops Jupyter and start exits 143; the token is on no command line", { timeout: 90_000 }, async () => {
  const { child, output } = startAsNpm(await freePort());
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  assert.ok(await waitFor(() => !!tokenIn(output()), 60_000), `no address printed:\n${output()}`);
  const token = tokenIn(output())!;
  const server = serverOf(child.pid!);
  assert.ok(server, "Jupyter runs as start's child (sh exec'd node)");
  assert.deepEqual(processes().filter((p) => p.cmdline.includes(token)).map((p) => p.cmdline), [], "the token is on no command line");
  child.kill("SIGTERM"); // npm passes SIGTERM to its child, the sh -c of the script
  assert.equal(await exited, 143, output());
  assert.ok(await waitFor(() => !alive(server!), 15_000), "Jupyter is gone");
});

test("SIGKILL of start: Jupyter stops by itself", { timeout: 90_000 }, async () => {
  const { child, output } = startAsNpm(await freePort());
  assert.ok(await waitFor(() => !!tokenIn(output()), 60_000), `no address printed:\n${output()}`);
  const server = serverOf(child.pid!);
  assert.ok(server);
  child.kill("SIGKILL");
  assert.ok(await waitFor(() => !alive(server!), 20_000), "Jupyter must not outlive start");
});
