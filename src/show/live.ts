/**
 * A display that updates in place (same display_id): training curves and progress for long cells.
 * Outside a kernel it prints at most one line per `minIntervalMs` so logs stay readable.
 */
import { emit, escapeHtml, inKernel, MimeBundle, newDisplayId } from "./display";
import { Figure, figureBundle } from "./figure";
import type { Progress } from "../progress";

/** A display that updates in place (`live()`): replace its content, report progress, flush the last frame. */
export interface LiveDisplay {
  /**
   * Replace the content with a figure, a bundle, or a line of text. Updates closer together than
   * `minIntervalMs` are coalesced; pass `force` (or call `flush()`) for the final frame of a cell,
   * so it is sent before the cell ends and lands in an executed notebook too.
   */
  update(content: Figure | MimeBundle | string, force?: boolean): void;
  /** Send a coalesced update that is still waiting, now. */
  flush(): void;
  /**
   * Show a progress bar for `{ done, total, label, values }` with the elapsed time and an estimate of
   * the time left. A plain function (no `this`), so it can be passed on: `{ onProgress: view.progress }`.
   */
  progress: (p: Progress) => void;
}

/** A display that updates in place, for progress and curves that grow during a long cell (`view.progress` reports progress). */
export function live(opts: { minIntervalMs?: number } = {}): LiveDisplay {
  const id = newDisplayId();
  const minInterval = opts.minIntervalMs ?? (inKernel() ? 200 : 2000);
  const start = Date.now();
  let shown = false;
  let last = 0;
  let pending: MimeBundle | null = null;
  let timer: NodeJS.Timeout | null = null;

  const send = (bundle: MimeBundle): void => {
    emit(bundle, id, shown);
    shown = true;
    last = Date.now();
  };
  const push = (bundle: MimeBundle, force: boolean): void => {
    // Throttle: a figure re-rendered every epoch would flood the front end.
    if (force || !shown || Date.now() - last >= minInterval) {
      if (timer) { clearTimeout(timer); timer = null; }
      pending = null;
      send(bundle);
    } else {
      pending = bundle;
      if (!timer && inKernel()) {
        timer = setTimeout(() => { timer = null; if (pending) send(pending); pending = null; }, minInterval);
        timer.unref?.();
      }
    }
  };
  const toBundle = (content: Figure | MimeBundle | string): MimeBundle => {
    if (typeof content === "string") return { "text/plain": content, "text/html": `<pre>${escapeHtml(content)}</pre>` };
    if ("text/plain" in content) return content as MimeBundle;
    // a live view changes many times a second: no static image for it (show() adds one to final figures)
    return figureBundle(content as Figure, { staticImage: false });
  };
  return {
    update(content, force = false) {
      push(toBundle(content), force);
    },
    flush() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (pending) { const b = pending; pending = null; send(b); }
    },
    progress: (p: Progress) => {
      const { done, total } = p;
      const label = p.label ?? "";
      const vals = p.values ? Object.entries(p.values).map(([k, v]) => ` · ${k} ${Number.isFinite(v) ? Number(v.toPrecision(4)) : v}`).join("") : "";
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const secs = ((Date.now() - start) / 1000).toFixed(1);
      const eta = done > 0 && done < total ? ` · ~${(((Date.now() - start) / done) * (total - done) / 1000).toFixed(0)} s left` : "";
      const text = `${label ? label + " " : ""}${done}/${total} (${(frac * 100).toFixed(0)}%) · ${secs} s${eta}${vals}`;
      const bar = "█".repeat(Math.round(frac * 30)).padEnd(30, "░");
      push({
        "text/plain": `${bar} ${text}`,
        "text/html": `<div style="font-family:monospace"><progress value="${done}" max="${total}" style="width:20em"></progress> ${escapeHtml(text)}</div>`,
      }, done >= total);
    },
  };
}
