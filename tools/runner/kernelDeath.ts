/**
 * Why a kernel died, for a server this process started: how its process ended (kernel-setup/serve.py
 * logs the exit code or signal; SIGKILL is what the out-of-memory killer sends), what it printed
 * last on its own stderr (V8's "heap out of memory" goes there, not to the notebook), and how much
 * memory it had reached (its peak resident size, read from /proc while the cells run).
 */
import * as fs from "fs";
import * as os from "os";

const MiB = (kib: number) => `${Math.round(kib / 1024)} MiB`;

/** Peak memory of a kernel process, sampled from /proc/PID/status (Linux; nothing elsewhere). */
export class KernelMemory {
  private pid: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** Highest resident size seen (KiB): VmHWM, the kernel's own high-water mark. */
  peakKiB = 0;

  /** Find the kernel's process by its connection file (kernel-ID.json in the server's runtime folder) and sample it every second. */
  start(kernelId: string, runtimeDir: string): void {
    this.pid = findPid(`${runtimeDir}/kernel-${kernelId}.json`);
    if (this.pid === null) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  sample(): void {
    if (this.pid === null) return;
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${this.pid}/status`, "utf8"));
      if (m) this.peakKiB = Math.max(this.peakKiB, Number(m[1]));
    } catch { /* gone: keep the last reading */ }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function findPid(marker: string): number | null {
  try {
    for (const d of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes(marker)) return Number(d);
      } catch { /* gone or not ours */ }
    }
  } catch { /* not Linux */ }
  return null;
}

/**
 * A sentence on how the kernel died, from the server's log (its tail, with serve.py's exit line
 * and the kernel's own stderr) and its peak memory; "" when nothing is known.
 */
export function deathNote(serverLog: string, peakKiB: number): string {
  const lines = serverLog.split("\n");
  const exit = lines.filter((l) => /^genlab: kernel process \d+ /.test(l)).pop();
  const heap = lines.find((l) => /heap out of memory|Reached heap limit|Allocation failed/.test(l));
  const memory = peakKiB > 0 ? `the kernel had reached ${MiB(peakKiB)} of memory (this machine has ${MiB(os.totalmem() / 1024)})` : "";
  const parts: string[] = [];
  if (heap) parts.push(`it ran out of JavaScript heap memory (${heap.trim()}); ${memory || "raise the heap with NODE_OPTIONS=--max-old-space-size=MB"}`);
  else if (exit && /signal 9 \(SIGKILL\)/.test(exit)) parts.push(`its process was killed by SIGKILL, which is what the system sends when memory runs out (the out-of-memory killer)${memory ? `; ${memory}` : ""}`);
  else if (exit) parts.push(`its process ${exit.replace(/^genlab: kernel process \d+ /, "")}${memory ? `; ${memory}` : ""}`);
  else if (memory) parts.push(memory);
  const tail = lines.filter((l) => l.trim() && !/^\[[IWDC] /.test(l) && !/^genlab: kernel process/.test(l)).slice(-5);
  if (tail.length > 0) parts.push(`the kernel's last stderr:\n${tail.map((l) => `    ${l}`).join("\n")}`);
  return parts.join("; ");
}
