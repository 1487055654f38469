/**
 * The part of TypeDoc's API (0.28) that the API reference uses, typed structurally. TypeDoc's own
 * declaration files reach their models through package "imports" (`#models`, `#utils`), which
 * TypeScript resolves only under node16/bundler resolution, not the node10 resolution the library
 * compiles with; so the few members used are declared here, and the test that builds the reference
 * checks them against the real thing.
 */

export interface DisplayPart { kind: "text"; text: string }

export interface CommentTag { tag: string; content: DisplayPart[] }

export interface Comment { blockTags: CommentTag[] }

export interface Reflection {
  id: number;
  name: string;
  parent?: Reflection;
  comment?: Comment;
  /** Children of a project, namespace, class or interface. */
  children?: Reflection[];
  /** Call signatures of a function (its comment lives there). */
  signatures?: Reflection[];
  kindOf(kind: number): boolean;
  getFullName(separator?: string): string;
  isProject(): boolean;
  isReference(): boolean;
  /** On a re-export (ReferenceReflection): the reflection it stands for. */
  tryGetTargetReflectionDeep?(): Reflection | undefined;
}

export interface PageEvent { url: string; model: unknown }

interface Events<E extends string, A> { on(event: E, listener: (arg: A) => void): void }

export interface Application {
  internationalization: { addTranslations(locale: string, translations: Record<string, string>): void };
  converter: Events<"resolveEnd", { project: Reflection }>;
  renderer: Events<"beginPage", PageEvent>;
  convert(): Promise<Reflection | undefined>;
  generateDocs(project: Reflection, out: string): Promise<void>;
}

export interface Typedoc {
  Application: { bootstrapWithPlugins(options: Record<string, unknown>): Promise<Application> };
  Converter: { EVENT_RESOLVE_END: "resolveEnd" };
  Renderer: { EVENT_BEGIN_PAGE: "beginPage" };
  Comment: new () => Comment;
  CommentTag: new (tag: string, content: DisplayPart[]) => CommentTag;
  /** Kind bits: Module 2, Namespace 4, Enum 8, Variable 32, Function 64, Class 128. */
  ReflectionKind: { Module: number; Namespace: number; Enum: number; Variable: number; Function: number; Class: number };
}
