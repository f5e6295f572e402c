// The environment variables every host reads, in one place: the same names configure the
// local server (process.env), the Forge function (process.env) and the edge worker (env).

/** Environment variable names. */
export const ENV = Object.freeze({
  secret: 'WEBHOOK_SECRET',
  previousSecret: 'WEBHOOK_SECRET_PREVIOUS',
  signingSecret: 'WEBHOOK_SIGNING_SECRET',
  requireSignature: 'WEBHOOK_REQUIRE_SIGNATURE',
});

/** Values of WEBHOOK_REQUIRE_SIGNATURE that turn it on. */
const TRUE_VALUES = new Set(['true', '1', 'yes']);

/**
 * The secrets part of `createHandler` options, read from an environment object.
 * @param {Record<string, string | undefined>} env
 * @returns {{ secret: string, previousSecret: string, signingSecret: string,
 *   requireSignature: boolean }}
 */
export function handlerOptionsFromEnv(env) {
  const text = (name) => (typeof env?.[name] === 'string' ? env[name] : '');
  return {
    secret: text(ENV.secret),
    previousSecret: text(ENV.previousSecret),
    signingSecret: text(ENV.signingSecret),
    requireSignature: TRUE_VALUES.has(text(ENV.requireSignature).trim().toLowerCase()),
  };
}
