/** Keeps package.json (the extension manifest) and the code from drifting apart. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../../src/core/config/schema';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const props: Record<string, Record<string, unknown>> = pkg.contributes?.configuration?.properties ?? {};
const schemaKeys = Object.keys(configSchema.shape).sort();
const shape = configSchema.shape as Record<string, { parse(v: unknown): unknown }>;

/** The schema under defaults/optionals. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/** Field names of an object schema, or of a record's object values; undefined for anything else. */
function fieldsOf(schema: z.ZodType): { where: 'properties' | 'additionalProperties'; keys: string[] } | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return { where: 'properties', keys: Object.keys(s.shape).sort() };
  if (s instanceof z.ZodRecord) {
    const value = unwrap(s.valueType as z.ZodType);
    if (value instanceof z.ZodObject) return { where: 'additionalProperties', keys: Object.keys(value.shape).sort() };
  }
  return undefined;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('manifest: package.json matches the code', () => {
  it('declares every configSchema key as switchyard.<key>, and nothing else', () => {
    const manifestKeys = Object.keys(props).filter((k) => k.startsWith('switchyard.')).map((k) => k.slice('switchyard.'.length)).sort();
    const missing = schemaKeys.filter((k) => !manifestKeys.includes(k));
    const extra = manifestKeys.filter((k) => !schemaKeys.includes(k));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'contributes.configuration and configSchema disagree');
    assert.deepEqual(Object.keys(props).filter((k) => !k.startsWith('switchyard.')), [], 'settings outside the switchyard. namespace');
  });

  it('gives every setting a type and a description', () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(typeof p.type === 'string', `${key}: no type`);
      assert.ok(typeof (p.markdownDescription ?? p.description) === 'string', `${key}: no description`);
    }
  });

  it('uses defaults that mean the same as the schema defaults', () => {
    for (const key of schemaKeys) {
      const p = props[`switchyard.${key}`];
      assert.ok(p && 'default' in p, `switchyard.${key}: no default`);
      assert.deepEqual(shape[key].parse(p.default), shape[key].parse(undefined), `switchyard.${key}: default differs from configSchema`);
    }
  });

  it('describes the same fields as the schema inside object settings', () => {
    const problems: string[] = [];
    for (const key of schemaKeys) {
      const fields = fieldsOf(shape[key] as unknown as z.ZodType);
      if (!fields) continue;
      const p = props[`switchyard.${key}`] as { properties?: object; additionalProperties?: { properties?: object } };
      const declared = fields.where === 'properties' ? p.properties : p.additionalProperties?.properties;
      if (!declared) {
        problems.push(`switchyard.${key}: no ${fields.where === 'properties' ? 'properties' : 'additionalProperties.properties'} in package.json`);
        continue;
      }
      const names = Object.keys(declared).sort();
      const missing = fields.keys.filter((k) => !names.includes(k));
      const extra = names.filter((k) => !fields.keys.includes(k));
      if (missing.length || extra.length) problems.push(`switchyard.${key}: missing ${JSON.stringify(missing)}, not in the schema ${JSON.stringify(extra)}`);
    }
    assert.deepEqual(problems, []);
  });

  it('has a registered handler for every contributed command', () => {
    const sources = [join(root, 'src', 'extension.ts'), ...tsFiles(join(root, 'src', 'host'))]
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const commands: { command: string; title: string; category?: string }[] = pkg.contributes?.commands ?? [];
    assert.ok(commands.length >= 3, 'expected contributed commands');
    const unhandled = commands
      .map((c) => c.command)
      .filter((id) => !new RegExp(`register\\w*Command\\(\\s*(?:[\\w.]+\\s*,\\s*)?['"\`]${id.replace(/\./g, '\\.')}['"\`]`).test(sources));
    assert.deepEqual(unhandled, [], 'contributed commands without a registerCommand(...) handler');
  });

  it('puts every command under the Switchyard category with a title', () => {
    for (const c of pkg.contributes.commands as { command: string; title: string; category?: string }[]) {
      assert.match(c.command, /^switchyard\./);
      assert.ok(c.title, `${c.command}: no title`);
      assert.equal(c.category, 'Switchyard', `${c.command}: category`);
    }
  });

  it('is a loadable extension manifest', () => {
    assert.equal(pkg.main, './dist/extension.js');
    assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
    assert.ok(pkg.activationEvents.includes('onStartupFinished'));
    assert.ok(pkg.publisher && pkg.name && pkg.version && pkg.license);
    assert.ok(existsSync(join(root, pkg.icon)), `icon ${pkg.icon} missing`);
    assert.equal(pkg.bin.switchyard, './dist/cli.js');
  });
});
