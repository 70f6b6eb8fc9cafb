// Which answers of the host a view takes: those to its latest request, to a later one (after a reload of
// the webview, ids keep growing), or updates nobody asked for (null); never an answer to a replaced request.

export function isCurrentAnswer(requestId: number | null, latestRequest: number): boolean {
  return requestId === null || requestId >= latestRequest;
}
