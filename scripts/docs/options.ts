/**
 * The options reference (docs/reference/options.md), read from the JSDoc of the option
 * interfaces each public entry point exports, with the TypeScript compiler API.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

/** The package's entry points and the source file each one is. */
export const ENTRY_POINTS = [
  ['onbehalf', 'server/index.ts'],
  ['onbehalf/audit', 'server/audit/index.ts'],
  ['onbehalf/redis', 'server/redis/index.ts'],
  ['onbehalf/postgres', 'server/postgres/index.ts'],
  ['onbehalf/tokens', 'server/tokens/index.ts'],
  ['onbehalf/okr', 'server/okr/index.ts'],
  ['onbehalf/client', 'shared/client.ts'],
] as const;

/** Which exported interfaces are options: what a host passes to a function of onbehalf. */
const IS_OPTIONS = /(Options|Settings)$|^ReasonRules$/;

export interface OptionRow {
  name: string;
  type: string;
  default: string;
  description: string;
}
export interface OptionsInterface {
  entry: string;
  name: string;
  source: string;
  description: string;
  rows: OptionRow[];
  /** Options (or nested options) written without JSDoc: the page can't describe them. */
  undocumented: string[];
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** JSDoc text of a declaration, with `{@link X}` written as `X`. */
export function docText(node: ts.Node): string {
  const parts = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = parts.map((d) => (typeof d.comment === 'string' ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? '')).join(' ');
  return squash(text.replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`'));
}

/**
 * The default an option's JSDoc states: an `@default` tag, or its sentence starting "Default"
 * (the house style: "Default `'/onbehalf'`."), taken out of the description.
 */
export function splitDefault(node: ts.Node, description: string): { default?: string; description: string } {
  const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === 'default');
  if (tag) return { default: squash(ts.getTextOfJSDocComment(tag.comment) ?? ''), description };
  const m = /(^|[.:;)]\s+)Default:?\s+((?:`[^`]*`|[^`])+?)(?:\.(?=\s|$)|$)/.exec(description);
  if (!m) return { description };
  const rest = (description.slice(0, m.index + m[1].length) + description.slice(m.index + m[0].length)).trim();
  return { default: m[2].trim(), description: rest };
}

/** The type as written, without `import('…').` qualifiers and `undefined` for optional members. */
function typeText(decl: ts.PropertySignature | ts.MethodSignature, checker: ts.TypeChecker): string {
  if (ts.isMethodSignature(decl)) {
    return squash(`(${decl.parameters.map((p) => p.getText()).join(', ')}) => ${decl.type?.getText() ?? 'void'}`);
  }
  const text = decl.type ? decl.type.getText() : checker.typeToString(checker.getTypeAtLocation(decl));
  return squash(text.replace(/import\(['"][^'"]+['"]\)\./g, ''));
}

/** Inline object types (`rotate?: { maxBytes?: …; daily?: … }`) are options too: one row each, dotted. */
function inlineMembers(decl: ts.Declaration, checker: ts.TypeChecker): ts.Symbol[] | undefined {
  if (!ts.isPropertySignature(decl) || !decl.type) return undefined;
  const node = decl.type;
  const inline = ts.isTypeLiteralNode(node) || (ts.isIntersectionTypeNode(node) && node.types.some(ts.isTypeLiteralNode));
  if (!inline) return undefined;
  return checker.getPropertiesOfType(checker.getNonNullableType(checker.getTypeAtLocation(decl)));
}

function rowsOf(props: ts.Symbol[], checker: ts.TypeChecker, prefix: string, out: OptionsInterface) {
  for (const prop of props) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (!decl || !(ts.isPropertySignature(decl) || ts.isMethodSignature(decl))) continue;
    const name = prefix + prop.name;
    const raw = docText(decl);
    if (!raw) out.undocumented.push(name);
    const { default: stated, description } = splitDefault(decl, raw);
    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
    out.rows.push({ name, type: typeText(decl, checker), default: stated ?? (optional ? '' : 'required'), description });
    const members = inlineMembers(decl, checker);
    if (members) rowsOf(members, checker, `${name}.`, out);
  }
}

/** Every option interface the entry points export, in entry order, each once (where first exported). */
export function collectOptions(root: string): OptionsInterface[] {
  const files = ENTRY_POINTS.map(([, file]) => join(root, file));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Symbol>();
  const found: OptionsInterface[] = [];
  for (const [entry, file] of ENTRY_POINTS) {
    const source = program.getSourceFile(join(root, file));
    const mod = source && checker.getSymbolAtLocation(source);
    if (!mod) throw new Error(`docs: cannot read the entry point ${file}`);
    const exported = checker.getExportsOfModule(mod).filter((s) => IS_OPTIONS.test(s.name)).sort((a, b) => a.name.localeCompare(b.name));
    for (const alias of exported) {
      const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
      const decl = symbol.declarations?.find(ts.isInterfaceDeclaration);
      if (!decl || seen.has(symbol)) continue;
      seen.add(symbol);
      const item: OptionsInterface = {
        entry,
        name: symbol.name,
        source: relative(root, decl.getSourceFile().fileName),
        description: docText(decl),
        rows: [],
        undocumented: [],
      };
      rowsOf(checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)), checker, '', item);
      found.push(item);
    }
  }
  return found;
}

/** A table cell: one line, pipes escaped (GitHub honours `\|` inside code spans in tables too). */
const cell = (s: string) => squash(s).replace(/\|/g, '\\|');
const code = (s: string) => (s ? `\`${s.replace(/`/g, "'")}\`` : '');

export function optionsPage(interfaces: OptionsInterface[]): string {
  const out = [
    '<!-- Generated by `npm run docs` from the JSDoc in the types: edit the types, not this page. -->',
    '',
    '# Options reference',
    '',
    'Every option of every function a host calls, by entry point, as the types document it. A',
    'default of *required* means the option must be given; an empty default means it is optional',
    'and off unless given.',
    '',
  ];
  for (const [entry] of ENTRY_POINTS) {
    const here = interfaces.filter((i) => i.entry === entry);
    if (!here.length) continue;
    out.push(`## \`${entry}\``, '');
    for (const i of here) {
      out.push(`### ${i.name}`, '', `${i.description ? `${i.description} ` : ''}Source: [\`${i.source}\`](../../${i.source}).`, '');
      out.push('| option | type | default | description |', '|---|---|---|---|');
      for (const r of i.rows) out.push(`| \`${r.name}\` | ${cell(code(r.type))} | ${cell(r.default)} | ${cell(r.description)} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
