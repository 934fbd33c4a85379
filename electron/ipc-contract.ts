// The IPC channels between the sandboxed renderer (through preload.ts) and main, with their payload
// schemas. This is the whole surface the page can reach in main, so it stays small; every message is
// validated (sender origin + payload) by `validateIpc` before main acts on it.
import { z } from 'zod';
import { DATA_SOURCE_KINDS, MENU_COMMANDS } from '../engine/protocol/host';
import type { MenuCommand } from '../engine/protocol/host';

export const IPC = {
  /** invoke → OpenedFile | null */
  openFile: 'netloom:open-file',
  /** invoke → OpenedFile | null: the file main opened this window for. */
  initialFile: 'netloom:initial-file',
  /** invoke {data, path?, suggestedName?} → {path, name} | null */
  saveFile: 'netloom:save-file',
  /** invoke {files: [{name, data}], suggestedFolder?} → {where, names} | null: an export into a chosen folder. */
  saveFiles: 'netloom:save-files',
  /** invoke 'folder' | 'csv' → the chosen path | null */
  pickDataSource: 'netloom:pick-data-source',
  /** send {title, path?, dirty} */
  setDocumentState: 'netloom:set-document-state',
  /** send (no payload): asks main for a MessagePort to the engine; answered on `enginePort`. */
  connectEngine: 'netloom:connect-engine',
  // main → renderer
  menu: 'netloom:menu',
  enginePort: 'netloom:engine-port',
  engineCrashed: 'netloom:engine-crashed',
} as const;

const none = z.undefined().or(z.null());
const fileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\]+$/, 'a file name, not a path')
  .refine((n) => n !== '.' && n !== '..', 'a file name, not a path');

/** Payload schema per renderer → main channel. Anything else is refused. */
export const IPC_PAYLOADS = {
  [IPC.openFile]: none,
  [IPC.initialFile]: none,
  [IPC.saveFile]: z.object({
    data: z.union([z.string(), z.instanceof(Uint8Array)]),
    path: z.string().max(4096).optional(),
    suggestedName: z
      .string()
      .max(255)
      .regex(/^[^/\\]+$/, 'a file name, not a path')
      .optional(),
  }),
  [IPC.saveFiles]: z.object({
    files: z
      .array(z.object({ name: fileName, data: z.union([z.string(), z.instanceof(Uint8Array)]) }))
      .min(1)
      .max(1000),
    suggestedFolder: z.string().max(4096).optional(),
  }),
  [IPC.pickDataSource]: z.enum(DATA_SOURCE_KINDS as [string, ...string[]]),
  [IPC.setDocumentState]: z.object({
    title: z.string().max(500),
    path: z.string().max(4096).optional(),
    dirty: z.boolean(),
  }),
  [IPC.connectEngine]: none,
} as const;

export type IpcChannel = keyof typeof IPC_PAYLOADS;
export type IpcPayload<C extends IpcChannel> = z.infer<(typeof IPC_PAYLOADS)[C]>;

export const menuCommand = z.enum(MENU_COMMANDS as [string, ...string[]]);

/** The preload's check of what arrives on `IPC.menu`: a MenuCommand, or null (ignored) for anything else. */
export function parseMenuCommand(cmd: unknown): MenuCommand | null {
  const r = menuCommand.safeParse(cmd);
  return r.success ? (r.data as MenuCommand) : null;
}

/**
 * The line main meant, from a rejected `ipcRenderer.invoke`: Electron prefixes the thrown message with
 * "Error invoking remote method '<channel>': Error: ", which would bury the code the renderer shows.
 */
export function remoteErrorLine(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');
}
