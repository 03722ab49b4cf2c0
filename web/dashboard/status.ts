// The status line under the controls, and what a failed request means to the reader.
import { ApiError } from './api.ts';
import { $ } from './dom.ts';

export function setStatus(message: string, isError = false): void {
  const status = $('status');
  status.textContent = message;
  status.classList.toggle('error', isError);
  status.setAttribute('role', isError ? 'alert' : 'status');
}

/** What a failed request means to the reader. */
export function describeError(error: unknown, site: string): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'This key was not accepted. Check that it was copied whole, and try again.';
    if (error.status === 403) return `This key does not give access to the site “${site}”.`;
    if (error.status === 0) return error.message;
    return `The statistics could not be loaded: ${error.message}`;
  }
  return 'The statistics could not be loaded.';
}
