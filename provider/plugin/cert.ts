/**
 * The plugin's own TLS certificate for go-plugin AutoMTLS: a fresh
 * self-signed ECDSA P-256 certificate per process, for `localhost` and
 * 127.0.0.1, usable for server and client auth (as go-plugin makes its own).
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bits, bool, explicit, oid, octets, seq, set, time, tlv, uint, utf8 } from './der';

export interface PluginCertificate {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, base64 without padding, as the handshake line carries it. */
  handshakeCert: string;
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export function generatePluginCertificate(now = new Date()): PluginCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8('localhost'))), set(seq(oid('2.5.4.10'), utf8('microseg'))));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const extensions = explicit(
    3,
    seq(
      seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))), // basicConstraints: CA (self-signed, it is its own root)
      // keyUsage: digitalSignature, keyEncipherment, keyAgreement, keyCertSign
      seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x02, 0xac])))),
      seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))), // serverAuth, clientAuth
      seq(oid('2.5.29.17'), octets(seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1]))))),
    ),
  );
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))),
    uint(serial),
    ECDSA_SHA256,
    name,
    seq(time(new Date(now.getTime() - 30_000)), time(new Date(now.getTime() + 365 * 24 * 3600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  new X509Certificate(der); // fails loudly here rather than in the TLS handshake if the DER is malformed
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    handshakeCert: der.toString('base64').replace(/=+$/, ''),
  };
}
