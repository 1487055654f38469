#!/usr/bin/env bash
# Installs the notebook clean filter in this git checkout, as nbstripout does: `.gitattributes` sends
# notebooks/*.ipynb through the filter `genlab-strip`, and this sets its command, so `git add` records
# a notebook without outputs, execution counts and volatile metadata (scripts/nbstrip.js) while the
# working copy keeps them. Idempotent; does nothing (exit 0) without git or outside a git checkout.
# Git keeps the command in the repository's config (.git/config), shared by all its worktrees.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v git >/dev/null || { echo "git-filter: git not found; notebooks are not stripped on git add"; exit 0; }
git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
# Git runs the filter in the top folder of the work tree; the project may sit in a sub-folder.
prefix=$(git -C "$root" rev-parse --show-prefix)
cmd="node '${prefix}scripts/nbstrip.js' %f"
if [ "$(git -C "$root" config --get filter.genlab-strip.clean || true)" != "$cmd" ]; then
  git -C "$root" config filter.genlab-strip.clean "$cmd"
  echo "git-filter: notebooks are stripped of outputs on git add (filter genlab-strip: $cmd)"
fi
