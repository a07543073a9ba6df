/** `switchyard models`: the configured models with provider, id, context window, prices and routes. */
import type { PriceCatalog } from '../../core/cost/catalog';
import { isLocalModel, priceOfModel } from '../../core/cost/local';
import type { SwitchyardConfig } from '../../core/config/schema';
import type { CliCommand } from '../types';
import { parseCommandArgs, table, UsageError, write } from '../util';
import { loadPriceFile } from '../../core/cost/priceImport';
import { formatPrice, type SpendFacts } from '../../core/cost/money';

export interface ModelRow {
  name: string;
  provider: string;
  kind: string;
  id: string;
  contextWindow: number | null;
  /** USD per 1M tokens; null = unknown price. */
  inputPerMTok: number | null;
  outputPerMTok: number | null;
  cacheReadPerMTok: number | null;
  cacheWritePerMTok: number | null;
  /** "chat#1" = first candidate of the chat route; "pinned:chat" = pinned for chat. */
  routes: string[];
  /** Runs on this machine ($0 unless priced; budgets never block it). */
  local: boolean;
}

export function modelRows(config: SwitchyardConfig, catalog: PriceCatalog): ModelRow[] {
  return Object.entries(config.models).map(([name, m]) => {
    const price = priceOfModel(config, catalog, name, m.id);
    const facts = catalog.lookup(m.id);
    const routes = [
      ...Object.entries(config.pinned).filter(([, pinned]) => pinned === name).map(([task]) => `pinned:${task}`),
      ...Object.entries(config.routes).flatMap(([task, list]) => (list.includes(name) ? [`${task}#${list.indexOf(name) + 1}`] : [])),
    ];
    return {
      name,
      provider: m.provider,
      kind: config.providers[m.provider]?.kind ?? '?',
      id: m.id,
      contextWindow: m.contextWindow ?? facts?.contextWindow ?? null,
      inputPerMTok: price?.inputPerMTok ?? null,
      outputPerMTok: price?.outputPerMTok ?? null,
      cacheReadPerMTok: price?.cacheReadPerMTok ?? null,
      cacheWritePerMTok: price?.cacheWritePerMTok ?? null,
      routes,
      local: isLocalModel(config, name),
    };
  });
}

const money = (v: number | null, facts: SpendFacts = {}) => (v === null ? '?' : formatPrice(v, facts));
/** Cache prices: no separate price is "-" (not applicable), unlike an unknown model price ("?"). */
const cacheMoney = (known: boolean, v: number | null) => (!known ? '?' : v === null ? '-' : formatPrice(v));
const tokens = (v: number | null) => (v === null ? '?' : v >= 1000 && v % 1000 === 0 ? `${v / 1000}k` : String(v));

export const command: CliCommand = {
  name: 'models',
  usage: 'models [--config F] [--json] [--catalog [--import FILE]]   configured models (or the built-in price catalog, with a LiteLLM model-prices file applied) with prices per 1M tokens and routes',
  async run(argv, io, loadCore) {
    const { values } = parseCommandArgs('models', argv, {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      catalog: { type: 'boolean', default: false },
      import: { type: 'string' },
    });
    if (values.import !== undefined && !values.catalog) throw new UsageError('models: --import FILE applies to --catalog (switchyard models --catalog --import FILE).');
    const core = await loadCore(values.config);
    if (values.catalog) {
      // The imported file's prices win over the built-in entry of the same id; its other ids are added.
      const imported = values.import === undefined ? undefined : loadPriceFile(values.import, io.cwd);
      const fromFile = new Map(Object.entries(imported?.prices ?? {}).map(([id, p]) => [id.toLowerCase(), { id, p }]));
      const builtIn = core.catalog.list().map(([id, e]) => {
        const own = fromFile.get(id.toLowerCase());
        fromFile.delete(id.toLowerCase());
        const prov = core.catalog.provenance(id);
        return { id, provider: e.provider, contextWindow: e.contextWindow as number | null, fim: e.fim, ...(own ? { ...own.p, source: `import ${values.import}`, asOf: null } : { inputPerMTok: e.inputPerMTok, outputPerMTok: e.outputPerMTok, cacheReadPerMTok: e.cacheReadPerMTok, cacheWritePerMTok: e.cacheWritePerMTok, source: 'built-in', asOf: prov.asOf as string | null }) };
      });
      const added = [...fromFile.values()].map(({ id, p }) => ({ id, provider: '', contextWindow: null, fim: false, ...p, source: `import ${values.import}`, asOf: null }));
      const all = [...builtIn, ...added];
      if (values.json) {
        await write(io.stdout, `${JSON.stringify({ version: core.catalog.version, source: core.catalog.source, ...(imported ? { imported: { file: values.import, format: imported.format, models: Object.keys(imported.prices).length, skipped: imported.skipped.length } } : {}), models: all })}\n`);
        return 0;
      }
      const rows = all.map((e) => [e.id, e.provider || '-', tokens(e.contextWindow), money(e.inputPerMTok), money(e.outputPerMTok), cacheMoney(true, e.cacheReadPerMTok ?? null), cacheMoney(true, e.cacheWritePerMTok ?? null), e.fim ? 'yes' : '', e.asOf ? `built-in ${e.asOf}` : e.source]);
      await write(io.stdout, `Price catalog ${core.catalog.version} (USD per 1M tokens)\n` + table(['ID', 'PROVIDER', 'CONTEXT', 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'FIM', 'PRICES FROM'], rows, [2, 3, 4, 5, 6]));
      if (imported) io.stderr.write(`${Object.keys(imported.prices).length} price(s) from ${values.import} (${imported.format} format; ${imported.skipped.length} entr${imported.skipped.length === 1 ? 'y' : 'ies'} without token prices skipped). Use them: set "prices" to this file's path.\n`);
      return 0;
    }
    const rows = modelRows(core.config, core.catalog);
    if (values.json) {
      await write(io.stdout, `${JSON.stringify(rows)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stderr.write('No models are configured. Pass --config F (or set SWITCHYARD_CONFIG) with "providers", "models" and "routes"; see README.md. `switchyard models --catalog` lists known prices.\n');
      return 0;
    }
    const cells = rows.map((r) => [r.name, `${r.provider} (${r.kind})`, r.id, tokens(r.contextWindow), money(r.inputPerMTok, { local: r.local }), money(r.outputPerMTok, { local: r.local }), cacheMoney(r.inputPerMTok !== null, r.cacheReadPerMTok), cacheMoney(r.inputPerMTok !== null, r.cacheWritePerMTok), r.routes.join(' ') || '-']);
    await write(io.stdout, table(['NAME', 'PROVIDER', 'ID', 'CONTEXT', 'INPUT/1M', 'OUTPUT/1M', 'CACHE READ', 'CACHE WRITE', 'ROUTES'], cells, [3, 4, 5, 6, 7]));
    if (rows.some((r) => r.inputPerMTok === null)) io.stderr.write('? = unknown price: add it under "prices" (by model id) or the model\'s "price"; costs of these models are reported as unknown.\n');
    return 0;
  },
};
