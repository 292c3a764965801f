/**
 * The compiler: a PolicySnapshot plus one host's OpenFlow port numbers → that
 * host's complete flow set for br.microseg, in `ovs-ofctl add-flow` syntax,
 * sorted and deterministic to the byte. Pure, no I/O. The pipeline is declared
 * in pipeline.ts and explained in docs/pipeline.md.
 *
 *   compileHost(snapshot, host, ports[, context])  one host, whole (compile.ts)
 *   new CompileContext(snapshot)                   the indexes every host of one snapshot shares (context.ts)
 *   new HostCompiler(host).update(snapshot, ports) the same flows plus what changed since the last update
 *                                                  (host-compiler.ts)
 */
export type { HostPorts } from './host-view';
export { compileHost, type CompiledHost } from './compile';
export { CompileContext } from './context';
export { HostCompiler, type HostUpdate } from './host-compiler';
export { ruleForCookie, ruleIndex, type RuleRef } from './rule-ids';
export { decodeCookie, decodeLabel, decodeMark, cookieFor, TABLE, REG } from './pipeline';
