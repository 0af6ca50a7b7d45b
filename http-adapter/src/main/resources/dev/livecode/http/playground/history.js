// The session's runs, newest first; each one reopens its output and result.
import { api } from "./api.js";

export class History {
  constructor(list, onOpen) {
    this.list = list;
    this.onOpen = onOpen;
    this.selected = null;
  }

  clear() {
    this.list.replaceChildren();
  }

  async load(sessionId) {
    const { executions } = await api.history(sessionId);
    this.list.replaceChildren(...executions.map((e, i) => this.item(e, executions.length - i)));
  }

  item(execution, number) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "run-link";
    button.dataset.execution = execution.execution_id;
    const when = new Date(execution.queued_at).toLocaleTimeString();
    button.textContent = `Run ${number}: ${execution.status.toLowerCase()} · ${execution.language} · ${when}`;
    button.addEventListener("click", () => this.onOpen(execution.execution_id, number));
    if (execution.execution_id === this.selected) button.setAttribute("aria-current", "true");
    li.append(button);
    return li;
  }

  select(id) {
    this.selected = id;
    for (const button of this.list.querySelectorAll("button")) {
      if (button.dataset.execution === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }
}
