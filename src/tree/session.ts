// What the tree and the commands need from the signed-in account. The account object of src/azure satisfies it
// (adapted in extension.ts); the UI never reaches Azure except through IdentityOperations.
import type * as vscode from 'vscode';

export type SignInStatus = 'signingIn' | 'signedIn' | 'signedOut';

export interface SessionLike {
  readonly status: SignInStatus;
  readonly onDidChange: vscode.Event<unknown>;
  /** Signs in (may show VS Code's own prompts); resolves when done, throws a message for a person on failure. */
  signIn(): Promise<void>;
}
