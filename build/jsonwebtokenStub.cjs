// Stands in for jsonwebtoken in the bundle. MSAL signs a JWT with it only for a certificate credential (a client
// assertion); this extension signs in with VS Code's account, the Azure CLI or a client secret, never a certificate,
// so `sign` can never be called. The real package brings semver, jws and lodash helpers (~60 KB minified).
module.exports = {
  sign() {
    throw new Error('Certificate credentials are not supported by this extension; jsonwebtoken is not bundled.');
  },
};
