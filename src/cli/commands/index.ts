/** Every `icn` subcommand. A new command is a file here that registers itself, and one entry below. */
import type { Command } from 'commander'
import type { CliIo } from '../io.ts'
import { initCommand } from './init.ts'
import { startCommand } from './start.ts'
import { keysCommand } from './keys.ts'
import { txCommand } from './tx.ts'
import { queryCommands } from './query.ts'
import { testnetCommand } from './testnet.ts'
import { loadCommand } from './load.ts'
import { joinCommand } from './join.ts'
import { faultsCommand } from './faults.ts'

export type CommandRegistrar = (program: Command, io: CliIo) => void

export const COMMANDS: readonly CommandRegistrar[] = [initCommand, startCommand, joinCommand, keysCommand, testnetCommand, txCommand, queryCommands, loadCommand, faultsCommand]
