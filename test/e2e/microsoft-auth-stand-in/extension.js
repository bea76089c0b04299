// Test only. Stands in for VS Code's built-in Microsoft authentication against the fake Azure's Entra, which the
// built-in cannot reach offline (see the repository README, "Sign-in in the workbench tests"). It does what the
// built-in does through MSAL: an authorization-code sign-in with PKCE in the browser, opened with
// vscode.env.openExternal and answered on a loopback redirect; then refresh-token grants for other scopes and tenants,
// silently, failing (no session) where Entra asks for interaction. Tokens stay in memory: a reloaded window is signed
// out, so each scenario starts from the welcome content.
'use strict';
const vscode = require('vscode');
const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');

/** Visual Studio Code's application id, the client the built-in signs in as. */
const vscodeClientId = 'aebc6443-996d-45c2-90f0-388ff96faa56';
const oidcScopes = ['openid', 'profile', 'offline_access'];
const signInTimeoutMs = 5 * 60_000;

function base64url(buffer) {
  return buffer.toString('base64url');
}

/** The authority host of the custom environment (the fake), e.g. https://127.0.0.1:PORT/. */
function authorityBase() {
  const config = vscode.workspace.getConfiguration('microsoft-sovereign-cloud');
  const custom = config.get('customEnvironment');
  const url = custom && custom.activeDirectoryEndpointUrl;
  if (config.get('environment') !== 'custom' || !url) {
    throw new Error('The test stand-in signs in only to microsoft-sovereign-cloud.customEnvironment (the fake Azure).');
  }
  return url.endsWith('/') ? url : `${url}/`;
}

/** VS Code's scope conventions: VSCODE_TENANT:<id> and VSCODE_CLIENT_ID:<id> choose the tenant and client. */
function parseScopes(scopes) {
  let tenant = 'organizations';
  let clientId = vscodeClientId;
  const resource = [];
  for (const scope of scopes) {
    if (scope.startsWith('VSCODE_TENANT:')) tenant = scope.slice('VSCODE_TENANT:'.length);
    else if (scope.startsWith('VSCODE_CLIENT_ID:')) clientId = scope.slice('VSCODE_CLIENT_ID:'.length);
    else if (!oidcScopes.includes(scope) && scope !== 'email') resource.push(scope);
  }
  return { tenant, clientId, scope: [...resource, ...oidcScopes].join(' ') };
}

function sameScopes(a, b) {
  const left = [...a].sort().join(' ');
  const right = [...b].sort().join(' ');
  return left === right;
}

function jwtPayload(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** POSTs a form to the token endpoint over node:https (the tests trust the fake's CA through NODE_EXTRA_CA_CERTS). */
function postToken(tenant, form) {
  const url = new URL(`${authorityBase()}${encodeURIComponent(tenant)}/oauth2/v2.0/token`);
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let answer;
        try {
          answer = JSON.parse(text);
        } catch {
          reject(new Error(`token endpoint answered ${response.statusCode} without JSON`));
          return;
        }
        if (response.statusCode !== 200) {
          const error = new Error(answer.error_description || `token endpoint answered ${response.statusCode}`);
          error.code = answer.error;
          reject(error);
        } else {
          resolve(answer);
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Waits on 127.0.0.1 for the browser to come back from the authorize endpoint with a code (or an error). */
function startLoopback(expectedState) {
  let settle;
  const result = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (!code && !error) {
      res.writeHead(404).end();
      return;
    }
    const ok = code && url.searchParams.get('state') === expectedState;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html><head><title>${ok ? 'Signed in' : 'Sign-in failed'}</title></head><body><p id="result">${ok ? 'You are signed in. You can close this tab.' : 'The sign-in failed. You can close this tab.'}</p></body></html>`);
    if (ok) settle.resolve(code);
    else settle.reject(new Error(url.searchParams.get('error_description') || error || 'the sign-in answered with another state'));
  });
  const listening = new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  const timer = setTimeout(() => settle.reject(new Error('The sign-in was not completed in the browser.')), signInTimeoutMs);
  const close = () => {
    clearTimeout(timer);
    server.close();
  };
  return { listening, result, close };
}

class StandInProvider {
  constructor(id) {
    this.id = id;
    this.emitter = new vscode.EventEmitter();
    this.onDidChangeSessions = this.emitter.event;
    /** Signed-in accounts: { id, label, refreshToken }. */
    this.accounts = [];
    /** Sessions handed out: { id, accessToken, account: { id, label }, scopes }. */
    this.sessions = [];
  }

  async getSessions(scopes, options) {
    const accounts = this.accounts.filter((account) => !options || !options.account || options.account.id === account.id);
    if (!scopes) return this.sessions.filter((session) => accounts.some((account) => account.id === session.account.id));
    const result = [];
    for (const account of accounts) {
      const known = this.sessions.find((session) => session.account.id === account.id && sameScopes(session.scopes, scopes));
      const session = known || (await this.silentSession(account, scopes));
      if (session) result.push(session);
    }
    return result;
  }

  /** A refresh-token grant for these scopes; no session where Entra wants the user (e.g. another tenant's MFA). */
  async silentSession(account, scopes) {
    const { tenant, clientId, scope } = parseScopes(scopes);
    try {
      const answer = await postToken(tenant, { grant_type: 'refresh_token', client_id: clientId, refresh_token: account.refreshToken, scope, client_info: '1' });
      if (answer.refresh_token) account.refreshToken = answer.refresh_token;
      const session = { id: crypto.randomUUID(), accessToken: answer.access_token, account: { id: account.id, label: account.label }, scopes: [...scopes] };
      this.sessions.push(session);
      return session;
    } catch {
      return undefined;
    }
  }

  async createSession(scopes, options) {
    const { tenant, clientId, scope } = parseScopes(scopes);
    const verifier = base64url(crypto.randomBytes(32));
    const state = base64url(crypto.randomBytes(16));
    const loopback = startLoopback(state);
    try {
      const port = await loopback.listening;
      const redirectUri = `http://127.0.0.1:${port}/`;
      // The browser may reach the authority by another name (the tests map one to the fake's 127.0.0.1: VS Code in a
      // remote window would send a localhost URL through its port forwarding).
      const browserAuthority = process.env.MICROSOFT_AUTH_STAND_IN_BROWSER_AUTHORITY || authorityBase();
      const authorize = new URL(`${browserAuthority}${encodeURIComponent(tenant)}/oauth2/v2.0/authorize`);
      const params = {
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: base64url(crypto.createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
        client_info: '1',
        ...(options && options.account ? { login_hint: options.account.label } : { prompt: 'select_account' }),
      };
      for (const [key, value] of Object.entries(params)) authorize.searchParams.set(key, value);
      await vscode.env.openExternal(vscode.Uri.parse(authorize.href));
      const code = await loopback.result;
      const answer = await postToken(tenant, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier, scope, client_info: '1' });
      const idToken = jwtPayload(answer.id_token);
      const clientInfo = JSON.parse(Buffer.from(answer.client_info, 'base64url').toString('utf8'));
      // MSAL's home account id: the user's home object id and home tenant.
      const accountId = `${clientInfo.uid}.${clientInfo.utid}`;
      let account = this.accounts.find((candidate) => candidate.id === accountId);
      const isNew = !account;
      if (!account) {
        account = { id: accountId, label: idToken.preferred_username, refreshToken: answer.refresh_token };
        this.accounts.push(account);
      } else {
        account.refreshToken = answer.refresh_token;
      }
      const session = { id: crypto.randomUUID(), accessToken: answer.access_token, account: { id: account.id, label: account.label }, scopes: [...scopes] };
      this.sessions.push(session);
      this.emitter.fire(isNew ? { added: [session], removed: [], changed: [] } : { added: [], removed: [], changed: [session] });
      return session;
    } finally {
      loopback.close();
    }
  }

  async removeSession(sessionId) {
    const session = this.sessions.find((candidate) => candidate.id === sessionId);
    if (!session) return;
    // Signing out an account forgets it with all its tokens, as the built-in does.
    const removed = this.sessions.filter((candidate) => candidate.account.id === session.account.id);
    this.sessions = this.sessions.filter((candidate) => candidate.account.id !== session.account.id);
    this.accounts = this.accounts.filter((account) => account.id !== session.account.id);
    this.emitter.fire({ added: [], removed, changed: [] });
  }
}

function activate(context) {
  for (const [id, label] of [['microsoft', 'Microsoft'], ['microsoft-sovereign-cloud', 'Microsoft Sovereign Cloud']]) {
    context.subscriptions.push(vscode.authentication.registerAuthenticationProvider(id, label, new StandInProvider(id), { supportsMultipleAccounts: true }));
  }
}

module.exports = { activate, deactivate() {} };
