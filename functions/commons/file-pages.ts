import { fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from './mmdb.ts';

const PAGE = 4096;

/**
 * The bytes of a file, read a page (4 KiB) at a time on first use and kept: opening reads
 * nothing, and the memory held grows only with the pages lookups touch (at most the file). The
 * file stays open for the life of the process. Throws if the file cannot be opened.
 */
export function filePages(file: string): ByteSource {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const pages = new Map<number, Buffer>();
  const page = (index: number): Buffer => {
    let bytes = pages.get(index);
    if (!bytes) {
      bytes = Buffer.allocUnsafe(Math.min(PAGE, size - index * PAGE));
      readSync(fd, bytes, 0, bytes.length, index * PAGE);
      pages.set(index, bytes);
    }
    return bytes;
  };
  return {
    size,
    byteAt(offset) {
      if (offset < 0 || offset >= size) throw new RangeError(`offset ${offset} is outside the file (${size} bytes)`);
      return page(Math.floor(offset / PAGE))[offset % PAGE]!;
    },
  };
}

/** The bytes of a Buffer already in memory. */
export const bufferBytes = (buffer: Buffer): ByteSource => ({
  size: buffer.length,
  byteAt(offset) {
    const byte = buffer[offset];
    if (byte === undefined) throw new RangeError(`offset ${offset} is outside the buffer (${buffer.length} bytes)`);
    return byte;
  },
});
