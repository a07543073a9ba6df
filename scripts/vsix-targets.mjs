// The platforms Switchyard ships a VSIX for, each with the Chroma server binding it carries
// (npm package chromadb-js-bindings-<platform>; one napi `.node` file). src/core/rag/assets.ts
// picks the same package at run time (test/unit/vsix.targets.test.ts keeps the two in step).
//   version 'override': the pin in package.json "overrides" — linux-x64 gnu stays on 1.0.5, the
//                        newest that loads on glibc 2.34+ (1.0.6+ need glibc 2.38/2.39; see FINDINGS)
//   version 'range':    the newest version in chromadb's optionalDependencies range for it
export const VSIX_TARGETS = [
  { target: 'linux-x64', platform: 'linux', arch: 'x64', binding: 'chromadb-js-bindings-linux-x64-gnu', version: 'override', format: { kind: 'elf', machine: 0x3e } },
  { target: 'linux-arm64', platform: 'linux', arch: 'arm64', binding: 'chromadb-js-bindings-linux-arm64-gnu', version: 'range', format: { kind: 'elf', machine: 0xb7 } },
  { target: 'darwin-x64', platform: 'darwin', arch: 'x64', binding: 'chromadb-js-bindings-darwin-x64', version: 'range', format: { kind: 'macho', cpu: 0x01000007 } },
  { target: 'darwin-arm64', platform: 'darwin', arch: 'arm64', binding: 'chromadb-js-bindings-darwin-arm64', version: 'range', format: { kind: 'macho', cpu: 0x0100000c } },
  { target: 'win32-x64', platform: 'win32', arch: 'x64', binding: 'chromadb-js-bindings-win32-x64-msvc', version: 'range', format: { kind: 'pe', machine: 0x8664 } },
];

export function targetFor(name) {
  return VSIX_TARGETS.find((t) => t.target === name);
}

/** The VSIX target of the machine running this, if Switchyard ships one for it. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  return VSIX_TARGETS.find((t) => t.platform === platform && t.arch === arch);
}

/**
 * Whether `head` (the first bytes of a `.node` file, at least 64 KiB for PE) is a shared library
 * for the target's OS and CPU. Returns a description of what it is instead, or undefined when it matches.
 */
export function binaryMismatch(head, format) {
  const buf = Buffer.from(head);
  if (format.kind === 'elf') {
    if (buf.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF file';
    const machine = buf.readUInt16LE(18);
    return machine === format.machine ? undefined : `ELF for machine 0x${machine.toString(16)}`;
  }
  if (format.kind === 'macho') {
    if (buf.readUInt32LE(0) !== 0xfeedfacf) return 'not a 64-bit Mach-O file';
    const cpu = buf.readUInt32LE(4);
    return cpu === format.cpu ? undefined : `Mach-O for CPU 0x${cpu.toString(16)}`;
  }
  if (buf.toString('latin1', 0, 2) !== 'MZ') return 'not a PE file';
  const pe = buf.readUInt32LE(0x3c);
  if (pe + 6 > buf.length || buf.readUInt32BE(pe) !== 0x50450000) return 'no PE header';
  const machine = buf.readUInt16LE(pe + 4);
  return machine === format.machine ? undefined : `PE for machine 0x${machine.toString(16)}`;
}
