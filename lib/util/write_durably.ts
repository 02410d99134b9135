/**
 * Replacing a file so that a crash or a power cut leaves either the old content or the new,
 * never an empty or half-written file: write a temporary file in the same folder, flush it to
 * disk, rename it over the target, then flush the folder so the rename itself is on disk.
 * Without the first flush, ext4 and others may commit the rename before the data, which is
 * exactly how an empty file appears after a power cut.
 */
import { dirname } from "node:path";

let sequence = 0;

/**
 * Replaces `path` with `text`, crash-safe and durable (see the module comment).
 *
 * @param path The file to replace (or create).
 * @param text Its new content.
 * @param mode Permissions of a newly created file.
 * @throws {Deno.errors.NotFound} If the folder does not exist; other file-system errors as raised.
 */
export async function writeFileDurably(path: string, text: string, mode = 0o600): Promise<void> {
  // Unique per process and call: two writers never share a temporary file.
  const temp = `${path}.${Deno.pid}.${++sequence}.tmp`;
  try {
    const file = await Deno.open(temp, { write: true, create: true, truncate: true, mode });
    try {
      const bytes = new TextEncoder().encode(text);
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dirname(path));
}

/** Flushes a folder's entries (the rename) to disk; Windows cannot open a folder for that. */
async function syncFolder(folder: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const dir = await Deno.open(folder, { read: true });
  try {
    await dir.sync();
  } finally {
    dir.close();
  }
}
