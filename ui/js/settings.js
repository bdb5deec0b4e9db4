// The settings view: the learner's identities (add, remove) and where the
// wallet lives.

import * as api from "./api.js";
import { fromTemplate, setText, show } from "./dom.js";

export class Settings {
  constructor() {
    this.list = document.getElementById("identity-list");
    this.error = document.getElementById("identity-error");
    this.input = document.getElementById("identity-value");
    document.getElementById("identity-form").addEventListener("submit", (e) => this.add(e));
    this.list.addEventListener("click", (e) => this.remove(e));
  }

  async refresh() {
    const [info, identities] = await Promise.all([api.walletInfo(), api.listIdentities()]);
    setText(document.getElementById("wallet-path"), info.path);
    setText(document.getElementById("wallet-badges"), info.badges.toLocaleString());
    setText(document.getElementById("wallet-schema"), info.schema_version);
    setText(
      document.getElementById("wallet-private"),
      info.allow_private_network ? "Allowed (SATCHEL_ALLOW_PRIVATE_NETWORK)" : "Not fetched (safer)",
    );
    this.list.replaceChildren();
    for (const id of identities) {
      const li = fromTemplate("identity-template");
      setText(li.querySelector(".identity-kind"), id.kind);
      setText(li.querySelector(".identity-value"), id.value);
      const button = li.querySelector(".identity-remove");
      button.dataset.value = id.value;
      button.setAttribute("aria-label", `Remove ${id.value}`);
      this.list.append(li);
    }
    show(document.getElementById("identity-empty"), identities.length === 0);
  }

  async add(event) {
    event.preventDefault();
    await this.attempt(() => api.addIdentity(this.input.value));
    if (this.error.hidden) this.input.value = "";
  }

  async remove(event) {
    const button = event.target.closest(".identity-remove");
    if (button) await this.attempt(() => api.removeIdentity(button.dataset.value));
  }

  async attempt(change) {
    show(this.error, false);
    try {
      await change();
      await this.refresh();
    } catch (e) {
      setText(this.error, e.message);
      show(this.error, true);
      if (e.code === "invalid_input") this.input.focus();
    }
  }
}
