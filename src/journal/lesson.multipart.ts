/**
 * A small multipart/form-data reader (RFC 7578) for the homework upload form, which must work
 * without JavaScript: text fields and at most one file, the whole body already in memory under a
 * size limit. Pure: a buffer and the Content-Type header in, fields and the file out.
 */

export interface UploadedFile {
  field: string;
  fileName: string;
  mediaType: string;
  content: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  file: UploadedFile | null;
}

export function boundaryOf(contentType: string | undefined): string | null {
  const match = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** Parses the body; null when it is not well-formed multipart with the given boundary. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = {};
  let file: UploadedFile | null = null;
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return { fields, file };
    if (body.subarray(at, at + 2).toString() !== '\r\n') return null;
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return null;
    const headers = body.subarray(at, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return null;
    const content = body.subarray(headerEnd + 4, next);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return null;
    if (fileName !== undefined) {
      if (file !== null) return null;
      const mediaType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream';
      if (fileName !== '' || content.length > 0) file = { field: name, fileName: fileName.replace(/^.*[\\/]/, ''), mediaType, content: Buffer.from(content) };
    } else {
      fields[name] = content.toString('utf8');
    }
    at = next + 2;
  }
}
