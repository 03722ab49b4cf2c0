// The house rules the layout keeps (docs/architecture.md#the-map): no import cycles, nothing
// outside test/ imports from test/, and no source file of the product or its tools grows past
// 350 lines (split it into modules named for what they hold); no merge conflict is left in a text.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/paths.ts';

const ROOTS = ['infra', 'functions', 'web', 'local', 'bench', 'ops', 'test'];
const MAX_SOURCE_LINES = 350;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const FILES = ROOTS.flatMap(sourceFiles);
const isTest = (file: string): boolean => file.startsWith('test/') || file.startsWith('local/test/');
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The project files a file imports (relative specifiers, type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(SPECIFIER)].map((match) => path.posix.normalize(path.posix.join(path.posix.dirname(file), (match[1] ?? match[2] ?? match[3])!)));
}

const GRAPH = new Map(FILES.map((file) => [file, importsOf(file).filter((target) => target !== file)]));

/** Strongly connected components of more than one file: each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the house rules', () => {
  it('reads the project: every root has source files and imports resolve to them', () => {
    for (const root of ROOTS) expect(FILES.some((file) => file.startsWith(`${root}/`)), root).toBe(true);
    const unresolved = [...GRAPH].flatMap(([file, targets]) => targets.filter((target) => /\.(ts|js)$/.test(target) && !GRAPH.has(target) && !target.endsWith('.d.ts')).map((target) => `${file} -> ${target}`));
    expect(unresolved).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('imports nothing from test/ outside test/', () => {
    const outside = [...GRAPH].filter(([file]) => !isTest(file)).flatMap(([file, targets]) => targets.filter((target) => target.startsWith('test/')).map((target) => `${file} -> ${target}`));
    expect(outside).toEqual([]);
  });

  it(`keeps every source file outside the tests under ${MAX_SOURCE_LINES} lines`, () => {
    const long = FILES.filter((file) => !isTest(file))
      .map((file) => ({ file, lines: readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines >= MAX_SOURCE_LINES);
    expect(long).toEqual([]);
  });

  it('holds no merge conflict markers in its sources, docs or README', () => {
    const docs = readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((name) => /\.(md|yaml)$/.test(name)).map((name) => `docs/${name}`);
    const texts = [...FILES, ...docs, 'README.md', 'local/README.md'];
    const marked = texts.filter((file) => /^(<{7}|>{7}) /m.test(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
    expect(marked).toEqual([]);
  });
});
