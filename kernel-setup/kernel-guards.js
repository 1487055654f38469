// Guards the kernel launcher (launch.js) installs around tslab, each for a failure seen in the lab:
//
// 1. Output that stops: tslab sends every stream chunk with zeromq's `send()` without awaiting it.
//    zeromq 6 sends the first 512 messages in a row synchronously, then defers one to the next
//    event-loop turn and throws EBUSY ("only one send operation may be in progress") for every
//    send until it went out. tslab's console.log then throws inside the cell, its error printing
//    throws again, and the kernel never replies: a cell printing ~500 lines went silent until the
//    runner's timeout. `serializeSends` queues sends per socket so one is in flight at a time, in
//    order; `noDrop` makes the iopub socket wait for a slow reader instead of dropping at its
//    high-water mark.
// 2. Errors nobody sees: an error thrown in a timer or an un-awaited promise surfaces after the
//    cell replied "ok". tslab printed it on the stream of the last cell, which front ends (and the
//    runner until now) had stopped listening to. `reportAsyncErrors` prints it with a fixed marker
//    (UNCAUGHT_MARK, recognised by tools/runner/execute.ts), also on the kernel's own stderr (the
//    Jupyter server's log), and once more at the start of the next cell, so a person at a notebook
//    sees it too. The kernel stays alive, as tslab's own handlers kept it. Each cell runs in an
//    AsyncLocalStorage context holding its execution count, which its timers and promises inherit,
//    so the report names the cell that started the failing code ("started in execution 2"), and
//    the runner fails that cell, not the one running when the error came.
// 3. Kernels left behind: jupyter_client starts a kernel in a new session, so a Jupyter server
//    killed with SIGKILL orphans it for good. `exitWithParent` ends the kernel when the process
//    that started it (JPY_PARENT_PID, set by jupyter_client as for ipykernel) is gone.
"use strict";
const fs = require("fs");
const util = require("util");
const { AsyncLocalStorage } = require("async_hooks");

// Keep in sync with UNCAUGHT_MARK in tools/runner/execute.ts.
const UNCAUGHT_MARK = "genlab: uncaught";

/** Queue `send()` on the sockets tslab uses so at most one is in flight per socket (see 1. above). */
function serializeSends(zmq) {
  const nativeSend = Object.getPrototypeOf(zmq.Publisher.prototype).send;
  const queues = new WeakMap();
  let reported = false;
  const pump = (sock, q) => {
    while (q.items.length > 0) {
      const msg = q.items[0];
      let sent;
      try {
        sent = nativeSend.call(sock, msg);
      } catch (e) {
        if (retryLater(sock, q, e)) return;
        q.items.shift();
        fail(e);
        continue;
      }
      sent.then(
        () => { q.items.shift(); pump(sock, q); },
        (e) => { if (retryLater(sock, q, e)) return; q.items.shift(); fail(e); pump(sock, q); },
      );
      return;
    }
    q.busy = false;
  };
  // With noDrop, a full queue answers EAGAIN (even on zeromq's "can send now" fast path): that is
  // backpressure, not a failure; send the same message again a moment later.
  const retryLater = (sock, q, e) => {
    if (!e || e.code !== "EAGAIN" || sock.closed) return false;
    setTimeout(() => pump(sock, q), 2);
    return true;
  };
  // A send can fail only when the socket is closing (kernel shutdown): say so once, on the real stderr.
  const fail = (e) => {
    if (reported || /closed/i.test(String(e && e.message))) return;
    reported = true;
    try { fs.writeSync(2, `genlab kernel: a message could not be sent: ${e && e.message}\n`); } catch { /* nothing left to tell */ }
  };
  for (const Cls of [zmq.Publisher, zmq.Router]) {
    // The native send is a read-only property of the base class: define, not assign.
    Object.defineProperty(Cls.prototype, "send", { configurable: true, writable: true, value: function send(msg) {
      let q = queues.get(this);
      if (!q) queues.set(this, (q = { busy: false, items: [] }));
      q.items.push(msg);
      if (!q.busy) {
        q.busy = true;
        pump(this, q);
      }
      return Promise.resolve(); // tslab never awaits it; a rejection here would be an unhandled one
    } });
  }
  // The iopub socket waits for its reader at the high-water mark instead of dropping messages.
  const Publisher = zmq.Publisher;
  zmq.Publisher = class NoDropPublisher extends Publisher {
    constructor(options) {
      super({ ...(options || {}), noDrop: true });
    }
  };
}

/**
 * Replace tslab's uncaughtException / unhandledRejection handlers (call after tslab's main()
 * registered them) with ones that print UNCAUGHT_MARK reports (see 2. above). `jupyter` is tslab's
 * dist/jupyter module, whose handleExecuteImpl tells when a cell runs.
 */
function reportAsyncErrors(jupyter) {
  let running = 0;
  const pending = [];
  const origin = new AsyncLocalStorage();
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const execute = proto.handleExecuteImpl;
  proto.handleExecuteImpl = async function handleExecuteImpl(req, writeStream, writeDisplayData) {
    // Errors that arrived between cells: show them at the top of this cell, indented so that the
    // marker no longer starts a line (the runner has failed the earlier cell; this one is not at fault).
    while (pending.length > 0) {
      const report = pending.shift().replace(/^/gm, "  ");
      writeStream("stderr", `genlab: this error was thrown after the previous cell had finished:\n${report}\n`);
    }
    running++;
    try {
      // tslab numbers the cell execCount + 1 (handleExecuteImpl); what the cell starts inherits it.
      const execution = (this.execCount || 0) + 1;
      return await origin.run({ execution }, () => execute.call(this, req, writeStream, writeDisplayData));
    } finally {
      running--;
    }
  };
  const report = (kind, err) => {
    const from = origin.getStore();
    const started = from ? `; started in execution ${from.execution}` : "";
    const text = `${UNCAUGHT_MARK} ${kind} (in a timer, callback or un-awaited promise${started}):\n${describe(err)}\n`;
    // The server's log (the terminal of `npm start`) always gets it.
    try { fs.writeSync(2, text); } catch { /* no stderr */ }
    // Between cells, keep a few for the next cell (a timer throwing in a loop must not grow this).
    if (running === 0 && pending.length < 20) pending.push(text.trimEnd());
    try {
      process.stderr.write(text); // tslab routes this to the running (or last) cell's output
    } catch { /* the report is in the log */ }
  };
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
  process.on("uncaughtException", (err) => report("exception", err));
  process.on("unhandledRejection", (reason) => report("promise rejection", reason));
}

function describe(err) {
  try {
    return err instanceof Error && err.stack ? `${err.stack}${extraProps(err)}` : util.inspect(err, { depth: 4 });
  } catch {
    return String(err);
  }
}
function extraProps(err) {
  const own = Object.keys(err).filter((k) => k !== "stack" && k !== "message");
  return own.length ? ` ${util.inspect(Object.fromEntries(own.map((k) => [k, err[k]])), { depth: 2 })}` : "";
}

/** The parent pid as the kernel sees it now (Linux: /proc; elsewhere a liveness probe of `parent`). */
function parentGone(parent) {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Field 4 is the ppid; the command name (field 2) may hold spaces, so parse after its ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isFinite(ppid)) return ppid !== parent;
  } catch { /* not Linux */ }
  try {
    process.kill(parent, 0);
    return false;
  } catch (e) {
    return e.code === "ESRCH";
  }
}

/** Exit when the process that started this kernel is gone (see 3. above). */
function exitWithParent(intervalMs = 1000) {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    if (!parentGone(parent)) return;
    try { fs.writeSync(2, `genlab kernel: the process that started this kernel (${parent}) is gone; exiting\n`); } catch { /* no stderr */ }
    process.exit(0);
  }, intervalMs);
  timer.unref();
}

module.exports = { UNCAUGHT_MARK, serializeSends, reportAsyncErrors, exitWithParent, parentGone };
