// What the sign-in settings asked for but did not get. src/azure reads the settings and reports each ignored value
// as a SettingsWarning; settingsWarningText says it to a person (the log and a one-time notification).
import { defaultLocalize, type Localize } from './localize';

/** Why an endpoint (a URL setting or environment variable) was refused. */
export type EndpointProblem =
  | { problem: 'missing'; label: string }
  | { problem: 'notUrl' | 'notHttps'; label: string; value: string }
  /** The custom-cloud setting is not even an object. */
  | { problem: 'notAnObject' };

export type SettingsWarning =
  /** A workspace set a setting that decides where tokens go; only user or machine settings may. */
  | { kind: 'workspaceValueIgnored'; setting: string }
  | { kind: 'unknownSignInMethod'; setting: string; value: string; allowed: readonly string[] }
  | { kind: 'customCloudInvalid'; setting: string; problems: EndpointProblem[] }
  /** VS Code's own sign-in follows only the sovereign-cloud setting, so a custom cloud needs another sign-in. */
  | { kind: 'customCloudNeedsOtherSignIn'; setting: string; signInMethodSetting: string; sovereignSetting: string }
  | { kind: 'environmentEndpointsInvalid'; problems: EndpointProblem[] }
  /** The custom environment names no usable Graph endpoint (`problem` when it names one that is refused). */
  | { kind: 'sovereignCustomWithoutGraph'; setting: string; graphEndpoint: string; graphProperty: string; problem?: EndpointProblem }
  | { kind: 'sovereignCustomIncomplete'; setting: string };

export function settingsWarningText(warning: SettingsWarning, t: Localize = defaultLocalize): string {
  switch (warning.kind) {
    case 'workspaceValueIgnored':
      return t(
        'The workspace sets {0}; it is ignored. This setting decides where your Azure tokens go, so only your user or machine settings may set it.',
        warning.setting,
      );
    case 'unknownSignInMethod':
      return t("{0} '{1}' is not one of {2}; using vscode.", warning.setting, warning.value, warning.allowed.join(', '));
    case 'customCloudInvalid':
      return t('{0} is ignored: {1}', warning.setting, endpointProblemsText(warning.problems, t));
    case 'customCloudNeedsOtherSignIn':
      return t(
        "{0} is ignored with {1} 'vscode': VS Code's sign-in follows only {2}. Choose 'azureCli' or 'servicePrincipal' to use a custom cloud, or set {2}.",
        warning.setting,
        warning.signInMethodSetting,
        warning.sovereignSetting,
      );
    case 'environmentEndpointsInvalid':
      return t('The cloud endpoints in the environment are ignored: {0}', endpointProblemsText(warning.problems, t));
    case 'sovereignCustomWithoutGraph':
      return warning.problem
        ? t(
            '{0} names an unusable Microsoft Graph endpoint ({1}); group operations use {2}.',
            warning.setting,
            endpointProblemsText([warning.problem], t).replace(/\.$/, ''),
            warning.graphEndpoint,
          )
        : t(
            '{0} names no Microsoft Graph endpoint; group operations use {1}. Add "{2}" to it to choose one.',
            warning.setting,
            warning.graphEndpoint,
            warning.graphProperty,
          );
    case 'sovereignCustomIncomplete':
      return t('{0} is incomplete; using public Azure.', warning.setting);
  }
}

function endpointProblemsText(problems: readonly EndpointProblem[], t: Localize): string {
  return problems
    .map((problem) => {
      switch (problem.problem) {
        case 'missing':
          return t('{0} is missing.', problem.label);
        case 'notUrl':
          return t("{0} '{1}' is not a URL.", problem.label, problem.value);
        case 'notHttps':
          return t("{0} '{1}' must use https.", problem.label, problem.value);
        case 'notAnObject':
          return t('it must be an object with resourceManagerEndpoint, graphEndpoint and authorityHost.');
      }
    })
    .join(' ');
}
