/**
 * The go-plugin handshake, as pure functions: the magic cookie check, the
 * protocol version negotiation and the one line the plugin prints on stdout.
 */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS = [6];

export const NOT_A_COMMAND_MESSAGE =
  'This program is the microseg Terraform provider plugin; it is not meant to be run by hand.\n' +
  'Terraform starts it: put it in a provider mirror (npm run provider:install), declare\n' +
  'source = "terraform.local/microseg/microseg" in required_providers and run terraform init.\n';

export class HandshakeError extends Error {}

/** Throws a HandshakeError (with a message for a human) unless Terraform started us. */
export function checkMagicCookie(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) throw new HandshakeError(NOT_A_COMMAND_MESSAGE);
}

/**
 * Picks the highest protocol version both sides speak. PLUGIN_PROTOCOL_VERSIONS
 * is the client's comma-separated list; absent, the client is assumed to speak ours.
 */
export function negotiateProtocolVersion(env: NodeJS.ProcessEnv, supported = SUPPORTED_PROTOCOL_VERSIONS): number {
  const offered = env.PLUGIN_PROTOCOL_VERSIONS;
  if (offered === undefined || offered.trim() === '') return Math.max(...supported);
  const versions = offered
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^[0-9]+$/.test(s)) throw new HandshakeError(`PLUGIN_PROTOCOL_VERSIONS holds an invalid version "${s}"\n`);
      return Number(s);
    });
  const common = versions.filter((v) => supported.includes(v));
  if (common.length === 0) {
    throw new HandshakeError(
      `This provider speaks plugin protocol ${supported.join(', ')}; Terraform offered ${versions.join(', ')}. Use Terraform 1.0 or later.\n`,
    );
  }
  return Math.max(...common);
}

/** `CORE|APP|network|address|grpc|cert`: the line go-plugin's client reads. */
export function handshakeLine(protocolVersion: number, address: string, serverCertBase64: string): string {
  return `${CORE_PROTOCOL_VERSION}|${protocolVersion}|tcp|${address}|grpc|${serverCertBase64}`;
}
