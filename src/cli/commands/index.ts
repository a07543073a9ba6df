/**
 * The registry of `switchyard` sub-commands. Each area adds its command here
 * (`export const command: CliCommand` in src/cli/commands/<name>.ts); --help lists them in order.
 */
import type { CliCommand } from '../types';
import { command as ask } from './ask';
import { command as complete } from './complete';
import { command as cost } from './cost';
import { command as index } from './indexWorkspace';
import { command as init } from './init';
import { command as mcp } from './mcp';
import { command as models } from './models';
import { command as search } from './search';

export const commands: CliCommand[] = [init, ask, complete, index, search, mcp, models, cost];
