/**
 * The registry of `switchyard` sub-commands. Each area adds its command here
 * (`export const command: CliCommand` in src/cli/commands/<name>.ts); --help lists them in order.
 */
import type { CliCommand } from '../types';
import { command as ask } from './ask';
import { command as cost } from './cost';
import { command as models } from './models';

export const commands: CliCommand[] = [ask, models, cost];
