// The code editor: CodeMirror 6, in a shadow root. CodeMirror puts its styles in a <style>
// element when it sits in the document, which this page's Content-Security-Policy (style-src
// 'self') forbids; in a shadow root it uses a constructed style sheet, which needs no exception.
import { EditorState, Compartment, Prec } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput,
  indentUnit,
} from "@codemirror/language";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { python } from "@codemirror/legacy-modes/mode/python";
import { javascript, typescript } from "@codemirror/legacy-modes/mode/javascript";

const MODES = {
  python: StreamLanguage.define(python),
  javascript: StreamLanguage.define(javascript),
  typescript: StreamLanguage.define(typescript),
};

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "15px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
  "&.cm-focused": { outline: "2px solid #1a5fb4" },
  ".cm-content": { minHeight: "12em" },
});

/**
 * Creates the editor in `host`. onChange(text) after each edit; onRun() on Ctrl/Cmd+Enter.
 * Tab is left to the browser (it moves focus on), so that the page can be used without a mouse.
 */
export function createEditor(host, { onChange, onRun }) {
  const root = host.attachShadow({ mode: "open" });
  const language = new Compartment();
  const editable = new Compartment();
  let silent = false;
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: "",
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }])),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        history(),
        bracketMatching(),
        indentOnInput(),
        indentUnit.of("    "),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        language.of(MODES.python),
        editable.of(EditorView.editable.of(true)),
        theme,
        EditorView.contentAttributes.of({ "aria-label": "Source code", id: "code" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !silent) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    text: () => view.state.doc.toString(),
    /** Replaces the text without counting it as an edit (no autosave). */
    setText(text) {
      silent = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        silent = false;
      }
    },
    setLanguage(id) {
      view.dispatch({ effects: language.reconfigure(MODES[id] || []) });
    },
    /** Marks [{line, column, message}] (1-based) in the editor; [] clears. */
    mark(errors) {
      const doc = view.state.doc;
      const diagnostics = errors
        .filter((e) => e.line >= 1 && e.line <= doc.lines)
        .map((e) => {
          const line = doc.line(e.line);
          const from = Math.min(line.from + Math.max(0, (e.column || 1) - 1), line.to);
          return { from, to: line.to > from ? line.to : from, severity: "error", message: e.message };
        });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    focus: () => view.focus(),
    view,
  };
}
