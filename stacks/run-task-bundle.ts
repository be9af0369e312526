import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

/** The repository root: esbuild names the bundled files relative to it, so the bundle is the same anywhere. */
const ROOT = path.resolve(__dirname, "..");
const ENTRY = "cli/run-task/lambda-entry.ts";

let bundled: Buffer | undefined;

/**
 * The run task's Lambda entry point (`cli/run-task/lambda-entry.ts` and everything it imports: the review
 * and the guards) bundled into one CommonJS file, built once per process. The AWS SDK stays out: the
 * Node.js runtime of Lambda provides it.
 */
function bundle(): Buffer {
  bundled ??= Buffer.from(
    buildSync({
      absWorkingDir: ROOT,
      entryPoints: [ENTRY],
      outfile: "index.js",
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      external: ["@aws-sdk/*"],
      legalComments: "none",
      write: false,
      logLevel: "silent",
    }).outputFiles[0].contents,
  );
  return bundled;
}

/** The Lambda deployment package on disk, and a hash of the code it holds. */
export interface HandlerPackage {
  /** `<outdir>/run-task-handler/handler.zip`: the bundle as `index.js`. */
  readonly path: string;
  /** The SHA-256 of the bundle, 32 hex digits: the same for the same sources, whatever zlib compressed it. */
  readonly codeHash: string;
}

/**
 * Writes the Lambda deployment package, a zip of the bundle as `index.js`, for a `TerraformAsset` whose hash
 * is `codeHash`, so the asset changes only with the code. The archive has a fixed date (cdktf's own ARCHIVE
 * assets record file times, and start a Node process per synth) and is rewritten only when it changes.
 */
export function runTaskHandlerPackage(outdir: string): HandlerPackage {
  const file = path.join(path.resolve(outdir), "run-task-handler", "handler.zip");
  const code = bundle();
  const archive = zipOf("index.js", code);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!(fs.existsSync(file) && fs.readFileSync(file).equals(archive))) fs.writeFileSync(file, archive);
  return { path: file, codeHash: createHash("sha256").update(code).digest("hex").slice(0, 32) };
}

/** A zip archive of one file, deflated, dated 1980-01-01 (the format's first day), mode 0644. */
export function zipOf(name: string, content: Buffer): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  const data = zlib.deflateRawSync(content, { level: 9 });
  const DOS_DATE_1980_01_01 = (1 << 5) | 1;
  // version needed, flags, method (8: deflate), time, date, CRC-32, compressed and original sizes, name length
  const entry = Buffer.alloc(26);
  entry.writeUInt16LE(20, 0);
  entry.writeUInt16LE(0, 2);
  entry.writeUInt16LE(8, 4);
  entry.writeUInt16LE(0, 6);
  entry.writeUInt16LE(DOS_DATE_1980_01_01, 8);
  entry.writeUInt32LE(crc32(content), 10);
  entry.writeUInt32LE(data.length, 14);
  entry.writeUInt32LE(content.length, 18);
  entry.writeUInt16LE(nameBytes.length, 22);
  entry.writeUInt16LE(0, 24); // extra field length
  const local = Buffer.concat([u32(0x04034b50), entry, nameBytes, data]);
  // made by Unix (3), zip 3.0; the entry; comment, disk, internal attributes; mode 0644; offset 0
  const central = Buffer.concat([
    u32(0x02014b50),
    u16(0x031e),
    entry,
    u16(0),
    u16(0),
    u16(0),
    u32((0o100644 << 16) >>> 0),
    u32(0),
    nameBytes,
  ]);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(1),
    u16(1),
    u32(central.length),
    u32(local.length),
    u16(0),
  ]);
  return Buffer.concat([local, central, end]);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 as zip computes it (zlib.crc32 needs Node 20.15). */
function crc32(content: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of content) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
