/** Control, invisible and bidirectional characters: never part of a file name shown to an official. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A file's name for display only: no control characters, no folders, at most 255 characters, never empty. */
export function cleanFileName(name: string): string {
  const cleaned = name.slice(0, 1024).replace(HIDDEN, '').split(/[\\/]/).at(-1)!.trim().slice(0, 255);
  return cleaned || 'upload';
}

/** The uploader's name for the file (`x-file-name`, percent-encoded), decoded when it can be, then cleaned. */
export function uploadFileName(header: string | string[] | undefined): string {
  const raw = String(Array.isArray(header) ? header[0] : (header ?? '')).slice(0, 1024);
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  return cleanFileName(name);
}
