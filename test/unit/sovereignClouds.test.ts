// With VS Code's Microsoft account (the default sign-in), `microsoft-sovereign-cloud.environment` chooses the cloud:
// each of its values gives the ARM, Microsoft Graph and authority endpoints of that cloud. ARM and the authority are
// checked against @azure/ms-rest-azure-env, which @microsoft/vscode-azext-azureauth (the subscription listing) and
// VS Code's built-in Microsoft authentication (the tokens) use, so our clients call the cloud the tokens are for.
import { Environment } from '@azure/ms-rest-azure-env';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveCloud, type SovereignCloudSetting } from '../../src/azure/settings';
import { settingsWarningText } from '../../src/identity/settingsWarnings';

const vscodeSignIn = { method: 'vscode' as const, warnings: [] };
const cloudFor = (sovereign: SovereignCloudSetting) => resolveCloud(vscodeSignIn, {}, sovereign);
const withoutSlash = (url: string) => url.replace(/\/+$/, '');

describe("microsoft-sovereign-cloud.environment with VS Code's sign-in", () => {
  const known: [string, typeof Environment.ChinaCloud, { arm: string; graph: string; authority: string }][] = [
    ['ChinaCloud', Environment.ChinaCloud, {
      arm: 'https://management.chinacloudapi.cn',
      graph: 'https://microsoftgraph.chinacloudapi.cn',
      authority: 'https://login.chinacloudapi.cn',
    }],
    ['USGovernment', Environment.USGovernment, {
      arm: 'https://management.usgovcloudapi.net',
      graph: 'https://graph.microsoft.us',
      authority: 'https://login.microsoftonline.us',
    }],
  ];
  for (const [environment, library, expected] of known) {
    it(`${environment}: ARM, Graph and authority of that cloud, as the sign-in libraries know it`, () => {
      const choice = cloudFor({ environment });
      assert.equal(choice.cloud.resourceManagerEndpoint, expected.arm);
      assert.equal(choice.cloud.graphEndpoint, expected.graph);
      assert.equal(choice.cloud.authorityHost, expected.authority);
      assert.equal(choice.cloud.resourceManagerScope, `${expected.arm}/.default`);
      assert.equal(choice.cloud.graphScope, `${expected.graph}/.default`);
      assert.equal(choice.cloud.resourceManagerEndpoint, withoutSlash(library.resourceManagerEndpointUrl));
      assert.equal(choice.cloud.authorityHost, withoutSlash(library.activeDirectoryEndpointUrl));
      assert.equal(choice.source, 'microsoft-sovereign-cloud.environment');
      assert.deepEqual(choice.warnings, []);
    });
  }

  it('no setting: public Azure, as the libraries default to', () => {
    const choice = cloudFor({});
    assert.equal(choice.cloud.resourceManagerEndpoint, withoutSlash(Environment.AzureCloud.resourceManagerEndpointUrl));
    assert.equal(choice.cloud.authorityHost, withoutSlash(Environment.AzureCloud.activeDirectoryEndpointUrl));
    assert.equal(choice.cloud.graphEndpoint, 'https://graph.microsoft.com');
  });

  const stack = {
    name: 'AzureStackHub',
    portalUrl: 'https://portal.local.azurestack.external/',
    managementEndpointUrl: 'https://management.local.azurestack.external/',
    resourceManagerEndpointUrl: 'https://management.local.azurestack.external/',
    activeDirectoryEndpointUrl: 'https://login.contoso-stack.example/',
    activeDirectoryResourceId: 'https://management.contoso-stack.example/',
  };

  it('custom: ARM and authority from customEnvironment, Graph from its microsoftGraphEndpointUrl', () => {
    const choice = cloudFor({ environment: 'custom', customEnvironment: { ...stack, microsoftGraphEndpointUrl: 'https://graph.contoso-stack.example/' } });
    assert.equal(choice.cloud.name, 'AzureStackHub');
    assert.equal(choice.cloud.resourceManagerEndpoint, 'https://management.local.azurestack.external');
    assert.equal(choice.cloud.authorityHost, 'https://login.contoso-stack.example');
    assert.equal(choice.cloud.graphEndpoint, 'https://graph.contoso-stack.example');
    assert.equal(choice.cloud.graphScope, 'https://graph.contoso-stack.example/.default');
    // What the subscription library builds from the same setting calls the same ARM endpoint.
    assert.equal(choice.cloud.resourceManagerEndpoint, withoutSlash(new Environment(stack).resourceManagerEndpointUrl));
    assert.equal(choice.source, 'microsoft-sovereign-cloud.customEnvironment');
    assert.deepEqual(choice.warnings, []);
  });

  it('custom without a Graph endpoint: public Graph, and a warning that says how to choose one', () => {
    const choice = cloudFor({ environment: 'custom', customEnvironment: stack });
    assert.equal(choice.cloud.resourceManagerEndpoint, 'https://management.local.azurestack.external');
    assert.equal(choice.cloud.graphEndpoint, 'https://graph.microsoft.com');
    assert.match(choice.warnings.map((warning) => settingsWarningText(warning)).join('\n'), /names no Microsoft Graph endpoint.*microsoftGraphEndpointUrl/);
  });

  it('custom with an http Graph endpoint: refused (tokens travel only over https)', () => {
    const choice = cloudFor({ environment: 'custom', customEnvironment: { ...stack, microsoftGraphEndpointUrl: 'http://graph.contoso-stack.example' } });
    assert.equal(choice.cloud.graphEndpoint, 'https://graph.microsoft.com');
    assert.match(choice.warnings.map((warning) => settingsWarningText(warning)).join('\n'), /unusable Microsoft Graph endpoint \(microsoftGraphEndpointUrl .* must use https\)/);
  });

  it('custom but incomplete: public Azure, with a warning', () => {
    const choice = cloudFor({ environment: 'custom', customEnvironment: { name: 'half' } });
    assert.equal(choice.cloud.resourceManagerEndpoint, 'https://management.azure.com');
    assert.match(choice.warnings.map((warning) => settingsWarningText(warning)).join('\n'), /customEnvironment is incomplete/);
  });
});
