// The request log, redaction and the REST pipeline, with an in-memory HttpClient (no network).
import type { TokenCredential } from '@azure/core-auth';
import { createHttpHeaders, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeIdentityType } from '../../src/azure/armClients';
import { escapeSearchTerm } from '../../src/azure/graphClient';
import type { Logger } from '../../src/azure/logger';
import { redactSecrets } from '../../src/identity/redact';
import { toIdentityError } from '../../src/identity/errorWording';
import { UntrustedEndpointError } from '../../src/identity/serviceError';
import { createJsonPipeline, followPages } from '../../src/azure/restPipeline';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const credential: TokenCredential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 }) };

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

function fakeHttp(answer: (request: PipelineRequest) => { status: number; body?: unknown; headers?: Record<string, string> }): HttpClient & { seen: PipelineRequest[] } {
  const seen: PipelineRequest[] = [];
  return {
    seen,
    async sendRequest(request) {
      seen.push(request);
      const { status, body, headers } = answer(request);
      return { request, status, headers: createHttpHeaders(headers), bodyAsText: body === undefined ? undefined : JSON.stringify(body) };
    },
  };
}

describe('JSON pipeline', () => {
  it('sends the bearer token, logs method, URL, status and request id, and never the token', async () => {
    const logger = capturingLogger();
    const http = fakeHttp(() => ({ status: 200, body: { value: [1] }, headers: { 'request-id': 'r-1' } }));
    const pipeline = createJsonPipeline({ credential, scope: 'https://graph.example/.default', logger, allowedOrigin: 'https://graph.example', httpClient: http });
    await pipeline.send('GET', 'https://graph.example/v1.0/groups');
    assert.equal(http.seen[0].headers.get('authorization'), `Bearer ${TOKEN}`);
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0], /^debug GET https:\/\/graph\.example\/v1\.0\/groups -> 200 \(\d+ ms, request id r-1\)$/);
    assert.ok(!logger.lines.join('\n').includes(TOKEN));
  });

  it('turns an error body into a RestError with code, and logs it at warn level', async () => {
    const logger = capturingLogger();
    const http = fakeHttp(() => ({ status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } }));
    const pipeline = createJsonPipeline({ credential, scope: 's', logger, allowedOrigin: 'https://graph.example', httpClient: http });
    await assert.rejects(pipeline.send('POST', 'https://graph.example/v1.0/groups/g/members/$ref', { body: {} }), (error: Error & { code?: string; statusCode?: number }) => {
      assert.equal(error.code, 'Authorization_RequestDenied');
      assert.equal(error.statusCode, 403);
      assert.equal(error.message, 'Insufficient privileges to complete the operation.');
      return true;
    });
    assert.match(logger.lines[0], /^warn POST .* -> 403 .* Authorization_RequestDenied$/);
  });

  it('follows nextLink pages, sending the same headers on each page', async () => {
    const http = fakeHttp((request) =>
      request.url.endsWith('page2')
        ? { status: 200, body: { value: ['c'] } }
        : { status: 200, body: { value: ['a', 'b'], '@odata.nextLink': 'https://graph.example/v1.0/groups?page2' } },
    );
    const pipeline = createJsonPipeline({ credential, scope: 's', logger: capturingLogger(), allowedOrigin: 'https://graph.example', httpClient: http });
    const items = await followPages<string>(pipeline, 'https://graph.example/v1.0/groups', '@odata.nextLink', { headers: { ConsistencyLevel: 'eventual' } });
    assert.deepEqual(items, ['a', 'b', 'c']);
    assert.equal(http.seen.length, 2);
    assert.ok(http.seen.every((r) => r.headers.get('consistencylevel') === 'eventual'));
  });

  it('refuses to send a token to a host the cloud did not name (e.g. a hostile nextLink)', async () => {
    const http = fakeHttp(() => ({ status: 200, body: { value: [], '@odata.nextLink': 'https://attacker.example/steal' } }));
    const pipeline = createJsonPipeline({ credential, scope: 's', logger: capturingLogger(), allowedOrigin: 'https://graph.example', httpClient: http });
    await assert.rejects(followPages(pipeline, 'https://graph.example/v1.0/groups', '@odata.nextLink'), (error: unknown) => {
      assert.ok(error instanceof UntrustedEndpointError);
      assert.equal(error.origin, 'https://attacker.example');
      assert.equal(toIdentityError(error).message, 'Refusing to send a request to https://attacker.example: it is not under https://graph.example/.');
      return true;
    });
    await assert.rejects(pipeline.send('GET', 'https://graph.example.attacker.example/x'), UntrustedEndpointError);
    assert.equal(http.seen.length, 1);
  });
});

describe('redactSecrets', () => {
  const cases: [string, string][] = [
    [`Authorization: Bearer ${TOKEN}`, TOKEN],
    [`{"authorization":"Bearer ${TOKEN}"}`, TOKEN],
    [`token ${TOKEN} in text`, TOKEN],
    ['client_secret=s3cr3t-value&scope=x', 's3cr3t-value'],
    ['{"access_token":"opaque-token-123"}', 'opaque-token-123'],
    ['https://x.blob.core.windows.net/c?sv=1&sig=abcDEF123%3D', 'abcDEF123'],
    // The VM create body's osProfile: the key has no word boundary before "password".
    ['{"osProfile":{"adminUsername":"azureuser","adminPassword":"Sup3r$ecret!x"}}', 'Sup3r$ecret!x'],
    ['adminPassword=Sup3r$ecret!x', 'Sup3r$ecret!x'],
    ['{"clientSecret":"cs-value-42"}', 'cs-value-42'],
    ['AZURE_CLIENT_SECRET=cs-value-42', 'cs-value-42'],
  ];
  for (const [text, secret] of cases) {
    it(`removes the secret from ${text.slice(0, 30)}…`, () => {
      const redacted = redactSecrets(text);
      assert.ok(!redacted.includes(secret), redacted);
      assert.match(redacted, /REDACTED/);
    });
  }

  it('cuts a quoted password whole, even when it holds spaces, commas, braces or escaped quotes', () => {
    const redacted = redactSecrets('{"adminPassword":"Sup3r ecret,x}y\\"z","computerName":"vm-1"}');
    for (const fragment of ['Sup3r', 'ecret', 'x}y', 'z"']) {
      assert.ok(!redacted.includes(fragment), redacted);
    }
    assert.equal(redacted, '{"adminPassword":"REDACTED","computerName":"vm-1"}');
  });

  it('leaves ordinary text alone', () => {
    const text = "GET https://management.azure.com/subscriptions/x/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01 -> 200";
    assert.equal(redactSecrets(text), text);
  });
});

describe('small helpers', () => {
  it('normalizeIdentityType accepts the spellings ARM has used', () => {
    assert.equal(normalizeIdentityType('SystemAssigned,UserAssigned'), 'SystemAssigned, UserAssigned');
    assert.equal(normalizeIdentityType('systemassigned'), 'SystemAssigned');
    assert.equal(normalizeIdentityType(undefined), 'None');
    assert.equal(normalizeIdentityType('UserAssigned'), 'UserAssigned');
  });

  it('escapeSearchTerm escapes quotes and backslashes for $search', () => {
    assert.equal(escapeSearchTerm(`say "hi" \\ o'brien`), `say \\"hi\\" \\\\ o'brien`);
  });
});
