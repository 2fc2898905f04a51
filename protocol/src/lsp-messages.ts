import { NotificationType } from 'vscode-languageserver-protocol';

/**
 * The language server's own messages, beyond plain LSP, typed once for the server and its clients
 * (vscode-eslint's `$shared/customMessages.ts`). Every method starts with `unas/`; clients that do
 * not know them lose nothing (they are only sent to clients that asked for them).
 */

export interface QuiescentParams {
  /** Every open document with the version whose diagnostics were last published. */
  readonly documents: readonly { readonly uri: string; readonly version: number }[];
}

/**
 * server → client: every scheduled analysis has run and its diagnostics are published; nothing is
 * pending. Sent only when the client passed `initializationOptions.quiescentNotification: true`.
 * Tests and status items await it instead of sleeping.
 */
export const QuiescentNotification = {
  method: 'unas/quiescent',
  type: new NotificationType<QuiescentParams>('unas/quiescent'),
} as const;
