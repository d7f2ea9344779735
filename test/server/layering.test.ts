import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
const files = [...sourcesUnder('server'), ...sourcesUnder('shared')];

/** Every import and re-export of a file: its specifier, and whether it is erased at run time (`import type`). */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
      const named = ts.isImportDeclaration(node) ? clause?.namedBindings : node.exportClause;
      const allTypes = named && ts.isNamedImports(named) ? !clause?.name && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly) : false;
      const typeOnly = (ts.isImportDeclaration(node) ? clause?.isTypeOnly : node.isTypeOnly) || allTypes;
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: Boolean(typeOnly) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The file a relative specifier names (`./x.js` is `./x.ts`). */
const target = (from: string, specifier: string) => relative(root, resolve(root, dirname(from), specifier)).replace(/\.js$/, '.ts');
/** `shared`, `server` (its own top-level files) or `server/<folder>`. */
const folderOf = (file: string) => {
  const [top, second, ...rest] = file.split('/');
  return top === 'shared' ? 'shared' : rest.length ? `${top}/${second}` : top;
};

/**
 * Folder → folder edges with one file-level import that makes each, type imports included:
 * between top-level folders, or (`nested`) between every folder and subfolder of server/.
 */
function folderGraph(nested = false): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  const of = nested ? dirname : folderOf;
  for (const file of nested ? files.filter((f) => f.startsWith('server/')) : files) {
    for (const { specifier } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const from = of(file);
      const to = of(target(file, specifier));
      if (nested && !to.startsWith('server')) continue;
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${file} → ${specifier}`);
    }
  }
  return graph;
}

/** One cycle per strongly connected group, as the chain of imports that makes it. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const walk = (node: string, path: string[]) => {
    const i = path.indexOf(node);
    if (i >= 0) {
      const loop = [...path.slice(i), node];
      found.push(loop.slice(0, -1).map((n, k) => graph.get(n)!.get(loop[k + 1])).join('\n  '));
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node)?.keys() ?? []) walk(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) walk(node, []);
  return found;
}

describe('layering of server/ and shared/', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const g = new Map([
      ['server/a', new Map([['server/b', 'a.ts → ../b/x.js']])],
      ['server/b', new Map([['server/a', 'b.ts → ../a/y.js']])],
    ]);
    expect(cycles(g)).toHaveLength(1);
  });

  it('no import cycle between top-level folders (type imports count too)', () => {
    expect(cycles(folderGraph())).toEqual([]);
  });

  it('no import cycle between a folder of server/ and its subfolders, nor between its subfolders (type imports count too)', () => {
    const graph = folderGraph(true);
    // The graph does see subfolders: the middleware mounts the subject's side.
    expect(graph.get('server/impersonation')?.has('server/impersonation/subject')).toBe(true);
    expect(cycles(graph)).toEqual([]);
  });

  it('shared/ never imports server/ (the extension bundles it)', () => {
    const wrong = [...(folderGraph().get('shared')?.entries() ?? [])].filter(([to]) => to.startsWith('server')).map(([, via]) => via);
    expect(wrong).toEqual([]);
  });

  it('onbehalf/okr stays browser-safe: nothing it loads at run time is a Node built-in or a package but zod', () => {
    const builtins = new Set(builtinModules);
    const seen = new Set<string>();
    const wrong: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (typeOnly) continue;
        if (specifier.startsWith('.')) visit(target(file, specifier));
        else if (specifier.startsWith('node:') || builtins.has(specifier) || !/^zod(\/|$)/.test(specifier)) wrong.push(`${file} → ${specifier}`);
      }
    };
    visit('server/okr/index.ts');
    expect(seen.size).toBeGreaterThan(5);
    expect(wrong).toEqual([]);
  });
});
