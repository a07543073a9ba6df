/**
 * One vocabulary for span attributes: every name lives in src/core/trace/attributes.ts. A string
 * literal used as an attribute name anywhere in src/ fails here, and every body attribute is
 * dropped by the tracer when recordBodies is false.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import * as vocabulary from '../../src/core/trace/attributes';
import { BODY_ATTRIBUTES } from '../../src/core/trace/attributes';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';

const root = resolve(__dirname, '../..');
const VOCABULARY_FILE = join(root, 'src', 'core', 'trace', 'attributes.ts');
/** Span methods whose object-literal arguments are attribute maps. */
const ATTRIBUTE_MAP_METHODS = new Set(['setAttributes', 'child', 'startTrace', 'addEvent']);
const ATTRIBUTE_NAME = /^(switchyard|gen_ai)\.[a-z]/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const isStringLike = (n: ts.Node): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression =>
  ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);

/** "line: why" for each attribute name spelled out in `source` instead of taken from the vocabulary. */
export function literalAttributeNames(source: string): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const found = new Map<number, string>(); // one finding per node
  const at = (n: ts.Node, why: string) => {
    if (!found.has(n.getStart())) found.set(n.getStart(), `${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${why}`);
  };
  const checkMap = (obj: ts.ObjectLiteralExpression) => {
    for (const p of obj.properties) {
      if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && !ts.isComputedPropertyName(p.name)) at(p, `literal key ${p.name.getText(sf)}`);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (method === 'setAttribute' && node.arguments[0] && isStringLike(node.arguments[0])) at(node, `setAttribute(${node.arguments[0].getText(sf)})`);
      if (ATTRIBUTE_MAP_METHODS.has(method)) for (const a of node.arguments) if (ts.isObjectLiteralExpression(a)) checkMap(a);
    }
    // Attribute maps passed on (e.g. `attributes: {...}` of a router request) and reads like attributes['…'].
    if (ts.isPropertyAssignment(node) && !ts.isComputedPropertyName(node.name) && node.name.getText(sf) === 'attributes' && ts.isObjectLiteralExpression(node.initializer)) checkMap(node.initializer);
    if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.name) && ATTRIBUTE_NAME.test(node.name.text)) at(node, `key '${node.name.text}'`);
    if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) && ATTRIBUTE_NAME.test(node.argumentExpression.text)) at(node, `[${node.argumentExpression.getText(sf)}]`);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...found.values()];
}

describe('trace attribute vocabulary', () => {
  it('the detector finds literal names (so the scan below can fail)', () => {
    assert.equal(literalAttributeNames(`span.setAttribute('switchyard.tool_calls', x);`).length, 1);
    assert.equal(literalAttributeNames(`span.setAttribute(\`x.\${y}\`, x);`).length, 1);
    assert.equal(literalAttributeNames(`span.setAttributes({ 'switchyard.a': 1, b: 2, [ATTR_X]: 3 });`).length, 2);
    assert.equal(literalAttributeNames(`tracer.startTrace('chat', { 'gen_ai.operation.name': 'chat' });`).length, 1);
    assert.equal(literalAttributeNames(`router.stream({ attributes: { round: 1 } });`).length, 1);
    assert.equal(literalAttributeNames(`const v = a.attributes['switchyard.status'];`).length, 1);
    assert.deepEqual(literalAttributeNames(`span.setAttribute(ATTR_X, 'value'); span.child('name', { [ATTR_Y]: 1, ...rest });`), []);
  });

  it('no file in src/ spells an attribute name: every one comes from src/core/trace/attributes.ts', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(join(root, 'src'))) {
      if (file === VOCABULARY_FILE) continue;
      const source = readFileSync(file, 'utf8');
      if (!/setAttribute|startTrace|child\(|addEvent|attributes|gen_ai\.|switchyard\./.test(source)) continue;
      for (const hit of literalAttributeNames(source)) offenders.push(`${relative(root, file)}:${hit}`);
    }
    assert.deepEqual(offenders, [], `use a constant from src/core/trace/attributes.ts:\n${offenders.join('\n')}`);
  });

  it('names are unique and follow the conventions (gen_ai.* / error.* / server.* / switchyard.*)', () => {
    const names = Object.entries(vocabulary).filter(([k]) => k.startsWith('ATTR_')).map(([, v]) => v as string);
    assert.equal(new Set(names).size, names.length, 'one concept, one name');
    for (const n of names) assert.match(n, /^(gen_ai|error|server|switchyard)\.[a-z_.]+$/);
    for (const body of BODY_ATTRIBUTES) assert.ok(names.includes(body));
  });

  it('recordBodies: false drops every body attribute, tool-call arguments included', () => {
    const store = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1e6 });
    const span = createTracer({ store, recordBodies: false }).startTrace('chat');
    for (const name of BODY_ATTRIBUTES) span.setAttribute(name, `{"secret":"body of ${name}"}`);
    span.setAttribute(vocabulary.ATTR_SWITCHYARD_MODEL, 'mini');
    span.end();
    const [trace] = store.list();
    assert.deepEqual(Object.keys(trace.spans[0].attributes), [vocabulary.ATTR_SWITCHYARD_MODEL]);
    assert.ok(BODY_ATTRIBUTES.has(vocabulary.ATTR_SWITCHYARD_TOOL_CALLS));
    assert.ok(BODY_ATTRIBUTES.has(vocabulary.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS));
  });
});
