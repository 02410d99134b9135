/**
 * Issue 13, point 6: schedule, config and state files are read only if they are regular files,
 * at most a stated size, and strict UTF-8. A symlink to /dev/zero used to grow memory until the
 * process was killed (23 GB in 97 s here); a Latin-1 file was read with replacement characters.
 */
import assert from "node:assert/strict";
import {
  decodeStrict,
  FileContentError,
  firstInvalidUtf8,
  readTextFileStrict,
  TEXT_FILE_MAX_BYTES,
} from "../../lib/util/read_text_file.ts";
import { loadConfig } from "../../lib/cli/config.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { StateStore } from "../../lib/scheduler/state_store.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "s20-files-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

const hasDevZero = (() => {
  try {
    return Deno.statSync("/dev/zero").isCharDevice === true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "a symlink to /dev/zero is refused before a byte is read, naming what it points to",
  ignore: !hasDevZero,
  async fn() {
    await using dir = await tempDir();
    const link = `${dir.path}/zero.yaml`;
    await Deno.symlink("/dev/zero", link);
    assert.throws(
      () => readTextFileStrict(link, { what: "schedule file" }),
      (error) =>
        error instanceof FileContentError && error.code === "FILE_INVALID" &&
        /schedule file '.*zero\.yaml': it is a character device \(a symlink to \/dev\/zero\), not a regular file/
          .test(error.message),
    );
    // The config and the daemon's state go through the same reader.
    const io = new BufferIo({ env: { HOME: "/nonexistent" } });
    assert.throws(() => loadConfig(io, { config: link }), /config file .*character device/);
    // A state file is never fatal to a start: it is moved aside, and the reason says why.
    assert.match(new StateStore(link).load()?.reason ?? "", /character device/);
  },
});

Deno.test("a directory and a FIFO are refused as not regular files", async () => {
  await using dir = await tempDir();
  assert.throws(
    () => readTextFileStrict(dir.path, { what: "schedule file" }),
    /it is a directory, not a regular file/,
  );
  const fifo = `${dir.path}/pipe.yaml`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output().catch(() => null);
  if (made?.success) {
    // Opening a FIFO would wait for a writer: the type is checked first.
    assert.throws(() => readTextFileStrict(fifo, { what: "schedule file" }), /FIFO/);
  }
});

Deno.test("a file over the size limit is refused and the limit is stated", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/big.yaml`;
  await Deno.writeFile(path, new Uint8Array(TEXT_FILE_MAX_BYTES + 1).fill(0x20));
  assert.throws(
    () => readTextFileStrict(path, { what: "schedule file" }),
    /it is 1048577 bytes, over the 1 MiB \(1048576 bytes\) limit/,
  );
  await Deno.writeFile(path, new Uint8Array(TEXT_FILE_MAX_BYTES).fill(0x20));
  assert.equal(readTextFileStrict(path, { what: "schedule file" }).length, TEXT_FILE_MAX_BYTES);
  assert.throws(
    () => readTextFileStrict(path, { what: "daemon state", maxBytes: 100 }),
    /over the 100 bytes limit/,
  );
});

Deno.test("a Latin-1 file is refused as not UTF-8, with the line and column of the bad byte", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/latin1.yaml`;
  // "Zürich" in Latin-1: ü is the single byte 0xFC.
  await Deno.writeFile(
    path,
    new Uint8Array([...new TextEncoder().encode("a: 1\ntimezone: Europe/Z"), 0xfc, 0x72]),
  );
  assert.throws(
    () => readTextFileStrict(path, { what: "schedule file" }),
    /it is not UTF-8 text: byte 0xFC at line 2, column 19 \(byte offset 23\)/,
  );
  const io = new BufferIo({ env: { HOME: "/nonexistent" } });
  assert.throws(() => loadConfig(io, { config: path }), /config file .*not UTF-8/);
  assert.match(new StateStore(path).load()?.reason ?? "", /not UTF-8 text: byte 0xFC at line 2/);
});

Deno.test("UTF-8 is checked as RFC 3629 says: overlongs, surrogates, truncation, too high", () => {
  const bad = (bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
  assert.equal(bad([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]), 10, "valid");
  assert.equal(bad([0x61, 0xc0, 0xaf]), 1, "overlong /");
  assert.equal(bad([0xe0, 0x80, 0xaf]), 0, "overlong 3-byte");
  assert.equal(bad([0x61, 0x62, 0xed, 0xa0, 0x80]), 2, "UTF-16 surrogate");
  assert.equal(bad([0xf4, 0x90, 0x80, 0x80]), 0, "above U+10FFFF");
  assert.equal(bad([0x61, 0xe2, 0x82]), 1, "cut short");
  assert.equal(bad([0x80]), 0, "continuation byte alone");
  // The column counts characters, not bytes: "é" before the bad byte is one column.
  assert.throws(
    () => decodeStrict(new Uint8Array([0xc3, 0xa9, 0xff]), "schedule file", "s.yaml"),
    /byte 0xFF at line 1, column 2 \(byte offset 2\)/,
  );
  assert.equal(decodeStrict(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), "x", "x"), "a", "BOM");
});
