// What the tree needs from the signed-in account (src/ui/session.ts's AccountSession provides it); the tree never
// reaches Azure except through IdentityOperations.
import type * as vscode from 'vscode';

export type SignInStatus = 'signingIn' | 'signedIn' | 'signedOut';

export interface SessionLike {
  readonly status: SignInStatus;
  readonly onDidChange: vscode.Event<unknown>;
}
