import * as zlib from "node:zlib";

/**
 * The files of a zip archive (stored or deflated entries), read as a zip reader does: from the end of central
 * directory record to each central entry, then to its local header, whose sizes must agree; each file's
 * CRC-32 is checked with zlib's. Enough to check the deployment packages the stacks write.
 */
export function unzip(archive: Buffer): Record<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("no end of central directory record");
  const files: Record<string, Buffer> = {};
  let entry = archive.readUInt32LE(end + 16);
  for (let count = archive.readUInt16LE(end + 10); count > 0; count--) {
    if (archive.readUInt32LE(entry) !== 0x02014b50) throw new Error(`no central directory entry at ${entry}`);
    const nameLength = archive.readUInt16LE(entry + 28);
    const name = archive.toString("utf8", entry + 46, entry + 46 + nameLength);
    const [crc, compressedSize, size] = [16, 20, 24].map((offset) => archive.readUInt32LE(entry + offset));
    const local = archive.readUInt32LE(entry + 42);
    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: no local header at ${local}`);
    if (archive.readUInt32LE(local + 18) !== compressedSize || archive.readUInt32LE(local + 22) !== size) {
      throw new Error(`${name}: the local header's sizes differ from the central directory's`);
    }
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = archive.subarray(start, start + compressedSize);
    const content = archive.readUInt16LE(entry + 10) === 8 ? zlib.inflateRawSync(data) : data;
    if (content.length !== size || zlib.crc32(content) !== crc) throw new Error(`${name}: size or CRC-32 mismatch`);
    files[name] = content;
    entry += 46 + nameLength + archive.readUInt16LE(entry + 30) + archive.readUInt16LE(entry + 32);
  }
  return files;
}
