/**
 * The markdown outline of a chapter, as the lint reads it: ATX headings (`## Title`) and the lines
 * under them across markdown cells, top-level list items, and `<details>` blocks. Lines inside
 * fenced code blocks (``` or ~~~) are never headings or list items.
 */
import { Notebook, sourceText } from "./nbformat";

/** One markdown line with where it is: 1-based cell index and 1-based line within the cell. */
export interface MdLine {
  cell: number;
  line: number;
  text: string;
  /** True inside a fenced code block (or on its fence). */
  fenced: boolean;
}

export interface Heading {
  level: number;
  text: string;
  at: MdLine;
  /** Index of the heading line in the flat line list. */
  index: number;
}

/** Every line of every markdown cell, in order. */
export function markdownLines(nb: Notebook): MdLine[] {
  const out: MdLine[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "markdown") return;
    let fence: string | null = null;
    sourceText(c).split("\n").forEach((text, j) => {
      const m = /^\s{0,3}(```+|~~~+)/.exec(text);
      if (fence === null && m) {
        fence = m[1][0];
        out.push({ cell: i + 1, line: j + 1, text, fenced: true });
        return;
      }
      if (fence !== null) {
        if (m && m[1][0] === fence) fence = null;
        out.push({ cell: i + 1, line: j + 1, text, fenced: true });
        return;
      }
      out.push({ cell: i + 1, line: j + 1, text, fenced: false });
    });
  });
  return out;
}

/** ATX headings outside code fences. */
export function headings(lines: MdLine[]): Heading[] {
  const out: Heading[] = [];
  lines.forEach((l, index) => {
    const m = l.fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l.text);
    if (m) out.push({ level: m[1].length, text: m[2], at: l, index });
  });
  return out;
}

/** The lines under a heading, up to the next heading of the same or a higher level. */
export function sectionLines(lines: MdLine[], all: Heading[], h: Heading): MdLine[] {
  const next = all.find((x) => x.index > h.index && x.level <= h.level);
  return lines.slice(h.index + 1, next ? next.index : lines.length);
}

/** A top-level list item (marker at column 0) and the lines up to the next one. */
export interface ListItem {
  /** The number of a numbered item (`3.` or `3)`), null for a bullet. */
  number: number | null;
  lines: MdLine[];
}

/**
 * Top-level list items of a block of lines: a line starting at column 0 with `N.`, `N)`, `-`, `*`
 * or `+` and a space starts an item. The item goes on over indented lines, blank lines and lines
 * that directly continue a non-blank line (as in CommonMark); a heading, or an unindented line after
 * a blank line, ends it.
 */
export function listItems(lines: MdLine[]): ListItem[] {
  const items: ListItem[] = [];
  let cur: ListItem | null = null;
  let prevBlank = false;
  for (const l of lines) {
    const blank = l.text.trim() === "";
    const m = l.fenced ? null : /^(?:(\d+)[.)]|[-*+])\s+\S/.exec(l.text);
    if (m) {
      cur = { number: m[1] !== undefined ? Number(m[1]) : null, lines: [l] };
      items.push(cur);
    } else if (cur) {
      const ends = !l.fenced && (/^#{1,6}\s/.test(l.text) || (!blank && prevBlank && !/^\s/.test(l.text)));
      if (ends) cur = null;
      else cur.lines.push(l);
    }
    prevBlank = blank;
  }
  return items;
}

/** A `<details>` block: the text between `<details>` and `</details>`, and where it starts. */
export interface Details {
  text: string;
  at: MdLine;
  /** False when no `</details>` closes it. */
  closed: boolean;
}

/** The `<details>` blocks of a block of lines (not nested). */
export function detailsBlocks(lines: MdLine[]): Details[] {
  const text = lines.map((l) => l.text).join("\n");
  const starts = lineStarts(lines);
  const out: Details[] = [];
  const re = /<details\b[^>]*>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const from = m.index + m[0].length;
    const end = text.toLowerCase().indexOf("</details>", from);
    out.push({ text: text.slice(from, end < 0 ? text.length : end), at: lines[lineAt(starts, m.index)], closed: end >= 0 });
    if (end >= 0) re.lastIndex = end;
  }
  return out;
}

/** The text of a block of lines with every `<details>` block removed. */
export function withoutDetails(lines: MdLine[]): string {
  return lines.map((l) => l.text).join("\n").replace(/<details\b[^>]*>[\s\S]*?(<\/details>|$)/gi, " ");
}

function lineStarts(lines: MdLine[]): number[] {
  const starts: number[] = [];
  let pos = 0;
  for (const l of lines) {
    starts.push(pos);
    pos += l.text.length + 1;
  }
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1] <= offset) i++;
  return i;
}
