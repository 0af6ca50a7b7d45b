// The playground: one code session (its id in the URL, #s=<id>), saved while typing, run with
// live output, and the session's earlier runs.
import { api, ApiError, storedKey, storeKey } from "./api.js";
import { createEditor } from "./editor.js";
import { errorsIn } from "./diagnostics.js";
import { Output } from "./output.js";
import { History } from "./history.js";

const SAVE_DELAY_MS = 400;
const RESUMES = 3;
const SAMPLES = {
  python: 'name = input("Your name? ")\nprint(f"Hello, {name}!")\n',
  javascript: 'console.log("Hello from JavaScript");\n',
  typescript: 'const greeting: string = "Hello from TypeScript";\nconsole.log(greeting);\n',
};

const $ = (id) => document.getElementById(id);
const ui = {
  language: $("language"), run: $("run"), stop: $("stop"), interactive: $("interactive"),
  saveState: $("save-state"), note: $("language-note"),
  keyButton: $("key-button"), keyPanel: $("key-panel"), keyReason: $("key-reason"), keyForm: $("key-form"), key: $("key"),
  conflict: $("conflict"), conflictText: $("conflict-text"),
  conflictLoad: $("conflict-load"), conflictKeep: $("conflict-keep"),
  inputForm: $("input-form"), stdin: $("stdin"), eof: $("eof"),
};
const output = new Output($("output"), $("result"));

const state = {
  session: null, // {session_id, language, version}
  languages: [],
  dirty: false,
  saveTimer: null,
  saving: null, // the save in flight
  conflict: null, // {current_version}
  execution: null, // the run being watched
  stream: null, // its AbortController
};

const editor = createEditor($("editor"), { onChange: edited, onRun: run });
const history = new History($("history"), show);

function edited() {
  state.dirty = true;
  ui.saveState.textContent = "Not saved yet";
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(save, SAVE_DELAY_MS);
}

/** Saves the editor's text over the version it was loaded at; resolves true once it is saved. */
async function save() {
  clearTimeout(state.saveTimer);
  if (state.saving) await state.saving;
  if (!state.dirty || state.conflict || !state.session) return !state.conflict;
  state.dirty = false;
  const text = editor.text();
  state.saving = (async () => {
    try {
      state.session = await api.update(state.session.session_id, state.session.version, {
        source_code: text,
      });
      ui.saveState.textContent = `Saved (version ${state.session.version})`;
      return true;
    } catch (e) {
      state.dirty = true;
      if (e instanceof ApiError && (e.status === 409 || e.status === 412)) {
        showConflict(e.problem);
      } else {
        failed("Saving failed", e);
      }
      return false;
    } finally {
      state.saving = null;
    }
  })();
  return state.saving;
}

function showConflict(problem) {
  state.conflict = problem;
  ui.conflictText.textContent =
    `This session was changed somewhere else (now version ${problem.current_version}; ` +
    `yours was based on version ${state.session.version}). Your text is not saved.`;
  ui.conflict.hidden = false;
  ui.saveState.textContent = "Not saved: changed elsewhere";
}

ui.conflictLoad.addEventListener("click", async () => {
  state.conflict = null;
  ui.conflict.hidden = true;
  state.dirty = false;
  await openSession(state.session.session_id);
});

ui.conflictKeep.addEventListener("click", async () => {
  state.session.version = state.conflict.current_version;
  state.conflict = null;
  ui.conflict.hidden = true;
  state.dirty = true;
  await save();
});

function failed(what, e) {
  if (e instanceof ApiError && e.status === 401) {
    askForKey(storedKey() ? "The key was not accepted. Enter another." : "This server needs an API key.");
    return;
  }
  output.status(`${what}: ${e.message}`);
}

function askForKey(reason) {
  ui.keyReason.textContent = reason;
  ui.keyPanel.hidden = false;
  ui.key.focus();
}

ui.keyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  storeKey(ui.key.value.trim());
  ui.key.value = "";
  ui.keyPanel.hidden = true;
  ui.keyButton.hidden = !storedKey();
  await start();
});

// A key kept in this browser can be changed, or forgotten with an empty field.
ui.keyButton.hidden = !storedKey();
ui.keyButton.addEventListener("click", () =>
  askForKey("Enter another key, or leave the field empty to forget the one kept here."),
);

// Languages

function fillLanguages(languages) {
  state.languages = languages;
  ui.language.replaceChildren(
    ...languages.map((l) => {
      const option = document.createElement("option");
      option.value = l.id;
      option.disabled = !l.available;
      option.textContent = l.available
        ? `${l.name} ${l.version || ""}`.trim()
        : `${l.name} (unavailable: ${l.unavailable_reason || "not installed"})`;
      return option;
    }),
  );
  ui.language.disabled = false;
}

function showLanguage(id) {
  ui.language.value = id;
  editor.setLanguage(id);
  const info = state.languages.find((l) => l.id === id);
  ui.note.textContent = info && info.note ? info.note : "";
}

ui.language.addEventListener("change", async () => {
  const id = ui.language.value;
  showLanguage(id);
  const wasSample = Object.values(SAMPLES).includes(editor.text());
  try {
    await save();
    state.session = await api.update(state.session.session_id, state.session.version, {
      language: id,
      ...(wasSample ? { source_code: SAMPLES[id] } : {}),
    });
    if (wasSample) editor.setText(SAMPLES[id]);
    ui.saveState.textContent = `Saved (version ${state.session.version})`;
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) showConflict(e.problem);
    else failed("Changing the language failed", e);
  }
});

// Sessions

async function openSession(id) {
  state.session = await api.session(id);
  editor.setText(state.session.source_code);
  showLanguage(state.session.language);
  ui.saveState.textContent = `Saved (version ${state.session.version})`;
  await history.load(state.session.session_id);
}

async function newSession() {
  const first = state.languages.find((l) => l.available) || state.languages[0];
  const language = first ? first.id : "python";
  state.session = await api.createSession(language, SAMPLES[language] || "");
  location.replace(`#s=${state.session.session_id}`);
  editor.setText(state.session.source_code);
  showLanguage(state.session.language);
  ui.saveState.textContent = "New session";
  history.clear();
}

function sessionInUrl() {
  const match = location.hash.match(/^#s=([0-9a-fA-F-]{36})$/);
  return match ? match[1] : null;
}

async function start() {
  try {
    fillLanguages((await api.languages()).languages);
    const id = sessionInUrl();
    if (id) {
      try {
        await openSession(id);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        output.status("That session does not exist (any more): this is a new one.");
        await newSession();
      }
    } else {
      await newSession();
    }
    ui.run.disabled = false;
    document.body.dataset.ready = "true";
    performance.mark("playground-ready");
  } catch (e) {
    failed("Could not open the session", e);
  }
}

window.addEventListener("hashchange", () => {
  const id = sessionInUrl();
  if (id && state.session && id !== state.session.session_id) openSession(id).catch((e) => failed("Could not open the session", e));
});

// Runs

async function run() {
  if (!state.session || state.execution) return;
  ui.run.disabled = true;
  editor.mark([]);
  output.clear("Saving…");
  if (!(await save())) {
    ui.run.disabled = false;
    output.status("Not run: the source is not saved.");
    return;
  }
  const interactive = ui.interactive.checked;
  try {
    const started = await api.run(state.session.session_id, interactive);
    await watch(started.execution_id, interactive, true);
  } catch (e) {
    failed("Could not run", e);
  } finally {
    ui.run.disabled = false;
  }
}

/** Follows an execution's events to its end: live for a new run, replayed for an old one. */
async function watch(id, interactive, live, label = "") {
  state.execution = id;
  state.stream = new AbortController();
  ui.stop.disabled = !live;
  ui.inputForm.hidden = !(live && interactive);
  output.clear(live ? "Queued…" : "");
  // On a phone the output is below the editor: bring it into view.
  $("output").scrollIntoView({ block: "nearest" });
  let finished = null;
  let lastEvent = 0;
  const onEvent = (type, data, eventId) => {
    if (eventId) lastEvent = eventId;
    if (type === "status") output.status(data.status === "RUNNING" ? "Running…" : "Queued…");
    else if (type === "stdout" || type === "stderr") output.append(type, data.text);
    else if (type === "done") finished = data;
  };
  try {
    // A stream that ends before `done` (a proxy's timeout, a network blip) is resumed after
    // the last event seen, a few times, then the execution is read as it is.
    for (let attempt = 0; !finished && attempt < RESUMES; attempt++) {
      try {
        await api.events(id, onEvent, state.stream.signal, lastEvent);
      } catch (e) {
        if (e.name === "AbortError" || e instanceof ApiError) throw e;
      }
    }
    if (!finished) finished = await api.execution(id);
    output.done(finished, label);
    editor.mark(errorsIn(finished.language, finished.stderr));
  } catch (e) {
    if (e.name !== "AbortError") failed("Lost the run's output", e);
  } finally {
    state.execution = null;
    state.stream = null;
    ui.stop.disabled = true;
    ui.inputForm.hidden = true;
    if (live) history.load(state.session.session_id);
  }
}

async function show(id, number) {
  if (state.execution) return;
  history.select(id);
  await watch(id, false, false, `Run ${number} (earlier)`);
}

ui.run.addEventListener("click", run);

ui.stop.addEventListener("click", async () => {
  const id = state.execution;
  if (!id) return;
  ui.stop.disabled = true;
  output.status("Stopping…");
  try {
    await api.cancel(id);
  } catch (e) {
    // 409: it ended on its own meanwhile; its done event says how.
    if (!(e instanceof ApiError && e.status === 409)) failed("Could not stop it", e);
  }
});

ui.inputForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = state.execution;
  const line = ui.stdin.value;
  ui.stdin.value = "";
  if (!id) return;
  output.append("stdin", `${line}\n`);
  try {
    await api.stdin(id, `${line}\n`, false);
  } catch (e) {
    failed("The input was not taken", e);
  }
});

ui.eof.addEventListener("click", async () => {
  const id = state.execution;
  if (!id) return;
  ui.inputForm.hidden = true;
  try {
    await api.stdin(id, "", true);
  } catch (e) {
    failed("Could not end the input", e);
  }
});

// Ctrl/Cmd+Enter runs from anywhere on the page, not only from the editor.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
    event.preventDefault();
    run();
  }
});

// A save still waiting when the tab closes goes out now.
window.addEventListener("pagehide", () => {
  if (state.dirty && !state.conflict) save();
});

start();
