// Sales Hub console: dialogs, the ownership choices and small conveniences.
// Everything works without this script except opening dialogs.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Edit icons open their dialog; Cancel and ✕ close it.
  document.querySelectorAll("[data-open]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const dlg = document.getElementById(btn.dataset.open);
      if (dlg) {
        dlg.showModal();
        const first = dlg.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
        if (first) first.focus();
      }
    });
  });
  document.querySelectorAll("dialog [data-close]").forEach((btn) => {
    btn.addEventListener("click", () => btn.closest("dialog").close());
  });
  // A dialog whose form came back with errors opens again.
  const again = document.querySelector("dialog[data-autoshow]");
  if (again) again.showModal();

  // Filters and role pickers submit on change.
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });

  // "/" focuses the search box, as in most tools.
  const search = document.getElementById("search");
  document.addEventListener("keydown", (e) => {
    if (search && e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
      e.preventDefault();
      search.focus();
    }
  });

  // The create form shows what the chosen ownership type needs.
  const form = document.getElementById("create-form");
  if (form) {
    const withBilling = form.querySelector("[name=with_billing]");
    const sync = () => {
      const type = form.querySelector("[name=managed_by]:checked")?.value || "customer";
      form.querySelectorAll("[data-when]").forEach((el) => { el.hidden = el.dataset.when !== type; });
      const email = form.querySelector("[name='billing.email']");
      if (email) email.closest("label").hidden = type === "customer";
      form.querySelector("[data-billing]").hidden = type !== "customer" && !withBilling.checked;
    };
    form.addEventListener("change", sync);
    sync();
  }

  // The switch to Customer asks for a new owner one way or the other.
  document.querySelectorAll("[data-owner-mode]").forEach((group) => {
    const dlg = group.closest("form");
    const sync = () => {
      const mode = group.querySelector("input:checked")?.value || "new";
      dlg.querySelectorAll("[data-mode]").forEach((el) => { el.hidden = el.dataset.mode !== mode; });
    };
    group.addEventListener("change", sync);
    sync();
  });

  // Toasts fade away.
  const toast = document.querySelector(".toast");
  if (toast) setTimeout(() => toast.classList.add("gone"), 4000);
});
