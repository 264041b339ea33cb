/// <reference types="node" />
/**
 * Architecture rules of the frontend, checked on the sources with the
 * TypeScript compiler API (no build needed):
 *
 * - no function-like node longer than MAX_FUNCTION_LINES lines;
 * - no source file longer than MAX_FILE_LINES lines;
 * - no import circle among the modules of src/ (`import type` and
 *   `export … from` included);
 * - dialogs render, models and flows load: nothing in src/dialogs/ imports api.ts;
 *   the side panel (src/panel/) renders what models/tree.ts loads, likewise;
 * - flows are independent: no src/flows/* module imports another one;
 * - index.ts only defines plugins.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const MAX_FUNCTION_LINES = 80;
const MAX_FILE_LINES = 600;

const SRC = path.resolve(__dirname, '..');

/** A module of src/, by its path relative to src/ without extension (`dialogs/SaveDialog`). */
interface IModule {
  id: string;
  file: string;
  source: ts.SourceFile;
  /** Relative imports resolved to module ids, with the line of each. */
  imports: { target: string; line: number; specifier: string }[];
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__tests__') {
        found.push(...sourceFiles(full));
      }
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      found.push(full);
    }
  }
  return found.sort();
}

function moduleId(file: string): string {
  return path
    .relative(SRC, file)
    .replace(/\\/g, '/')
    .replace(/\.tsx?$/, '');
}

/** The module a relative specifier names (`./x` → `x.ts`, `x.tsx` or `x/index.ts`). */
function resolveRelative(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx')
  ];
  const hit = candidates.find(candidate => fs.existsSync(candidate));
  return hit ? moduleId(hit) : null;
}

/** Lines as `wc -l` counts them (a final newline ends the last line). */
function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}

/** Every `import … from`, `import type … from`, `export … from` and `import x = require()`. */
function relativeImports(
  file: string,
  source: ts.SourceFile
): IModule['imports'] {
  const imports: IModule['imports'] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined) => {
    if (
      specifier &&
      ts.isStringLiteral(specifier) &&
      specifier.text.startsWith('.')
    ) {
      const target = resolveRelative(file, specifier.text);
      if (target === null) {
        throw new Error(
          `${moduleId(file)}:${lineOf(source, node.getStart(source))} imports ` +
            `'${specifier.text}', which does not resolve to a file in src/`
        );
      }
      imports.push({
        target,
        line: lineOf(source, node.getStart(source)),
        specifier: specifier.text
      });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      add(node, node.moduleReference.expression);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword
    ) {
      add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) {
        add(node, argument.literal as ts.Expression);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return imports;
}

function loadModules(): Map<string, IModule> {
  const modules = new Map<string, IModule>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf-8');
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
    );
    const id = moduleId(file);
    modules.set(id, {
      id,
      file,
      source,
      imports: relativeImports(file, source)
    });
  }
  return modules;
}

/** A readable name for a function-like node, e.g. `SaveBody.render` or `<arrow>`. */
function functionName(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  let name =
    named.name &&
    (ts.isIdentifier(named.name) || ts.isPrivateIdentifier(named.name))
      ? named.name.text
      : ts.isConstructorDeclaration(node)
        ? 'constructor'
        : '';
  if (!name && node.parent && ts.isVariableDeclaration(node.parent)) {
    name = node.parent.name.getText();
  }
  if (!name && node.parent && ts.isPropertyAssignment(node.parent)) {
    name = node.parent.name.getText();
  }
  const owner = node.parent;
  if (
    owner &&
    (ts.isClassDeclaration(owner) || ts.isClassExpression(owner)) &&
    owner.name
  ) {
    name = `${owner.name.text}.${name}`;
  }
  return name || (ts.isArrowFunction(node) ? '<arrow>' : '<function>');
}

interface ILongFunction {
  where: string;
  name: string;
  lines: number;
}

function isFunctionLike(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Every function-like node with its length in lines, from its first to its last line. */
function functionLengths(modules: Map<string, IModule>): ILongFunction[] {
  const found: ILongFunction[] = [];
  for (const module of modules.values()) {
    const { source } = module;
    const visit = (node: ts.Node): void => {
      if (isFunctionLike(node)) {
        const first = lineOf(source, node.getStart(source));
        const last = lineOf(source, node.getEnd());
        found.push({
          where: `src/${path.relative(SRC, module.file)}:${first}`,
          name: functionName(node),
          lines: last - first + 1
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort((a, b) => b.lines - a.lines);
}

/** Each elementary circle once, as the list of modules along it (first = last). */
function importCircles(modules: Map<string, IModule>): string[][] {
  const circles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const { target } of modules.get(id)?.imports ?? []) {
      if (state.get(target) === 'active') {
        const circle = [...stack.slice(stack.indexOf(target)), target];
        const key = [...circle.slice(1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          circles.push(circle);
        }
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of [...modules.keys()].sort()) {
    if (!state.has(id)) {
      visit(id);
    }
  }
  return circles;
}

function report(title: string, lines: string[]): string {
  return lines.length ? `${title}:\n  ${lines.join('\n  ')}` : '';
}

describe('frontend architecture', () => {
  const modules = loadModules();

  it('reads every source module of src/', () => {
    expect(modules.size).toBeGreaterThan(10);
    expect(modules.has('index')).toBe(true);
  });

  it(`has no function longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const lengths = functionLengths(modules);
    // The five longest, for the record (shown with --verbose or on failure).
    console.info(
      'Longest functions:\n' +
        lengths
          .slice(0, 5)
          .map(f => `  ${f.where} ${f.name}: ${f.lines} lines`)
          .join('\n')
    );
    const offenders = lengths
      .filter(f => f.lines > MAX_FUNCTION_LINES)
      .map(f => `${f.where} ${f.name}: ${f.lines} lines`);
    expect(
      report(`Functions over ${MAX_FUNCTION_LINES} lines`, offenders)
    ).toBe('');
  });

  it(`has no source file longer than ${MAX_FILE_LINES} lines`, () => {
    const offenders = [...modules.values()]
      .map(m => ({
        m,
        lines: lineCount(m.source.text)
      }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(
        ({ m, lines }) => `src/${path.relative(SRC, m.file)}:1 ${lines} lines`
      );
    expect(report(`Files over ${MAX_FILE_LINES} lines`, offenders)).toBe('');
  });

  it('has no import circle', () => {
    const circles = importCircles(modules).map(circle =>
      circle
        .map((id, i) => {
          const next = circle[i + 1];
          const edge = modules
            .get(id)
            ?.imports.find(imported => imported.target === next);
          return edge ? `${id} (line ${edge.line})` : id;
        })
        .join(' → ')
    );
    expect(report('Import circles', circles)).toBe('');
  });

  it('keeps data loading out of the dialogs and the panel (no dialogs/*, panel/* imports api)', () => {
    const offenders = [...modules.values()]
      .filter(m => m.id.startsWith('dialogs/') || m.id.startsWith('panel/'))
      .flatMap(m =>
        m.imports
          .filter(imported => imported.target === 'api')
          .map(
            imported =>
              `src/${path.relative(SRC, m.file)}:${imported.line} imports '${imported.specifier}'`
          )
      );
    expect(report('Dialogs or panel importing api.ts', offenders)).toBe('');
  });

  it('keeps the flows independent (no flows/* imports another flow)', () => {
    const offenders = [...modules.values()]
      .filter(m => m.id.startsWith('flows/'))
      .flatMap(m =>
        m.imports
          .filter(
            imported =>
              imported.target.startsWith('flows/') && imported.target !== m.id
          )
          .map(
            imported =>
              `src/${path.relative(SRC, m.file)}:${imported.line} imports '${imported.specifier}'`
          )
      );
    expect(report('Flows importing another flow', offenders)).toBe('');
  });

  it('keeps index.ts to plugin definitions', () => {
    const index = modules.get('index')!;
    const offenders = index.source.statements
      .filter(
        statement =>
          !(
            ts.isImportDeclaration(statement) ||
            ts.isVariableStatement(statement) ||
            ts.isExportAssignment(statement) ||
            ts.isExportDeclaration(statement) ||
            ts.isTypeAliasDeclaration(statement) ||
            ts.isInterfaceDeclaration(statement)
          )
      )
      .map(
        statement =>
          `src/index.ts:${lineOf(index.source, statement.getStart(index.source))} ${ts.SyntaxKind[statement.kind]}`
      );
    expect(report('Statements in index.ts besides plugins', offenders)).toBe(
      ''
    );
  });
});
