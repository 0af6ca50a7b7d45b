// The output pane: chunks of stdout and stderr as they come (told apart by class and by a
// screen reader label), what the user typed, and the result in words.

const EXPLAINED = {
  COMPILE_ERROR: "It did not compile, so nothing ran. The errors are marked in the editor.",
  RUNTIME_ERROR: "It stopped with an error.",
  MEMORY_LIMIT_EXCEEDED:
    "It was stopped because it used more memory than a run may (memory limit exceeded).",
  OUTPUT_LIMIT_EXCEEDED: "It was stopped because it wrote more output than a run may.",
  SIGNALED: "It was killed by a signal.",
  INTERRUPTED: "The machine running it went away and the run could not be handed on.",
  INTERNAL_ERROR: "The server could not run it. Try again.",
};

export class Output {
  constructor(pre, result) {
    this.pre = pre;
    this.result = result;
  }

  clear(message = "") {
    this.pre.replaceChildren();
    this.result.textContent = message;
    this.result.className = "";
  }

  append(stream, text) {
    const last = this.pre.lastElementChild;
    if (last && last.dataset.stream === stream) {
      last.append(text);
    } else {
      const span = document.createElement("span");
      span.className = stream;
      span.dataset.stream = stream;
      span.textContent = text;
      this.pre.append(span);
    }
    this.pre.scrollTop = this.pre.scrollHeight;
  }

  status(text) {
    this.result.textContent = text;
    this.result.className = "";
  }

  /** The end of a run, from its execution resource; `label` names an earlier run. */
  done(execution, label = "") {
    const parts = label ? [`${label}:`, summary(execution)] : [summary(execution)];
    if (execution.stdout_truncated || execution.stderr_truncated) {
      const which = [
        execution.stdout_truncated ? "stdout" : null,
        execution.stderr_truncated ? "stderr" : null,
      ].filter(Boolean);
      parts.push(`Output was cut: only the first part of ${which.join(" and ")} was kept.`);
    }
    this.result.textContent = parts.join(" ");
    this.result.className = execution.status === "COMPLETED" ? "ok" : "failed";
  }
}

function summary(e) {
  const time = e.execution_time_ms == null ? "" : ` after ${e.execution_time_ms} ms`;
  const exit = e.exit_code == null ? "" : `, exit code ${e.exit_code}`;
  switch (e.status) {
    case "COMPLETED":
      return `Completed${exit}${time}.`;
    case "TIMEOUT":
      return `Timed out${time}: it ran longer than its time limit (TIMEOUT) and was stopped.` +
        " An endless loop, or a program still waiting for input, does that.";
    case "CANCELLED":
      return `Stopped${time}: you cancelled it.`;
    case "FAILED":
      return `Failed${exit}${time}. ${EXPLAINED[e.failure_reason] || ""}`.trim();
    default:
      return `${e.status}.`;
  }
}
