// The livecode HTTP API as the page uses it. The key, when the server needs one, is kept in this
// browser's localStorage and sent as a Bearer token; it never goes into a URL.
import { readEvents } from "./sse.js";

const KEY_ITEM = "livecode.apiKey";

/** An answer that was not 2xx: its status and problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function storedKey() {
  return localStorage.getItem(KEY_ITEM) || "";
}

export function storeKey(key) {
  if (key) localStorage.setItem(KEY_ITEM, key);
  else localStorage.removeItem(KEY_ITEM);
}

function headers(extra) {
  const all = { Accept: "application/json", ...extra };
  const key = storedKey();
  if (key) all.Authorization = `Bearer ${key}`;
  return all;
}

async function request(method, path, body, extra = {}) {
  const init = { method, headers: headers(extra), cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const api = {
  languages: () => request("GET", "/languages"),
  createSession: (language, sourceCode) =>
    request("POST", "/code-sessions", { language, source_code: sourceCode }),
  session: (id) => request("GET", `/code-sessions/${encodeURIComponent(id)}`),
  /** Saves only over `version`: another tab's save in between is a 409, never overwritten. */
  update: (id, version, changes) =>
    request("PATCH", `/code-sessions/${encodeURIComponent(id)}`, changes, {
      "If-Match": `"${version}"`,
    }),
  run: (id, interactive) =>
    request("POST", `/code-sessions/${encodeURIComponent(id)}/run`, { interactive }),
  execution: (id) => request("GET", `/executions/${encodeURIComponent(id)}`),
  history: (id) => request("GET", `/code-sessions/${encodeURIComponent(id)}/executions?limit=20`),
  stdin: (id, data, eof) =>
    request("POST", `/executions/${encodeURIComponent(id)}/stdin`, { data, eof }),
  cancel: (id) => request("POST", `/executions/${encodeURIComponent(id)}/cancel`),

  /**
   * Streams the execution's events to onEvent(type, data, id); resolves when the stream ends.
   * `after` resumes after that event id (a dropped connection loses nothing).
   */
  async events(id, onEvent, signal, after = 0) {
    const query = after > 0 ? `?after=${after}` : "";
    const response = await fetch(`/executions/${encodeURIComponent(id)}/events${query}`, {
      headers: headers({ Accept: "text/event-stream" }),
      cache: "no-store",
      signal,
    });
    if (!response.ok) {
      let problem = {};
      try {
        problem = await response.json();
      } catch {
        problem = {};
      }
      throw new ApiError(response.status, problem);
    }
    await readEvents(response.body, (event) =>
      onEvent(event.type, JSON.parse(event.data), Number(event.id)),
    );
  },
};
