/** Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999). The 0x00 delimiter is not included. */
export function cobsEncode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length + Math.ceil(input.length / 254) + 1);
  let codeAt = 0;
  let at = 1;
  let code = 1;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0) {
      out[codeAt] = code;
      codeAt = at++;
      code = 1;
      continue;
    }
    out[at++] = input[i];
    if (++code === 0xff) {
      out[codeAt] = code;
      codeAt = at++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, at);
}

/**
 * Decodes one COBS block (without its delimiter) into `out`. Returns the decoded length, or -1
 * when the block is malformed (a zero byte inside it, or a code that runs past its end).
 */
export function cobsDecode(input: Uint8Array, length: number, out: Uint8Array): number {
  let at = 0;
  let i = 0;
  while (i < length) {
    const code = input[i++];
    if (code === 0 || i + code - 1 > length) return -1;
    for (let k = 1; k < code; k++) {
      const byte = input[i++];
      if (byte === 0) return -1;
      out[at++] = byte;
    }
    if (code !== 0xff && i < length) out[at++] = 0;
  }
  return at;
}
