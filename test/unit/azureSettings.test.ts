// Clouds, sign-in settings and their precedence, tested without VS Code by passing inspect()-shaped objects in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  azureChinaCloud,
  azurePublicCloud,
  azureUSGovernmentCloud,
  customCloud,
  isMicrosoftAuthorityHost,
  scopeFor,
} from '../../src/azure/cloud';
import { resolveCloud, resolveSignInSettings, userOrMachineValue, type SettingInspection } from '../../src/azure/settings';
import { settingsWarningText, type SettingsWarning } from '../../src/identity/settingsWarnings';

const inspect = <T>(values: Omit<SettingInspection<T>, 'key'>): SettingInspection<T> => ({ key: 'x', ...values });
const fake = { resourceManagerEndpoint: 'https://127.0.0.1:8443/', graphEndpoint: 'https://127.0.0.1:8443/graph', authorityHost: 'https://127.0.0.1:8443/login' };

describe('clouds', () => {
  it('public cloud endpoints and scopes', () => {
    assert.equal(azurePublicCloud.resourceManagerEndpoint, 'https://management.azure.com');
    assert.equal(azurePublicCloud.resourceManagerScope, 'https://management.azure.com/.default');
    assert.equal(azurePublicCloud.graphScope, 'https://graph.microsoft.com/.default');
    assert.equal(azurePublicCloud.authorityHost, 'https://login.microsoftonline.com');
  });

  it('sovereign clouds have their own ARM, Graph and login hosts', () => {
    assert.equal(azureUSGovernmentCloud.resourceManagerScope, 'https://management.usgovcloudapi.net/.default');
    assert.equal(azureUSGovernmentCloud.graphScope, 'https://graph.microsoft.us/.default');
    assert.equal(azureChinaCloud.graphScope, 'https://microsoftgraph.chinacloudapi.cn/.default');
    assert.equal(azureChinaCloud.authorityHost, 'https://login.chinacloudapi.cn');
  });

  it('a custom cloud from three endpoints: trailing slashes trimmed, scopes with exactly one slash', () => {
    const cloud = customCloud(fake);
    assert.equal(cloud.resourceManagerEndpoint, 'https://127.0.0.1:8443');
    assert.equal(cloud.resourceManagerScope, 'https://127.0.0.1:8443/.default');
    assert.equal(cloud.graphScope, 'https://127.0.0.1:8443/graph/.default');
    assert.equal(cloud.authorityHost, 'https://127.0.0.1:8443/login');
    assert.equal(scopeFor('https://management.azure.com///'), 'https://management.azure.com/.default');
  });

  it('instance discovery is only for Microsoft authority hosts', () => {
    assert.ok(isMicrosoftAuthorityHost('https://login.microsoftonline.com/'));
    assert.ok(isMicrosoftAuthorityHost('https://login.microsoftonline.us'));
    assert.ok(isMicrosoftAuthorityHost('https://login.chinacloudapi.cn'));
    assert.ok(!isMicrosoftAuthorityHost('https://127.0.0.1:8443/login'));
    assert.ok(!isMicrosoftAuthorityHost('https://login.microsoftonline.com.evil.example'));
    assert.ok(!isMicrosoftAuthorityHost('not a url'));
  });
});

describe('userOrMachineValue: workspace values never count', () => {
  it('takes the user/machine value over the default', () => {
    assert.deepEqual(userOrMachineValue(inspect({ defaultValue: 'vscode', globalValue: 'azureCli' })), { value: 'azureCli', ignoredWorkspaceValue: false });
  });

  it('ignores workspace and folder values and reports that it did', () => {
    assert.deepEqual(userOrMachineValue(inspect({ defaultValue: 'vscode', workspaceValue: 'servicePrincipal' })), { value: 'vscode', ignoredWorkspaceValue: true });
    assert.deepEqual(userOrMachineValue(inspect({ defaultValue: 'vscode', globalValue: 'azureCli', workspaceFolderValue: 'servicePrincipal' })), {
      value: 'azureCli',
      ignoredWorkspaceValue: true,
    });
  });

  it('copes with an undeclared setting', () => {
    assert.deepEqual(userOrMachineValue(undefined), { value: undefined, ignoredWorkspaceValue: false });
  });
});

/** The warnings as the log and the notification say them. */
const words = (warnings: readonly SettingsWarning[]) => warnings.map((warning) => settingsWarningText(warning));

describe('resolveSignInSettings', () => {
  it('defaults to the VS Code account and no custom cloud', () => {
    assert.deepEqual(resolveSignInSettings(inspect({ defaultValue: 'vscode' }), inspect({ defaultValue: null })), { method: 'vscode', customCloud: undefined, warnings: [] });
  });

  it('a workspace cannot choose the sign-in or the endpoints', () => {
    const settings = resolveSignInSettings(
      inspect({ defaultValue: 'vscode', workspaceValue: 'servicePrincipal' }),
      inspect({ defaultValue: null, workspaceValue: { ...fake, resourceManagerEndpoint: 'https://attacker.example' } }),
    );
    assert.equal(settings.method, 'vscode');
    assert.equal(settings.customCloud, undefined);
    assert.equal(settings.warnings.length, 2);
    assert.equal(
      words(settings.warnings)[0],
      'The workspace sets azureVmIdentities.signInMethod; it is ignored. This setting decides where your Azure tokens go, so only your user or machine settings may set it.',
    );
    assert.match(words(settings.warnings)[1], /azureVmIdentities\.customCloud; it is ignored/);
  });

  it('user settings choose the sign-in and a custom cloud', () => {
    const settings = resolveSignInSettings(inspect({ defaultValue: 'vscode', globalValue: 'servicePrincipal' }), inspect({ defaultValue: null, globalValue: fake }));
    assert.equal(settings.method, 'servicePrincipal');
    assert.deepEqual(settings.customCloud, fake);
    assert.deepEqual(settings.warnings, []);
  });

  it("refuses a custom cloud together with VS Code's sign-in, which follows only microsoft-sovereign-cloud.*", () => {
    const settings = resolveSignInSettings(inspect({ defaultValue: 'vscode' }), inspect({ defaultValue: null, globalValue: fake }));
    assert.equal(settings.method, 'vscode');
    assert.equal(settings.customCloud, undefined, 'VS Code tokens are never sent to the custom endpoints');
    assert.equal(settings.warnings.length, 1);
    assert.match(words(settings.warnings)[0], /customCloud is ignored with azureVmIdentities\.signInMethod 'vscode'.*microsoft-sovereign-cloud\.environment/);
  });

  it('refuses an unknown method and a custom cloud with http or missing endpoints', () => {
    const settings = resolveSignInSettings(
      inspect({ defaultValue: 'vscode', globalValue: 'password' }),
      inspect({ defaultValue: null, globalValue: { resourceManagerEndpoint: 'http://insecure.example', graphEndpoint: 'https://g.example' } }),
    );
    assert.equal(settings.method, 'vscode');
    assert.equal(settings.customCloud, undefined);
    assert.match(words(settings.warnings).join('\n'), /'password' is not one of vscode, azureCli, servicePrincipal/);
    assert.match(words(settings.warnings).join('\n'), /resourceManagerEndpoint 'http:\/\/insecure\.example' must use https/);
    assert.match(words(settings.warnings).join('\n'), /authorityHost is missing/);
  });
});

describe('resolveCloud precedence', () => {
  const base = { method: 'servicePrincipal' as const, warnings: [] };

  it('1. the customCloud setting wins', () => {
    const choice = resolveCloud({ ...base, customCloud: fake }, { AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://other.example' }, { environment: 'ChinaCloud' });
    assert.equal(choice.cloud.resourceManagerEndpoint, 'https://127.0.0.1:8443');
    assert.equal(choice.source, 'azureVmIdentities.customCloud');
  });

  it('2. with a service principal, the process environment may name the endpoints', () => {
    const choice = resolveCloud(base, {
      AZURE_RESOURCE_MANAGER_ENDPOINT: fake.resourceManagerEndpoint,
      AZURE_GRAPH_ENDPOINT: fake.graphEndpoint,
      AZURE_AUTHORITY_HOST: fake.authorityHost,
    });
    assert.equal(choice.cloud.resourceManagerScope, 'https://127.0.0.1:8443/.default');
    assert.equal(choice.cloud.graphEndpoint, 'https://127.0.0.1:8443/graph');
    assert.equal(choice.cloud.authorityHost, 'https://127.0.0.1:8443/login');
    assert.equal(choice.source, 'environment variables');
  });

  it('2. ...but not with another sign-in method', () => {
    const choice = resolveCloud({ method: 'vscode', warnings: [] }, { AZURE_RESOURCE_MANAGER_ENDPOINT: fake.resourceManagerEndpoint });
    assert.equal(choice.cloud, azurePublicCloud);
  });

  it('2. a known authority host alone picks its sovereign cloud', () => {
    assert.equal(resolveCloud(base, { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' }).cloud, azureUSGovernmentCloud);
  });

  it('2. http endpoints in the environment are refused', () => {
    const choice = resolveCloud(base, { AZURE_RESOURCE_MANAGER_ENDPOINT: 'http://127.0.0.1:1' });
    assert.equal(choice.cloud, azurePublicCloud);
    assert.match(words(choice.warnings).join(), /must use https/);
  });

  it('3. VS Code\'s sovereign-cloud setting', () => {
    assert.equal(resolveCloud({ method: 'vscode', warnings: [] }, {}, { environment: 'USGovernment' }).cloud, azureUSGovernmentCloud);
    assert.equal(resolveCloud({ method: 'vscode', warnings: [] }, {}, { environment: 'ChinaCloud' }).cloud, azureChinaCloud);
    const custom = resolveCloud({ method: 'vscode', warnings: [] }, {}, {
      environment: 'custom',
      customEnvironment: { name: 'Stack', resourceManagerEndpointUrl: 'https://management.stack.example/', activeDirectoryEndpointUrl: 'https://adfs.stack.example/adfs' },
    });
    assert.equal(custom.cloud.resourceManagerEndpoint, 'https://management.stack.example');
    assert.equal(custom.cloud.authorityHost, 'https://adfs.stack.example/adfs');
    assert.match(words(custom.warnings).join(), /no Microsoft Graph endpoint/);
  });

  it('4. public Azure otherwise', () => {
    assert.equal(resolveCloud({ method: 'azureCli', warnings: [] }, {}).cloud, azurePublicCloud);
  });
});
