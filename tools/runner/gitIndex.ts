/**
 * What a commit would record for a file: its version in the git index (`git cat-file blob :path`).
 * The lint checks outputs and execution counts there, so a reader's executed working copy (Jupyter
 * autosaves outputs; the clean filter strips them on `git add`) does not fail the tests.
 */
import { spawnSync } from "child_process";
import * as path from "path";

/**
 * The index (staged) text of `file`, or null when there is none: not a git checkout, git not
 * installed, or the file not tracked. Never throws.
 */
export function indexText(file: string): string | null {
  const abs = path.resolve(file);
  // `:./name` is the index entry of `name` relative to the current directory of the git command.
  const r = spawnSync("git", ["cat-file", "blob", `:./${path.basename(abs)}`], {
    cwd: path.dirname(abs), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 256 * 1024 * 1024, timeout: 30_000,
  });
  return r.status === 0 && typeof r.stdout === "string" ? r.stdout : null;
}
