/**
 * Tool-argument validation against the tool's JSON Schema (draft-07 or 2020-12) with ajv, before a
 * call is shown for approval or sent to the server. Compiled validators are cached per schema.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Logger } from '../logger';

export type ArgumentCheck = { ok: true } | { ok: false; errors: string[] };

export interface ArgumentValidator {
  validate(schema: Record<string, unknown>, args: unknown): ArgumentCheck;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(arguments)';
  if (e.keyword === 'required') return `${where === '(arguments)' ? '' : `${where}.`}${String(e.params.missingProperty)}: is required`;
  if (e.keyword === 'additionalProperties') return `${where}: unknown property "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'enum') return `${where}: must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${where}: ${e.message ?? 'is invalid'}`;
}

/** Says why a schema cannot be compiled as a JSON Schema (draft-07, or 2019-09/2020-12 when it says so), or undefined. */
export type SchemaChecker = (schema: Record<string, unknown>) => string | undefined;

export function createSchemaChecker(): SchemaChecker {
  const options = { allErrors: false, strict: false, validateFormats: false } as const;
  const draft7 = new Ajv(options);
  const draft2020 = new Ajv2020(options);
  return (schema) => {
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    const ajv = declared.includes('2020-12') || declared.includes('2019-09') ? draft2020 : draft7;
    const { $schema: _ignored, ...rest } = schema;
    const target = declared && !declared.includes('draft-07') && !declared.includes('2020-12') ? rest : schema;
    try {
      ajv.compile(target);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    } finally {
      ajv.removeSchema(target); // checked, not kept: lists refresh often
    }
  };
}

/** A validator whose compiled schemas live as long as it does (one per hub or tool loop). */
export function createArgumentValidator(logger?: Logger): ArgumentValidator {
  const options = { allErrors: true, strict: false, validateFormats: true } as const;
  const draft7 = new Ajv(options);
  const draft2020 = new Ajv2020(options);
  addFormats(draft7);
  addFormats(draft2020);
  const cache = new Map<string, ValidateFunction | null>();

  const compile = (schema: Record<string, unknown>): ValidateFunction | null => {
    const key = JSON.stringify(schema);
    if (cache.has(key)) return cache.get(key)!;
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    const ajv = declared.includes('2020-12') || declared.includes('2019-09') ? draft2020 : draft7;
    const { $schema: _ignored, ...rest } = schema;
    let fn: ValidateFunction | null = null;
    try {
      fn = ajv.compile(declared && !declared.includes('draft-07') && !declared.includes('2020-12') ? rest : schema);
    } catch (err) {
      // A schema we cannot compile must not make the tool unusable: the server still validates.
      logger?.warn(`MCP tool schema could not be compiled, arguments not checked locally: ${(err as Error).message}`);
    }
    cache.set(key, fn);
    return fn;
  };

  return {
    validate(schema, args) {
      const fn = compile(schema);
      if (!fn || fn(args)) return { ok: true };
      return { ok: false, errors: (fn.errors ?? []).map(describe) };
    },
  };
}
