// oidc-provider ships no types: the tests use it as the real OpenID provider, untyped.
declare module 'oidc-provider';
