/**
 * Bytes to text for CSV imports. Excel on Chinese Windows saves CSV as GB18030 (GBK) without
 * saying so, and as UTF-8 only with a BOM; platform exports are UTF-8 with or without one. So: an
 * explicit encoding wins; else a BOM decides; else the first 64 KiB must be strict UTF-8 or the
 * file is read as GB18030. Line endings come out as LF (CRLF and lone CR folded) so the parser and
 * the line numbers only ever see one kind.
 */
import type { ImportEncoding } from '@warroom/shared';
import iconv from 'iconv-lite';
import { ImportFileError } from './errors';

/** How much of the file the UTF-8 test looks at before deciding. */
export const DETECT_BYTES = 64 * 1024;

export interface DecodedText {
  encoding: ImportEncoding;
  /** Decoded text with LF line endings, in chunks as they arrive. */
  text: AsyncGenerator<string>;
  /** Filled while `text` is read: characters that did not decode. */
  warnings: string[];
}

interface ChunkDecoder {
  write(buf: Buffer): string;
  end(): string;
}

function decoderFor(encoding: ImportEncoding): ChunkDecoder {
  if (encoding === 'utf8') {
    const d = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  const d = iconv.getDecoder(encoding === 'gbk' ? 'gb18030' : encoding, { stripBOM: false });
  return { write: (b) => d.write(b), end: () => d.end() ?? '' };
}

function bomOf(head: Buffer): { encoding: ImportEncoding; length: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff)
    throw new ImportFileError(
      'the file is UTF-16 big-endian, which this import does not read; save it as UTF-8 (CSV UTF-8 in Excel)',
    );
  return null;
}

function isUtf8(head: Buffer, complete: boolean): boolean {
  try {
    // stream: true lets a character cut at the end of the sample pass.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** Folds CRLF and lone CR into LF across chunk boundaries. */
function lineEndings(): { write(s: string): string; end(): string } {
  let pendingCR = false;
  return {
    write(s) {
      if (pendingCR) s = '\r' + s;
      pendingCR = s.endsWith('\r');
      if (pendingCR) s = s.slice(0, -1);
      return s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n');
    },
    end() {
      const out = pendingCR ? '\n' : '';
      pendingCR = false;
      return out;
    },
  };
}

export async function decodeText(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  explicit?: ImportEncoding,
): Promise<DecodedText> {
  const it = source[Symbol.asyncIterator]();
  const headParts: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < DETECT_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const buf = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : Buffer.from(r.value);
    headParts.push(buf);
    headBytes += buf.length;
  }
  let head = Buffer.concat(headParts);
  const bom = bomOf(head);
  let encoding: ImportEncoding;
  if (explicit) {
    encoding = explicit === 'gbk' ? 'gb18030' : explicit;
    if (bom && bom.encoding === encoding) head = head.subarray(bom.length);
  } else if (bom) {
    encoding = bom.encoding;
    head = head.subarray(bom.length);
  } else {
    const sample = head.subarray(0, DETECT_BYTES);
    encoding = isUtf8(sample, done && sample.length === head.length) ? 'utf8' : 'gb18030';
  }
  const warnings: string[] = [];
  const decoder = decoderFor(encoding);
  const eol = lineEndings();
  async function* text(): AsyncGenerator<string> {
    let replaced = 0;
    const emit = (s: string): string => {
      if (encoding === 'utf8' && s.includes('\uFFFD')) replaced += s.split('\uFFFD').length - 1;
      return eol.write(s);
    };
    const first = emit(decoder.write(head));
    if (first) yield first;
    if (!done) {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const buf = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : Buffer.from(r.value);
        const s = emit(decoder.write(buf));
        if (s) yield s;
      }
    }
    const last = emit(decoder.end()) + eol.end();
    if (last) yield last;
    if (replaced > 0)
      warnings.push(
        `${replaced} character(s) were not valid UTF-8 and were replaced by �; if Excel on Chinese ` +
          'Windows saved this file, import it again with encoding=gb18030',
      );
  }
  return { encoding, text: text(), warnings };
}
